"""Cells that are safe to open in a spreadsheet program, for every CSV the site writes."""

# A spreadsheet would run a cell starting with one of these as a formula.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """Neutralise formula injection in a CSV cell by prefixing an apostrophe."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text
