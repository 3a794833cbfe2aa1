"""Filters that turn stored codes into their public words."""

from django import template
from django.utils.html import format_html, format_html_join

from harris.statuses import Status

register = template.Library()


@register.filter
def status_label(value):
    """The public label of a status code: "resolved_other_means" → "Resolved by other means"."""
    return Status(value).label


@register.simple_tag
def status_tag(value):
    """A status as its coloured tag, e.g. ``<strong class="tag status-tag--resolved">``."""
    return format_html('<strong class="tag status-tag--{}">{}</strong>', value, Status(value).label)


@register.filter
def status_description(value):
    """The public definition of a status code."""
    return Status.description(value)


@register.filter
def options(bound_field):
    """A select field's ``<option>`` elements, the bound value selected: written here rather
    than by the widget's templates, which cost a template render per option on long lists."""
    value = bound_field.value()
    current = "" if value is None else str(value)
    # Through iter(): django-filter's choice iterator cannot give its length when its choices
    # come from a function.
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (choice, " selected" if current == str(choice) else "", label)
            for choice, label in iter(bound_field.field.choices)
        ),
    )
