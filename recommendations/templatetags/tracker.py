"""Filters that turn stored codes into their public words."""

from django import template

from recommendations.models import Status

register = template.Library()


@register.filter
def status_label(value):
    """The public label of a status code: "resolved_other_means" → "Resolved by other means"."""
    return Status(value).label


@register.filter
def status_description(value):
    """The public definition of a status code."""
    return Status.description(value)


@register.filter
def options(bound_field):
    """A select field's (value, label) pairs. Through iter(): django-filter's choice iterator
    cannot give its length when its choices come from a function."""
    return list(iter(bound_field.field.choices))
