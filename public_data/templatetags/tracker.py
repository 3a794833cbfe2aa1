"""Filters that turn stored codes into their public words, and the select options.

The select options repeat hundreds of times a page, so they are written with ``html.escape``
(what Django's ``escape`` does, without a safe-string wrapper per value) and marked safe once,
whole; so are the table rows (``public_data/rows.py``)."""

import functools
import html

from django import template
from django.utils.dates import MONTHS_3
from django.utils.safestring import mark_safe

from harris.links import cached_reverse
from harris.statuses import Status

register = template.Library()


def escape(value):
    """``value`` as text, HTML-escaped."""
    return html.escape(str(value))


@register.simple_tag
def status_tag(value):
    """A status as its coloured tag, e.g. ``<strong class="tag status-tag--resolved">``."""
    return mark_safe(
        f'<strong class="tag status-tag--{escape(value)}">{escape(Status(value).label)}</strong>'
    )


@register.simple_tag
def page_url(name):
    """``{% url name %}`` for a page without arguments, reversed once per process: the site's
    header, footer and filters name a dozen pages on every page."""
    return cached_reverse(name)


@register.simple_tag
def form_groups(form):
    """Each of the form's fields in its form group: label, hint (its help text) and error
    message, which the control names in ``aria-describedby``, and the control. Written here
    rather than by a template loop and the widgets' templates: the list's filters render on
    every uncached request."""
    return mark_safe("\n".join(_form_group(form[name]) for name in form.fields))


def _form_group(field):
    errors = field.errors
    control_id = escape(field.id_for_label)
    parts = [
        f'<div class="form-group{" form-group--error" if errors else ""}">',
        f'<label class="label" for="{control_id}">{escape(field.label)}</label>',
    ]
    if field.help_text:
        parts.append(
            f'<div class="hint" id="{control_id}_helptext">{escape(field.help_text)}</div>'
        )
    if errors:
        messages = "<br>".join(
            f'<span class="visually-hidden">Error:</span> {escape(error)}' for error in errors
        )
        parts.append(f'<p class="error-message" id="{control_id}_error">{messages}</p>')
    if field.widget_type == "select":
        invalid = f' aria-invalid="true" aria-describedby="{control_id}_error"' if errors else ""
        parts.append(
            f'<select name="{escape(field.html_name)}" id="{control_id}"{invalid}>\n'
            f"{options(field)}\n</select>"
        )
    elif field.field.widget.template_name in PLAIN_INPUTS:
        parts.append(plain_input(field))
    else:
        parts.append(str(field))
    parts.append("</div>")
    return "\n".join(parts)


# The widget templates that write no more than one <input> (django/forms/widgets/input.html).
PLAIN_INPUTS = {"django/forms/widgets/text.html", "django/forms/widgets/date.html"}


def plain_input(field):
    """The field's ``<input>``, attribute for attribute as its widget's template writes it
    (aria-describedby and aria-invalid included), without rendering a template."""
    widget = field.field.widget
    attrs = {**widget.attrs, **field.build_widget_attrs({}, widget)}
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    value = widget.format_value(field.value())
    written = [f'<input type="{escape(widget.input_type)}" name="{escape(field.html_name)}"']
    if value is not None:
        written.append(f' value="{escape(value)}"')
    for name, attr in attrs.items():
        if attr is True:
            written.append(f" {name}")
        elif attr is not False:
            written.append(f' {name}="{escape(attr)}"')
    written.append(">")
    return "".join(written)


def options(bound_field):
    """A select field's ``<option>`` elements, the bound value selected: written here rather
    than by the widget's templates, which cost a template render per option on long lists."""
    value = bound_field.value()
    current = "" if value is None else str(value)
    # The view may offer the choices itself, as (value, label, count or None), labelled with
    # counts from data it holds; else through iter(): django-filter's choice iterator cannot
    # give its length when its choices come from a function.
    choices = getattr(bound_field.form, "offered", {}).get(bound_field.name)
    if choices is None:
        choices = ((choice, label, None) for choice, label in iter(bound_field.field.choices))
    return "".join(
        f'<option value="{_escaped(choice)}"'
        f"{' selected' if current == str(choice) else ''}>{_escaped(label)}"
        f"{'' if count is None else f' ({count})'}</option>"
        for choice, label, count in choices
    )


# The same few hundred review and agency names and slugs, escaped on every uncached list.
_escaped = functools.lru_cache(maxsize=4096)(escape)


def short_date(value):
    """``value|date:"j M Y"`` ("5 Mar 2024"), without the date filter's format lookups, which
    cost more than the rest of a table row."""
    return f"{value.day} {MONTHS_3[value.month].title()} {value.year}"
