"""Spreadsheet import and export of recommendations (django-import-export), used by the admin
and by ``manage.py import_recommendations``.

One row is one recommendation, matched on its review and number (or position, when it has no
number); the optional ``update_*`` columns append its next status update, so an exported sheet
is also the form for the next round of updates. Rows are held to the importing user's role and
agencies (the library does not do this), every write goes through the services, and the whole
import runs in one transaction that any row error rolls back.
"""

import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Q
from import_export import fields, resources, widgets

from harris.params import whole_number
from harris.spreadsheets import FORMULA_TRIGGERS, spreadsheet_safe
from public_data import projector
from reviews.models import Review

from . import services
from .models import (
    Agency,
    Recommendation,
    Status,
    StatusUpdate,
    sees_all_agencies,
    validate_recommendation_number,
)

OWN_FIELDS = list(Recommendation.EDITED_FIELDS)
# What ``changed_fields`` compares: the review and the fields staff edit.
TRACKED_FIELDS = ["review_id", *OWN_FIELDS]
OWNER_COLUMNS = ["lead_owner", "owners"]
UPDATE_COLUMNS = {
    "update_status": "status",
    "update_date": "status_date",
    "update_assessment": "assessment",
    "update_publication": "publication",
    "update_narrative": "narrative",
    "update_withheld_reason": "withheld_reason",
    "update_source_citation": "source_citation",
    "update_staff_detail": "staff_detail",
}
COLUMNS = [
    "review",
    *OWN_FIELDS[:4],
    *OWNER_COLUMNS,
    *OWN_FIELDS[4:],
    "target_date_reason",
    "current_status",
    "current_status_date",
    *UPDATE_COLUMNS,
]


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        # Spreadsheets store typed numbers as floats: 12 arrives as 12.0.
        value = int(value)
    return str(value).strip()


class TextWidget(widgets.CharWidget):
    """Text that a spreadsheet must never run: exported with a leading apostrophe where it would
    start a formula, which an import takes off again."""

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if "\x00" in text:
            # No database stores it, and no spreadsheet means it.
            raise ValueError("This cell holds a NUL character: remove it and import again.")
        if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
            text = text[1:]
        return text

    def render(self, value, obj=None, **kwargs):
        return spreadsheet_safe(value)


class NumberWidget(TextWidget):
    """A recommendation number as the document gives it (blank for unnumbered ones)."""

    def clean(self, value, row=None, **kwargs):
        number = super().clean(value, row, **kwargs)
        if number:
            try:
                validate_recommendation_number(number)
            except ValidationError as error:
                raise ValueError(f"{number!r}: {error.messages[0]}") from error
        return number


class PositionWidget(widgets.Widget):
    """The order within the document: a whole number from 1."""

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return None
        position = whole_number(text)
        if not position:
            raise ValueError(f"Position must be a whole number from 1, not {text!r}.")
        return position

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class DateWidget(widgets.Widget):
    """A date as YYYY-MM-DD (or a spreadsheet date cell)."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = _text(value)
        if not text:
            return None
        try:
            return datetime.date.fromisoformat(text)
        except ValueError as error:
            raise ValueError(f"{text!r} is not a date in the form YYYY-MM-DD.") from error

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class ChoiceWidget(widgets.Widget):
    """One of a model's choices, by its label ("In progress") or stored value ("in_progress")."""

    def __init__(self, choices, default=None):
        super().__init__()
        self.choices = choices
        self.default = default

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return self.default
        for choice in self.choices:
            if text.lower() in (choice.value, choice.label.lower()):
                return choice.value
        allowed = ", ".join(choice.label for choice in self.choices)
        raise ValueError(f"{text!r} is not one of: {allowed}.")

    def render(self, value, obj=None, **kwargs):
        return self.choices(value).label if value else ""


class BooleanWidget(widgets.BooleanWidget):
    """Yes/no, true/false or 1/0; exported as TRUE or FALSE."""

    TRUE_VALUES = [*widgets.BooleanWidget.TRUE_VALUES, "yes", "Yes", "YES"]
    FALSE_VALUES = [*widgets.BooleanWidget.FALSE_VALUES, "no", "No", "NO", None, ""]

    def clean(self, value, row=None, **kwargs):
        value = value.strip() if isinstance(value, str) else value
        if value in self.TRUE_VALUES:
            return True
        if value in self.FALSE_VALUES:
            return False
        raise ValueError(f"{value!r} is not yes or no.")

    def render(self, value, obj=None, **kwargs):
        return "TRUE" if value else "FALSE"


