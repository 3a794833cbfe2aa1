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
def status_chart(chart, caption, list_url=""):
    """A status split (``selectors.chart_rows``) as a horizontal bar chart drawn on the server,
    with the same numbers in a table; each status with recommendations links to ``list_url``
    (a filtered list URL ending in ? or &) followed by ``status=``. Written here rather than by
    a template: the dashboard draws one per review."""
    caption = escape(caption)
    bars = "".join(
        f'\n      <rect class="chart__track" x="0" y="{row["y"]}" width="100" height="6"></rect>'
        f'\n      <rect class="chart__bar status-fill--{escape(row["status"])}" x="0"'
        f' y="{row["y"]}" width="{row["percent"]}" height="6"></rect>'
        for row in chart
    )
    table_rows = "".join(
        '\n      <tr>\n        <th scope="row"><span class="swatch'
        f' status-fill--{escape(row["status"])}" aria-hidden="true"></span>'
        + (
            f'<a href="{escape(list_url)}status={escape(row["status"])}">{escape(row["label"])}</a>'
            if list_url and row["count"]
            else escape(row["label"])
        )
        + f'</th>\n        <td class="numeric">{row["count"]}</td>'
        f'\n        <td class="numeric">{row["percent"]}%</td>\n      </tr>'
        for row in chart
    )
    return mark_safe(
        '<figure class="chart">\n  <svg class="chart__svg" viewBox="0 0 100 60"'
        ' preserveAspectRatio="none" width="100%" height="90" role="img"'
        f' aria-label="{caption}: bar chart; the numbers are in the table that follows"'
        f' focusable="false">{bars}\n  </svg>\n  <div class="table-wrapper">\n'
        '  <table class="table table--compact">\n'
        f'    <caption class="table__caption">{caption}</caption>\n'
        '    <thead><tr><th scope="col">Status</th><th scope="col" class="numeric">Count</th>'
        '<th scope="col" class="numeric">Share</th></tr></thead>\n'
        f"    <tbody>{table_rows}\n    </tbody>\n  </table>\n  </div>\n</figure>"
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
