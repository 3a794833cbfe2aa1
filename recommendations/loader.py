"""Load the tracker's real data from the reviewable YAML files in ``fixtures/``.

The files are the source of truth extracted from the public documents. Loading is idempotent:
records are matched on natural keys (slugs, review + number or position, and an update's date,
source and assessment) and only created or brought in line with the files. Status updates go
through ``services.record_status_update``; one already stored is never rewritten, so a file that
contradicts the stored history is an error, not a silent edit.
"""

import datetime
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.core.exceptions import ValidationError

from public_data import projector
from reviews.models import Review

from . import services
from .models import (
    Agency,
    Recommendation,
    RecommendationLink,
    RecommendationOwner,
    Status,
    StatusUpdate,
)

REVIEWS_FILE = "reviews.yaml"
AGENCIES_FILE = "agencies.yaml"

REVIEW_KEYS = {
    "slug", "title", "short_name", "kind", "author_body", "published_on", "published_precision",
    "stated_recommendation_count", "follows_up", "summary", "data_note",
}  # fmt: skip
AGENCY_KEYS = {"slug", "name", "abbreviation", "sector"}
# owner_basis and response_basis document the extraction for reviewers; they are not loaded.
RECOMMENDATION_KEYS = {
    "number", "section", "text", "owners", "lead_owner", "owner_basis", "response",
    "response_basis", "response_reason", "links", "updates",
}  # fmt: skip
LINK_KEYS = {"kind", "target_review", "target_number", "note"}
UPDATE_KEYS = {
    "status", "status_date", "source_review", "source_citation", "assessment", "publication",
    "narrative", "withheld_reason",
}  # fmt: skip


class FixtureError(Exception):
    """The data files are malformed or contradict the database; nothing was written."""


@dataclass
class LoadReport:
    """What a load created, changed and found already in place."""

    created: dict = field(default_factory=dict)
    changed: dict = field(default_factory=dict)
    unchanged: dict = field(default_factory=dict)

    def count(self, outcome, kind):
        bucket = getattr(self, outcome)
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def wrote_anything(self):
        return bool(self.created or self.changed)


def recommendation_files(directory):
    """Every recommendations file in the directory: all YAML but the reviews and agencies."""
    return sorted(
        path
        for path in Path(directory).glob("*.yaml")
        if path.name not in {REVIEWS_FILE, AGENCIES_FILE}
    )


def load_harris(directory):
    """Load every data file in ``directory`` in one transaction; return a ``LoadReport``.

    Raises ``FixtureError`` naming the file and entry on any problem, with nothing written.
    """
    directory = Path(directory)
    report = LoadReport()
    try:
        # Projected once at the end, in the same transaction.
        with projector.batch():
            reviews = _load_reviews(_read(directory / REVIEWS_FILE), report)
            agencies = _load_agencies(_read(directory / AGENCIES_FILE), report)
            for path in recommendation_files(directory):
                _load_recommendations(path, _read(path), reviews, agencies, report)
    except ValidationError as error:
        raise FixtureError(_describe(error)) from error
    return report


