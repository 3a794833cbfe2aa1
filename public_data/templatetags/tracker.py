"""Filters that turn stored codes into their public words, and the rows of the recommendation
tables.

The select options and table rows repeat hundreds of times a page, so they are written with
``html.escape`` (what Django's ``escape`` does, without a safe-string wrapper per value) and
marked safe once, whole."""

import html

from django import template
from django.utils.dates import MONTHS_3
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from harris.statuses import Status

register = template.Library()


def escape(value):
    return html.escape(str(value))


@register.filter
def status_label(value):
    """The public label of a status code: "resolved_other_means" → "Resolved by other means"."""
    return Status(value).label


@register.simple_tag
def status_tag(value):
    """A status as its coloured tag, e.g. ``<strong class="tag status-tag--resolved">``."""
    return mark_safe(
        f'<strong class="tag status-tag--{escape(value)}">{escape(Status(value).label)}</strong>'
    )


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
    # The view may offer the choices itself (labelled with counts, from data it holds); else
    # through iter(): django-filter's choice iterator cannot give its length when its choices
    # come from a function.
    choices = getattr(bound_field.form, "offered", {}).get(bound_field.name)
    if choices is None:
        choices = iter(bound_field.field.choices)
    return mark_safe(
        "".join(
            f'<option value="{escape(choice)}"'
            f"{' selected' if current == str(choice) else ''}>{escape(label)}</option>"
            for choice, label in choices
        )
    )


def short_date(value):
    """``value|date:"j M Y"`` ("5 Mar 2024"), without the date filter's format lookups, which
    cost more than the rest of a table row."""
    return f"{value.day} {MONTHS_3[value.month].title()} {value.year}"


def _owner_links(owners):
    return ", ".join(
        f'<a href="{escape(owner.agency.get_absolute_url())}">'
        f"{escape(owner.agency.abbreviation or owner.agency.name)}</a>"
        + (" (lead)" if owner.is_lead else "")
        for owner in owners
    )


def _shown_status(recommendation):
    status, date = recommendation.shown_status, recommendation.shown_status_date
    cell = status_tag(status)
    if date:
        cell += f'<br><span class="caption">{escape(short_date(date))}</span>'
    owner, mopac = recommendation.owner_status, recommendation.mopac_status
    if owner and mopac and owner != mopac:
        cell += (
            f'\n        <p class="body-s">The owner reports {escape(Status(owner).label)}; '
            f"MOPAC assesses {escape(Status(mopac).label)}.</p>"
        )
    return cell


def _row(recommendation):
    label = (
        f"recommendation {recommendation.number}"
        if recommendation.number
        else "unnumbered recommendation"
    )
    summary = Truncator(recommendation.text).words(40, truncate=" …")
    return (
        "<tr>\n      <td>\n"
        f'        <a href="{escape(recommendation.get_absolute_url())}"'
        f' class="recommendation-link">{escape(recommendation.review.short_name)}: '
        f"{escape(label)}</a>\n"
        f'        <p class="body-s">{escape(summary)}</p>\n'
        f"      </td>\n      <td>{_owner_links(recommendation.owners)}</td>\n"
        f"      <td>{_shown_status(recommendation)}</td>\n    </tr>\n"
    )


@register.simple_tag
def recommendation_rows(recommendations):
    """The rows of a recommendations table (``selectors.with_owners`` gives them their owners).

    Written here, escaping every value, rather than in a template: a list renders fifty rows on
    every uncached request, and the template language spends more on them than on all the rest
    of the page.
    """
    return mark_safe("".join(_row(recommendation) for recommendation in recommendations))
