"""Template tags and filters for the public pages."""
