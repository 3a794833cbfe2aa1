"""Form pieces every app's staff forms share."""

from django import forms


class IsoDateInput(forms.DateInput):
    """The browser's own date picker. Its value must be ISO ``YYYY-MM-DD`` whatever the locale:
    a browser silently discards any other value of ``<input type="date">``, so a date rendered
    as ``25/11/2026`` would reach the server empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")
