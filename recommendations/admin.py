"""The MOPAC staff admin: recommendations and their status history, with roles, agency scoping,
refusal of stale edits, an audit trail, and spreadsheet import and export.

Who sees what is decided by the querysets (``visible_to``) and the permission hooks here, not by
hiding buttons: an agency contributor who guesses another agency's URL gets a 404. Every write
goes through ``services``; the audit trail (django-simple-history) is read-only.
"""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpResponseRedirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from import_export.admin import ImportExportMixin
from import_export.formats.base_formats import CSV, XLSX

from harris.admin import StaffAdmin
from public_data.preview import render_preview

from . import selectors, services
from .admin_changelist import RecommendationChangeList
from .admin_filters import AssessmentsDifferFilter, DraftsFilter, OverdueFilter, StaleFilter
from .admin_forms import RecommendationAdminForm
from .admin_inlines import LinkInline, NewUpdateInline, OwnerInline
from .admin_updates import StatusUpdateAdmin
from .import_preview import preview_rows
from .models import (
    Agency,
    AgencyMembership,
    Recommendation,
    RecommendationLink,
    RecommendationOwner,
    Status,
    StatusUpdate,
    TargetDateChange,
    sees_all_agencies,
)
from .resources import RecommendationResource

User = get_user_model()


@admin.register(Agency)
class AgencyAdmin(StaffAdmin):
    list_display = ["name", "abbreviation", "sector"]
    list_filter = ["sector"]
    search_fields = ["name", "abbreviation"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Recommendation)
