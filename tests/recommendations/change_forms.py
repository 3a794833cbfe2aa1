"""Helpers that read an admin change form as a browser would submit it."""

import datetime

from django import forms


def _add(data, form):
    for bound in form:
        value = bound.value()
        if value is None:
            continue
        if isinstance(bound.field.widget, forms.MultiWidget):
            for index, part in enumerate(bound.field.widget.decompress(value)):
                data[f"{bound.html_name}_{index}"] = "" if part is None else part.isoformat()
        elif isinstance(bound.field.widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(item) for item in value]
        elif isinstance(value, datetime.date):
            data[bound.html_name] = value.isoformat()
        else:
            data[bound.html_name] = value


def form_data(response):
    """The POST data of the rendered admin change form, unchanged: the main form, and every
    inline's management form and forms."""
    data = {}
    _add(data, response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        _add(data, inline.formset.management_form)
        for form in inline.formset.forms:
            _add(data, form)
    return data


def inline_prefix(response, inline_class):
    """The form prefix the change form gives the inline of this class."""
    for inline in response.context["inline_admin_formsets"]:
        if type(inline.opts) is inline_class:
            return inline.formset.prefix
    raise LookupError(f"{inline_class.__name__} is not on this page")
