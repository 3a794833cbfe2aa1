"""Management commands: load_harris."""