class SlugWidget(widgets.ForeignKeyWidget):
    """A review or agency by its slug, e.g. ``harris-2016`` or ``mps``."""

    def __init__(self, model):
        super().__init__(model, field="slug")
        # Each resource has its own copy of its widgets, so this lives for one import: a
        # thousand rows naming the same few agencies look each up once.
        self.found = {}

    def clean(self, value, row=None, **kwargs):
        slug = _text(value)
        if not slug:
            return None
        if slug not in self.found:
            try:
                self.found[slug] = self.model.objects.get(slug=slug)
            except self.model.DoesNotExist as error:
                name = self.model._meta.verbose_name
                raise ValueError(f"There is no {name} with the slug {slug!r}.") from error
        return self.found[slug]

    def render(self, value, obj=None, **kwargs):
        return value.slug if value else ""


def _same_owners(first, second):
    return first[0] == second[0] and set(first[1]) == set(second[1])


def _field(attribute, widget, **options):
    return fields.Field(attribute=attribute, column_name=attribute, widget=widget, **options)


def _column(name, widget):
    """A column the resource reads itself (the owners and the next update)."""
    return fields.Field(column_name=name, widget=widget)


class RecommendationResource(resources.ModelResource):
    """Recommendations as spreadsheet rows; see the module docstring."""

    review = _field("review", SlugWidget(Review))
    number = _field("number", NumberWidget())
    position = _field("position", PositionWidget())
    section = _field("section", TextWidget())
    text = _field("text", TextWidget())
    response = _field(
        "response", ChoiceWidget(Recommendation.Response, Recommendation.Response.NO_RESPONSE)
    )
    response_reason = _field("response_reason", TextWidget())
    target_date = _field("target_date", DateWidget())
    is_restricted = _field("is_restricted", BooleanWidget())
    internal_notes = _field("internal_notes", TextWidget())
    current_status = _field("current_status", ChoiceWidget(Status), readonly=True)
    current_status_date = _field("current_status_date", DateWidget(), readonly=True)
    lead_owner = _column("lead_owner", SlugWidget(Agency))
    owners = _column("owners", TextWidget())
    target_date_reason = _column("target_date_reason", TextWidget())
    update_status = _column("update_status", ChoiceWidget(Status))
    update_date = _column("update_date", DateWidget())
    update_assessment = _column("update_assessment", ChoiceWidget(StatusUpdate.Assessment))
    update_publication = _column(
        "update_publication",
        ChoiceWidget(StatusUpdate.Publication, StatusUpdate.Publication.DRAFT),
    )
    update_narrative = _column("update_narrative", TextWidget())
    update_withheld_reason = _column("update_withheld_reason", TextWidget())
    update_source_citation = _column("update_source_citation", TextWidget())
    update_staff_detail = _column("update_staff_detail", TextWidget())

    class Meta:
        model = Recommendation
        fields = COLUMNS
        import_order = COLUMNS
        export_order = COLUMNS
        import_id_fields = ["review", "number"]
        clean_model_instances = True
        use_transactions = True
        # The preview shows what each row would write (import_preview.py), unchanged rows too.
        store_row_values = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, progress=None, user=None, **kwargs):
        """``progress``, if given, is called after each row (the command's progress bar).
        For a ``user`` who sees only their agencies, MOPAC's internal notes are neither read
        nor shown in the preview."""
        super().__init__(**kwargs)
        self.progress = progress
        self.seen = {}
        # The recommendations the file names, read at once (``before_import``), and each one's
        # own fields as stored when it was matched.
        self.matched = {}
        self.stored = {}
        # Of those, the ones the importing user may see, and the agencies they work for.
        self.visible = set()
        self.own_agencies = set()
        if user is not None and not sees_all_agencies(user):
            del self.fields["internal_notes"]

    def get_queryset(self):
        return Recommendation.objects.select_related("review").prefetch_related(
            "ownerships__agency"
        )

    # ---- export ----

    def dehydrate_lead_owner(self, recommendation):
        lead = recommendation.lead_owner
        return lead.slug if lead else ""

    def dehydrate_owners(self, recommendation):
        return "; ".join(o.agency.slug for o in recommendation.ownerships.all() if not o.is_lead)

    # ---- import ----

    def before_import(self, dataset, **kwargs):
        """Read every recommendation the file names in one query, with its owners."""
        self.seen = {}
        by_review = {}
        for key in filter(None, map(self.match_key, dataset.dict)):
            review, number, position = key
            numbers, positions = by_review.setdefault(review, (set(), set()))
            if number:
                numbers.add(number)
            else:
                positions.add(position)
        named = Q(pk__in=[])
        for review, (numbers, positions) in by_review.items():
            named |= Q(review=review, number__in=numbers)
            named |= Q(review=review, number="", position__in=positions)
        matched = self.get_queryset().filter(named)
        self.matched = {}
        for found in matched:
            position = None if found.number else found.position
            self.matched[(found.review_id, found.number, position)] = found
        user = kwargs.get("user")
        if user is not None:
            self.visible = set(matched.visible_to(user).values_list("pk", flat=True).order_by())
            self.own_agencies = set(user.agency_memberships.values_list("agency", flat=True))

    def before_import_row(self, row, **kwargs):
        """Refuse a second row for the same recommendation: it would silently overwrite."""
        key = (_text(row.get("review")), _text(row.get("number")))
        if not key[1]:
            return
        if key in self.seen:
            raise ValidationError(
                {
                    "number": f"Recommendation {key[1]} of {key[0]} is already on row "
                    f"{self.seen[key]}: each recommendation appears once."
                }
            )
        self.seen[key] = kwargs.get("row_number")

    def match_key(self, row):
        """(review id, number, position for unnumbered ones), or None if the row's review,
        number or position does not parse: its field errors then say why."""
        try:
            review = self.fields["review"].clean(row)
            number = self.fields["number"].clean(row)
            position = None if number else self.fields["position"].clean(row)
        except (KeyError, ValueError):
            return None
        if review is None or (not number and position is None):
            return None
        return review.pk, number, position

    def get_instance(self, instance_loader, row):
        """The recommendation the row names: by review and number, or by review and position
        for unnumbered ones."""
        found = self.matched.get(self.match_key(row))
        if found is not None:
            self.stored[found.pk] = {name: getattr(found, name) for name in TRACKED_FIELDS}
        return found

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """A recommendation the row leaves as it is was checked when it was saved: checking it
        again would cost a query per constraint and row."""
        if instance.pk is not None and not self.changed_fields(instance):
            if import_validation_errors:
                raise ValidationError(import_validation_errors)
            return
        super().validate_instance(instance, import_validation_errors, validate_unique)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        user = kwargs.get("user")
        for read in (self.read_owners, self.read_update):
            try:
                read(row, user)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if not errors:
            try:
                self.check_role(instance, row, user)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def import_data(self, dataset, dry_run=False, **kwargs):
        # Projected once when the whole file is written; a dry run is rolled back unprojected.
        with projector.batch(discard=dry_run):
            return super().import_data(dataset, dry_run=dry_run, **kwargs)

    def save_instance(self, instance, is_create, row, **kwargs):
        """Write the row through the services: the recommendation, its owners, its update."""
        user = kwargs.get("user")
        if is_create or self.changed_fields(instance):
            services.save_recommendation(
                instance,
                changed_by=user,
                target_date_reason=self.fields["target_date_reason"].clean(row)
                if "target_date_reason" in row
                else "",
            )
        owners = self.read_owners(row, user)
        if owners is not None and not _same_owners(owners, self.current_owners(instance)):
            lead, others = owners
            services.set_owners(instance, lead=lead, others=others, changed_by=user)
            # The diff shown in the preview reads the owners afresh.
            getattr(instance, "_prefetched_objects_cache", {}).pop("ownerships", None)
        update = self.read_update(row, user)
        if update is not None:
            services.record_status_update(recommendation=instance, recorded_by=user, **update)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        """A row that changes nothing about a recommendation and adds no update is skipped, so
        a sheet exported and imported back writes nothing."""
        if import_validation_errors or instance.pk is None:
            return False
        owners = self.read_owners(row, None)
        return (
            not self.changed_fields(instance)
            and (owners is None or _same_owners(owners, self.current_owners(instance)))
            and self.read_update(row, None) is None
        )

    def after_import_row(self, row, row_result, **kwargs):
        if self.progress is not None:
            self.progress()

    def read_owners(self, row, user):
        """(lead agency or None, [other agencies]) from the owner columns, or None if the sheet
        has neither column."""
        if not any(column in row for column in OWNER_COLUMNS):
            return None
        errors = {}
        lead = None
        try:
            lead = self.fields["lead_owner"].clean(row) if "lead_owner" in row else None
        except ValueError as error:
            errors["lead_owner"] = str(error)
        others = []
        widget = self.fields["lead_owner"].widget
        for slug in _text(row.get("owners")).replace(",", ";").split(";"):
            try:
                agency = widget.clean(slug)
            except ValueError as error:
                errors.setdefault("owners", []).append(str(error))
            else:
                if agency is not None and agency != lead and agency not in others:
                    others.append(agency)
        if errors:
            raise ValidationError(errors)
        return lead, others

    def read_update(self, row, user):
        """The values of the next status update from the ``update_*`` columns, or None."""
        if not any(_text(row.get(column)) for column in UPDATE_COLUMNS):
            return None
        values, errors = {}, {}
        for column, name in UPDATE_COLUMNS.items():
            try:
                values[name] = self.fields[column].clean(row) if column in row else None
            except ValueError as error:
                errors[column] = str(error)
        for column in ("update_status", "update_date"):
            if column not in errors and values[UPDATE_COLUMNS[column]] is None:
                errors[column] = "A status update needs a status and a date."
        if errors:
            raise ValidationError(errors)
        if values["assessment"] is None:
            values["assessment"] = (
                StatusUpdate.Assessment.MOPAC
                if user is None or sees_all_agencies(user)
                else StatusUpdate.Assessment.OWNER
            )
        values["publication"] = values["publication"] or StatusUpdate.Publication.DRAFT
        return {name: "" if value is None else value for name, value in values.items()}

    def current_owners(self, recommendation):
        """(lead agency or None, [other agencies]) as stored (prefetched with the match)."""
        if recommendation.pk is None:
            return None, []
        ownerships = list(recommendation.ownerships.all())
        lead = next((o.agency for o in ownerships if o.is_lead), None)
        return lead, [o.agency for o in ownerships if not o.is_lead]

    def changed_fields(self, recommendation):
        """The recommendation's own fields that the row changes."""
        if recommendation.pk is None:
            return list(OWN_FIELDS)
        stored = self.stored[recommendation.pk]
        return [
            name.removesuffix("_id")
            for name in TRACKED_FIELDS
            if stored[name] != getattr(recommendation, name)
        ]

    def check_role(self, recommendation, row, user):
        """The agency rule and the role's limits, which the library does not know about:
        contributors add updates to their agencies' recommendations and change nothing else."""
        if user is None:
            return
        if recommendation.pk is None:
            if not user.has_perm("recommendations.add_recommendation"):
                raise ValidationError(
                    {
                        NON_FIELD_ERRORS: "There is no such recommendation, and you cannot add "
                        "recommendations: check the review and number."
                    }
                )
        elif recommendation.pk not in self.visible:
            raise ValidationError(
                {NON_FIELD_ERRORS: "This recommendation is not owned by any of your agencies."}
            )
        current = self.current_owners(recommendation)
        owners = self.read_owners(row, user)
        changed = self.changed_fields(recommendation)
        if owners is not None and not _same_owners(owners, current):
            changed.append("owners")
        if (
            recommendation.pk
            and changed
            and not user.has_perm("recommendations.change_recommendation")
        ):
            raise ValidationError(
                {
                    NON_FIELD_ERRORS: "You can add status updates only; leave the recommendation's "
                    f"own columns as they are (this row changes {', '.join(changed)})."
                }
            )
        if not sees_all_agencies(user):
            lead, others = owners if owners is not None else current
            if not {agency.pk for agency in [lead, *others] if agency} & self.own_agencies:
                raise ValidationError(
                    {"lead_owner": "You can import only recommendations your agencies own."}
                )
