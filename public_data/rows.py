"""The rows of the recommendation tables, written in Python and, with the current status, held
by each process per public data version.

A list renders fifty rows on every request the response cache cannot answer (a new filter, a
search, a deep page); the agency and review pages render hundreds. A row with the current
status is the same on every page until the public data version moves, so each is written once
per version (``version.HeldPerVersion``) and a page fetches only its ids. A row showing a past
status (as at a date, as published in a report) is written afresh.

Rows are written escaping every value (``html.escape``, what Django's ``escape`` does, without
a safe-string wrapper per value) and marked safe once, whole.
"""

from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from harris.statuses import Status

from . import selectors
from .templatetags.tracker import escape, short_date, status_tag
from .version import HeldPerVersion

# About 1 KB each.
held = HeldPerVersion(limit=20_000)


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
    return mark_safe(
        "<tr>\n      <td>\n"
        f'        <a href="{escape(recommendation.get_absolute_url())}"'
        f' class="recommendation-link">{escape(recommendation.review.short_name)}: '
        f"{escape(label)}</a>\n"
        f'        <p class="body-s">{escape(summary)}</p>\n'
        f"      </td>\n      <td>{_owner_links(recommendation.owners)}</td>\n"
        f"      <td>{_shown_status(recommendation)}</td>\n    </tr>\n"
    )


def rows(records):
    """The table rows of ``records`` (store recommendations annotated by
    ``selectors.with_shown_status``), in their order, showing the status they were annotated
    with."""
    return [_row(record) for record in selectors.with_owners(records)]


def _written(ids):
    queryset = selectors.recommendations().filter(pk__in=ids)
    return {
        record.pk: _row(record)
        for record in selectors.with_owners(selectors.with_shown_status(queryset))
    }


def current_rows(ids):
    """The table rows of the recommendations with these ids, in this order, showing their
    current status; one no longer public is left out."""
    return held.get(ids, _written)
