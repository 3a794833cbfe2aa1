"""Basic admin registration; the MOPAC workflow admin builds on it."""

from django.contrib import admin

from .models import Agency, Recommendation, RecommendationLink, RecommendationOwner, StatusUpdate


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "abbreviation", "sector"]
    list_filter = ["sector"]
    search_fields = ["name", "abbreviation"]
    prepopulated_fields = {"slug": ["name"]}


class OwnerInline(admin.TabularInline):
    model = RecommendationOwner
    extra = 0
    autocomplete_fields = ["agency"]


class LinkInline(admin.TabularInline):
    model = RecommendationLink
    fk_name = "source"
    extra = 0
    raw_id_fields = ["target"]


class StatusUpdateInline(admin.TabularInline):
    """The history, read-only: updates are appended through the services, never edited here."""

    model = StatusUpdate
    fk_name = "recommendation"
    extra = 0
    can_delete = False
    fields = ["status_date", "status", "publication", "assessment", "narrative", "recorded_by"]
    readonly_fields = fields
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "short_text", "current_status", "current_status_date"]
    list_filter = ["review", "current_status", "owners", "is_restricted"]
    search_fields = ["number", "text"]
    list_select_related = ["review"]
    readonly_fields = ["current_status", "current_status_date"]
    inlines = [OwnerInline, LinkInline, StatusUpdateInline]

    @admin.display(description="Text")
    def short_text(self, obj):
        return obj.text if len(obj.text) <= 90 else obj.text[:89] + "…"
