"""Forms for public query parameters that are not recommendation filters."""

from django import forms

from harris.forms import IsoDateInput


class ChangesForm(forms.Form):
    """The date from which to list changes."""

    since = forms.DateField(
        label="Changes since",
        help_text="For example, 2017-10-25",
        widget=IsoDateInput,
        error_messages={"invalid": "Enter a real date in the format YYYY-MM-DD."},
    )