def _read(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except FileNotFoundError as error:
        raise FixtureError(f"{path}: file not found") from error
    except UnicodeDecodeError as error:
        raise FixtureError(f"{path}: not UTF-8 text ({error.reason})") from error
    except yaml.YAMLError as error:
        raise FixtureError(f"{path}: not valid YAML: {error}") from error


def _describe(error):
    if hasattr(error, "message_dict"):
        return "; ".join(f"{key}: {' '.join(msgs)}" for key, msgs in error.message_dict.items())
    return " ".join(error.messages)


def _check_keys(where, entry, allowed, required):
    if not isinstance(entry, dict):
        raise FixtureError(f"{where}: expected a mapping, got {type(entry).__name__}")
    unknown = set(entry) - allowed
    if unknown:
        raise FixtureError(f"{where}: unknown keys {sorted(unknown)}")
    missing = set(required) - set(entry)
    if missing:
        raise FixtureError(f"{where}: missing keys {sorted(missing)}")


def _date(where, value):
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as error:
        raise FixtureError(f"{where}: {value!r} is not a YYYY-MM-DD date") from error


def _choice(where, value, choices):
    if value not in choices.values:
        raise FixtureError(f"{where}: {value!r} is not one of {', '.join(choices.values)}")
    return value


def _sync(model, lookup, values, report, kind, where):
    """Create or bring in line one record; validate it with the model's own rules first."""
    instance = model.objects.filter(**lookup).first()
    outcome = "unchanged"
    if instance is None:
        instance = model(**lookup, **values)
        outcome = "created"
    elif any(getattr(instance, name) != value for name, value in values.items()):
        for name, value in values.items():
            setattr(instance, name, value)
        outcome = "changed"
    if outcome != "unchanged":
        try:
            instance.full_clean(validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise FixtureError(f"{where}: {_describe(error)}") from error
        instance.save()
    report.count(outcome, kind)
    return instance


def _load_reviews(entries, report):
    if not isinstance(entries, list):
        raise FixtureError(f"{REVIEWS_FILE}: expected a list of reviews")
    reviews = {}
    for index, entry in enumerate(entries, 1):
        where = f"{REVIEWS_FILE} entry {index}"
        _check_keys(where, entry, REVIEW_KEYS, REVIEW_KEYS)
        values = {key: entry[key] for key in REVIEW_KEYS - {"slug", "follows_up"}}
        values["published_on"] = _date(where, entry["published_on"])
        values["data_note"] = values["data_note"] or ""
        reviews[entry["slug"]] = _sync(
            Review, {"slug": entry["slug"]}, values, report, "reviews", where
        )
    for index, entry in enumerate(entries, 1):
        followed = entry["follows_up"]
        if followed is not None and followed not in reviews:
            raise FixtureError(f"{REVIEWS_FILE} entry {index}: follows unknown review {followed!r}")
        review = reviews[entry["slug"]]
        target = reviews.get(followed)
        if review.follows_up_id != (target.pk if target else None):
            review.follows_up = target
            review.save(update_fields=["follows_up"])
    return reviews


def _load_agencies(entries, report):
    if not isinstance(entries, list):
        raise FixtureError(f"{AGENCIES_FILE}: expected a list of agencies")
    agencies = {}
    for index, entry in enumerate(entries, 1):
        where = f"{AGENCIES_FILE} entry {index}"
        _check_keys(where, entry, AGENCY_KEYS, {"slug", "name", "sector"})
        values = {
            "name": entry["name"],
            "abbreviation": entry.get("abbreviation") or "",
            "sector": _choice(where, entry["sector"], Agency.Sector),
        }
        agencies[entry["slug"]] = _sync(
            Agency, {"slug": entry["slug"]}, values, report, "agencies", where
        )
    return agencies


def _load_recommendations(path, document, reviews, agencies, report):
    if not isinstance(document, dict) or set(document) != {"review", "recommendations"}:
        raise FixtureError(f"{path.name}: expected the keys 'review' and 'recommendations'")
    review = reviews.get(document["review"])
    if review is None:
        raise FixtureError(f"{path.name}: unknown review {document['review']!r}")
    seen_numbers = set()
    pending_links = []
    for position, entry in enumerate(document["recommendations"], 1):
        where = f"{path.name} recommendation at position {position}"
        _check_keys(where, entry, RECOMMENDATION_KEYS, {"text", "owners", "updates"})
        number = str(entry.get("number") or "")
        if number:
            where = f"{path.name} recommendation {number}"
            if number in seen_numbers:
                raise FixtureError(f"{where}: number appears twice")
            seen_numbers.add(number)
        values = {
            "number": number,
            "text": entry["text"],
            "section": entry.get("section") or "",
            "response": _choice(
                where, entry.get("response", "no_response"), Recommendation.Response
            ),
            "response_reason": entry.get("response_reason") or "",
        }
        recommendation = _sync(
            Recommendation,
            {"review": review, "position": position},
            values,
            report,
            "recommendations",
            where,
        )
        _sync_owners(where, recommendation, entry, agencies, report)
        pending_links += [(where, recommendation, link) for link in entry.get("links") or []]
        for update in entry["updates"]:
            _sync_update(where, recommendation, update, reviews, report)
    for where, recommendation, link in pending_links:
        _sync_link(where, recommendation, link, reviews, report)


def _sync_owners(where, recommendation, entry, agencies, report):
    owners = entry["owners"]
    if not owners:
        raise FixtureError(f"{where}: needs at least one owner")
    unknown = [slug for slug in owners if slug not in agencies]
    if unknown:
        raise FixtureError(f"{where}: unknown agencies {unknown}")
    lead = entry.get("lead_owner")
    if lead is not None and lead not in owners:
        raise FixtureError(f"{where}: lead owner {lead!r} is not among its owners")
    wanted = {agencies[slug].pk: slug == lead for slug in owners}
    stored = {o.agency_id: o.is_lead for o in recommendation.ownerships.all()}
    if stored == wanted:
        report.count("unchanged", "ownerships")
        return
    recommendation.ownerships.all().delete()
    RecommendationOwner.objects.bulk_create(
        RecommendationOwner(recommendation=recommendation, agency_id=pk, is_lead=is_lead)
        for pk, is_lead in wanted.items()
    )
    report.count("changed", "ownerships")


def _sync_link(where, recommendation, link, reviews, report):
    _check_keys(f"{where} link", link, LINK_KEYS, {"kind"})
    kind = _choice(where, link["kind"], RecommendationLink.Kind)
    target_review = reviews.get(link.get("target_review"))
    if link.get("target_review") and target_review is None:
        raise FixtureError(f"{where}: link to unknown review {link['target_review']!r}")
    target = None
    if link.get("target_number"):
        target = Recommendation.objects.filter(
            review=target_review, number=str(link["target_number"])
        ).first()
        if target is None:
            raise FixtureError(f"{where}: link to unknown recommendation {link['target_number']}")
        target_review = None
    lookup = {"source": recommendation, "kind": kind, "target": target}
    lookup["target_review"] = target_review
    _sync(RecommendationLink, lookup, {"note": link.get("note") or ""}, report, "links", where)


def _sync_update(where, recommendation, entry, reviews, report):
    _check_keys(f"{where} update", entry, UPDATE_KEYS, {"status", "status_date", "publication"})
    source_slug = entry.get("source_review")
    if source_slug is not None and source_slug not in reviews:
        raise FixtureError(f"{where}: update sourced to unknown review {source_slug!r}")
    values = {
        "status": _choice(where, entry["status"], Status),
        "publication": _choice(where, entry["publication"], StatusUpdate.Publication),
        "narrative": entry.get("narrative") or "",
        "withheld_reason": entry.get("withheld_reason") or "",
    }
    key = {
        "status_date": _date(where, entry["status_date"]),
        "source_review": reviews.get(source_slug),
        "source_citation": entry.get("source_citation") or "",
        "assessment": _choice(where, entry.get("assessment", "mopac"), StatusUpdate.Assessment),
    }
    stored = recommendation.updates.filter(**key).first()
    if stored is not None:
        if any(getattr(stored, name) != value for name, value in values.items()):
            raise FixtureError(
                f"{where}: the update of {key['status_date']} differs from the stored history, "
                "which is append-only; record a correction instead of editing the file"
            )
        report.count("unchanged", "updates")
        return
    # The history is dated by its documents: a loaded update was published on its own date.
    published_at = datetime.datetime.combine(
        key["status_date"], datetime.time(), tzinfo=datetime.UTC
    )
    try:
        services.record_status_update(
            recommendation=recommendation, published_at=published_at, **key, **values
        )
    except ValidationError as error:
        raise FixtureError(f"{where}: {_describe(error)}") from error
    report.count("created", "updates")
