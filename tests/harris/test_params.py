"""Whole numbers from URLs, forms and files: ASCII digits of a sane length, or nothing."""

import pytest

from harris.params import whole_number


@pytest.mark.parametrize(("value", "number"), [("0", 0), ("1", 1), ("007", 7), (42, 42)])
def test_ascii_digits_are_read(value, number):
    assert whole_number(value) == number


@pytest.mark.parametrize(
    "value", ["", "²", "٣", "-1", "+1", "1.0", " 1", "1e3", "1" * 19, "9" * 5000, None]
)
def test_anything_else_is_none(value):
    assert whole_number(value) is None
