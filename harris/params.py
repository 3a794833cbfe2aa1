"""Reading whole numbers from URLs, forms and files."""

import re

_WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")


def whole_number(value):
    """``value`` as a non-negative int when it is 1 to 18 ASCII digits, else None.

    ``str.isdigit()`` is true of "²" and "٣", which ``int()`` refuses or reads as a digit the
    visitor never typed, and ``int()`` of a 5,000-digit string raises: neither may reach it."""
    text = str(value)
    return int(text) if _WHOLE_NUMBER.fullmatch(text) else None
