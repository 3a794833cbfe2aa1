"""The status updates admin: drafts awaiting publication, the bulk "publish" action, and the
form that records or changes a draft. Every write goes through ``services``."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from harris.admin import StaffAdmin
from harris.params import whole_number

from . import services
from .admin_filters import OwningAgencyFilter
from .admin_forms import UPDATE_FIELDS, StatusUpdateForm
from .models import PUBLISH_UPDATES, StatusUpdate


class StatusUpdateAdmin(StaffAdmin):
    """Drafts awaiting publication, the bulk "publish" action, and the draft form. Published
    and withheld updates are read-only and nothing is ever deleted."""

    form = StatusUpdateForm
    list_display = [
        "recommendation",
        "status",
        "status_date",
        "assessment",
        "publication",
        "recorded_by",
        "recorded_at",
    ]
    list_filter = [
        "publication",
        "assessment",
        "status",
        "recommendation__review",
        OwningAgencyFilter,
    ]
    list_select_related = ["recommendation__review", "recorded_by"]
    search_fields = ["=recommendation__number", "narrative"]
    autocomplete_fields = ["recommendation", "source_review"]
    # No count of the whole history on each page, and no date drill-down, which reads the
    # distinct dates of every update.
    show_full_result_count = False
    actions = ["publish_selected_drafts"]
    readonly_fields = ["staff_note", "recorded_by", "recorded_at", "published_at"]

    def get_queryset(self, request):
        return (
            super().get_queryset(request).visible_to(request.user).with_staff_note_for(request.user)
        )

    def get_changeform_initial_data(self, request):
        # Ids from the link that opened the form ("Draft an update", "Record a correction");
        # one that is not an id is dropped rather than looked up.
        initial = super().get_changeform_initial_data(request)
        for name in ("recommendation", "corrects"):
            if name in initial and whole_number(initial[name]) is None:
                del initial[name]
        return initial

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def get_fields(self, request, obj=None):
        fields = ["recommendation", *UPDATE_FIELDS]
        if obj is None or self.has_change_permission(request, obj):
            return [*fields, "opened_version"]
        # Read-only: show the staff-only detail only where this user may read it.
        fields[fields.index("staff_detail")] = "staff_note"
        return [*fields, "recorded_by", "recorded_at", "published_at"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return [*self.readonly_fields, "recommendation"]
        return self.readonly_fields

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None:
            return True
        if obj.publication != StatusUpdate.Publication.DRAFT:
            return False
        try:
            services.check_may_edit_draft(request.user, obj)
        except ValidationError:
            return False
        return True

    def has_delete_permission(self, request, obj=None):
        return False

    def has_publish_permission(self, request):
        return request.user.has_perm(PUBLISH_UPDATES)

    def save_model(self, request, obj, form, change):
        form.instance = form.record()

    @admin.display(description="Staff-only detail")
    def staff_note(self, update):
        return update.staff_note

    @admin.action(description="Publish selected drafts", permissions=["publish"])
    def publish_selected_drafts(self, request, queryset):
        published, refused = 0, []
        for update in queryset.select_related("recommendation__review"):
            try:
                services.publish_update(update, published_by=request.user)
            except ValidationError as error:
                refused.append(f"{update.recommendation} ({update}): {' '.join(error.messages)}")
            else:
                published += 1
        if published:
            self.message_user(request, f"Published {published} update(s).", messages.SUCCESS)
        for reason in refused:
            self.message_user(request, f"Not published: {reason}", messages.ERROR)