class RecommendationAdmin(ImportExportMixin, StaffAdmin):
    form = RecommendationAdminForm
    resource_classes = [RecommendationResource]
    import_template_name = "admin/recommendations/recommendation/import.html"
    formats = [CSV, XLSX]
    object_history_template = "admin/recommendations/recommendation/object_history.html"
    list_display = [
        "label",
        "review",
        "short_text",
        "lead",
        "current_status",
        "last_published",
        "stale",
        "overdue",
        "drafts",
        "owner_and_mopac",
    ]
    list_display_links = ["label"]
    list_filter = [
        "review",
        ("owners", admin.RelatedOnlyFieldListFilter),
        "current_status",
        StaleFilter,
        OverdueFilter,
        DraftsFilter,
        AssessmentsDifferFilter,
        "is_restricted",
    ]
    search_fields = ["=number", "text"]
    list_per_page = 50
    # The count of every row visible to the user is not worth a query on each page.
    show_full_result_count = False
    readonly_fields = ["assessments", "target_date_note"]
    inlines = [NewUpdateInline, OwnerInline, LinkInline]
    # The officer's next step (save the update) is at the top of a long page as well.
    save_on_top = True

    def get_fieldsets(self, request, obj=None):
        staff_only = ["internal_notes", "is_restricted"]
        if not sees_all_agencies(request.user):
            # Contributors do not see MOPAC's notes, which may concern other agencies.
            staff_only = ["is_restricted"]
        # The version and the reason for a move belong to the form, not to a read-only view.
        editing = obj is None or self.has_change_permission(request, obj)
        version = ["opened_version"] if editing else []
        reason = ["target_date_reason"] if editing else []
        return [
            (None, {"fields": ["review", "number", "position", "section", "text", *version]}),
            ("Owner's response", {"fields": ["response", "response_reason"]}),
            ("Progress", {"fields": ["assessments"]}),
            ("Target date", {"fields": ["target_date", *reason, "target_date_note"]}),
            ("Staff only (never shown publicly)", {"fields": staff_only}),
        ]

    def get_queryset(self, request):
        # Lean, for the changelist's filters, counts and pages, the autocomplete and the
        # change page; the changelist adds its computed columns to the shown rows only.
        return super().get_queryset(request).visible_to(request.user).select_related("review")

    def get_changelist(self, request, **kwargs):
        return RecommendationChangeList

    def get_export_queryset(self, request):
        return super().get_export_queryset(request).prefetch_related("ownerships__agency")

    def save_model(self, request, obj, form, change):
        if change and not form.has_changed():
            return
        services.save_recommendation(
            obj,
            changed_by=request.user,
            expected_version=form.cleaned_data.get("opened_version"),
            target_date_reason=form.cleaned_data.get("target_date_reason", ""),
        )

    def save_formset(self, request, form, formset, change):
        formset.inline.save(request, formset)

    def view_on_site(self, obj):
        # A restricted recommendation has no public page.
        return None if obj.is_restricted else obj.get_absolute_url()

    # ---- changelist columns ----

    @admin.display(description="Number", ordering="position")
    def label(self, obj):
        return obj.number or "(unnumbered)"

    @admin.display(description="Text")
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 90 else obj.text[:89] + "…"

    @admin.display(description="Lead owner")
    def lead(self, obj):
        lead = obj.lead_owner
        return (lead.abbreviation or lead.name) if lead else "—"

    @admin.display(description="Last published")
    def last_published(self, obj):
        return timezone.localdate(obj.last_published_at) if obj.last_published_at else None

    @admin.display(description="Stale", boolean=True)
    def stale(self, obj):
        return obj.is_stale

    @admin.display(description="Overdue", boolean=True)
    def overdue(self, obj):
        return obj.is_overdue

    @admin.display(description="Drafts", boolean=True)
    def drafts(self, obj):
        return obj.has_drafts

    @admin.display(description="Owner vs MOPAC")
    def owner_and_mopac(self, obj):
        if obj.owner_status and obj.mopac_status and obj.owner_status != obj.mopac_status:
            return (
                f"Owner: {Status(obj.owner_status).label} · MOPAC: {Status(obj.mopac_status).label}"
            )
        return ""

    # ---- change form ----

    @admin.display(description="Owner's report and MOPAC's assessment")
    def assessments(self, obj):
        latest = selectors.latest_by_assessment(obj)
        owner = latest.get(StatusUpdate.Assessment.OWNER)
        mopac = latest.get(StatusUpdate.Assessment.MOPAC)
        if owner and mopac and owner.status != mopac.status:
            return format_html(
                '<table class="assessments"><thead><tr><th scope="col">Reported by the owner'
                '</th><th scope="col">Assessed by MOPAC</th></tr></thead><tbody><tr>'
                "<td><strong>{}</strong> ({})<br>{}</td><td><strong>{}</strong> ({})<br>{}</td>"
                "</tr></tbody></table>",
                owner.get_status_display(),
                owner.status_date,
                owner.narrative,
                mopac.get_status_display(),
                mopac.status_date,
                mopac.narrative,
            )
        if owner and mopac:
            return f"Both say {owner.get_status_display()}."
        if owner or mopac:
            only = owner or mopac
            return f"{only.get_status_display()} ({only.get_assessment_display()})."
        return "No published report or assessment yet."

    @admin.display(description="Deadline")
    def target_date_note(self, obj):
        moves = obj.target_date_changes.exclude(old_date=None).count()
        moved = f" Moved {moves} time{'s' if moves != 1 else ''}." if moves else ""
        if Recommendation.objects.overdue().filter(pk=obj.pk).exists():
            return f"Overdue: the target date has passed.{moved}"
        return moved.strip() or "—"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.visible_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            # The summary shows what is saved: the form's own instance takes the values typed
            # in, even when the form comes back with errors and nothing was saved.
            "saved": obj,
            "preview_url": reverse("admin:recommendations_recommendation_preview", args=[obj.pk]),
            "status_history": self.history_entries(request, obj),
            "target_date_changes": obj.target_date_changes.select_related("changed_by"),
        }
        if request.user.has_perm("recommendations.add_statusupdate"):
            extra_context["draft_update_url"] = (
                reverse("admin:recommendations_statusupdate_add")
                + "?"
                + urlencode({"recommendation": obj.pk})
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def history_entries(self, request, obj):
        """The status history, newest first, each with its next step: a draft is edited and
        published from its own page; a published or withheld one is corrected by a new update."""
        may_record = request.user.has_perm("recommendations.add_statusupdate")
        add_url = reverse("admin:recommendations_statusupdate_add")
        entries = []
        for update in selectors.staff_history(obj, request.user):
            if update.publication == StatusUpdate.Publication.DRAFT:
                step = (
                    "Open this draft",
                    reverse("admin:recommendations_statusupdate_change", args=[update.pk]),
                )
            elif may_record:
                query = urlencode({"recommendation": obj.pk, "corrects": update.pk})
                step = ("Record a correction", f"{add_url}?{query}")
            else:
                step = None
            entries.append({"update": update, "next_step": step})
        return entries

    def history_view(self, request, object_id, extra_context=None):
        """The recommendation's own changes and, below, those of its owners, links, status
        updates and target dates."""
        obj = self.visible_object(request, object_id)
        records = [
            *RecommendationOwner.history.filter(recommendation_id=obj.pk),
            *RecommendationLink.history.filter(source_id=obj.pk),
            *StatusUpdate.history.filter(recommendation_id=obj.pk),
            *TargetDateChange.history.filter(recommendation_id=obj.pk),
        ]
        records.sort(key=lambda record: record.history_date, reverse=True)
        related = [
            {
                "date": record.history_date,
                "kind": record.instance_type._meta.verbose_name,
                "object": record.history_object,
                "change": record.get_history_type_display(),
                "user": record.history_user,
            }
            for record in records
        ]
        extra_context = {**(extra_context or {}), "related_history": related}
        return super().history_view(request, object_id, extra_context)

    # ---- preview ----

    def get_urls(self):
        preview = path(
            "<path:object_id>/preview/",
            self.admin_site.admin_view(self.preview_view),
            name="recommendations_recommendation_preview",
        )
        return [preview, *super().get_urls()]

    def preview_view(self, request, object_id):
        """The recommendation's public page as publishing its drafts would make it."""
        obj = self.visible_object(request, object_id)
        return render_preview(request, obj.pk)

    # ---- import and export ----

    def has_import_permission(self, request):
        # Contributors may import update drafts for their own agencies; the resource holds
        # every row to the importing user's role and agencies.
        return request.user.has_perm("recommendations.add_statusupdate")

    def has_export_permission(self, request):
        return sees_all_agencies(request.user)

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_import_data_kwargs(self, **kwargs):
        # One bad row rolls back the whole import, so a file is loaded whole or not at all.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def import_action(self, request, **kwargs):
        """The dry run's preview, row by row (``import_preview``)."""
        response = super().import_action(request, **kwargs)
        result = getattr(response, "context_data", {}).get("result")
        if result is not None:
            response.context_data["preview_rows"] = preview_rows(result)
        return response

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                "Nothing was imported: the file no longer passes the checks, probably because "
                "the data changed after the preview. Import it again to see the errors.",
            )
            return HttpResponseRedirect(reverse("admin:recommendations_recommendation_import"))
        return super().process_result(result, request)

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, UnicodeDecodeError):
            form.add_error(
                "import_file",
                "The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8” (or "
                "as .xlsx) and import it again.",
            )
        else:
            super().add_data_read_fail_error_to_form(form, e)


admin.site.register(StatusUpdate, StatusUpdateAdmin)


class AgencyMembershipInline(admin.TabularInline):
    model = AgencyMembership
    extra = 1
    autocomplete_fields = ["agency"]
    verbose_name_plural = "Agencies (an agency contributor works only on these)"


@admin.register(AgencyMembership)
class AgencyMembershipAdmin(StaffAdmin):
    list_display = ["user", "agency"]
    list_filter = [("agency", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "agency__name"]
    autocomplete_fields = ["user", "agency"]


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    """Django's user admin, with the agencies each user works for."""

    inlines = [AgencyMembershipInline]
