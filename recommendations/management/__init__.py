"""Management commands of the recommendations app."""
