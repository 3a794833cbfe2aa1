"""The progress rounds admin: open a round, keep its scope, report and assess, publish.

The round's own pages (to-report queue, scope, progress by agency, assessment queue, the
owner's report and assessment forms, publishing) are in ``admin_views.py``; this module
registers the models and routes to them. Every write goes through ``services``.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html

from harris.admin import ReadOnlyAdmin, StaffAdmin
from recommendations.models import sees_all_agencies
from reviews.models import Review

from . import admin_views, selectors, services
from .admin_forms import RoundOpenForm
from .models import ReminderSent, Round


@admin.register(Round)
class RoundAdmin(admin_views.RoundPagesMixin, StaffAdmin):
    """Rounds: opened and changed through the services, read-only once published."""

    form = RoundOpenForm
    list_display = ["title", "covers", "deadline", "state", "progress", "published_as"]
    list_filter = ["state"]
    search_fields = ["title"]
    readonly_fields = ["covers", "state", "opened_at", "opened_by", "closed_at", "published_as"]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "reviews":
            # Plain checkboxes: the few reviews fit on the page, and a round is no place to
            # add a review (no "+" beside them).
            return db_field.formfield(
                widget=forms.CheckboxSelectMultiple,
                queryset=Review.objects.order_by("published_on", "slug"),
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("reviews").select_related("report")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["title", "reviews", "deadline"]
        return ["title", "deadline", *self.readonly_fields]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user
        return form

    def has_change_permission(self, request, obj=None):
        # A published round is the record of its report: read-only for good.
        if obj is not None and not obj.is_open:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            # What the form could not foresee (another editor opened a round meanwhile):
            # the admin's transaction has rolled back; say why and go back.
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(request.get_full_path())

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            saved = services.edit_round(
                round=obj, title=data["title"], deadline=data["deadline"], changed_by=request.user
            )
        else:
            saved = services.open_round(
                title=data["title"],
                reviews=data["reviews"],
                deadline=data["deadline"],
                opened_by=request.user,
            )
        # The admin goes on with its own copy (to log the change and redirect): make it the
        # saved round.
        for field in saved._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding, obj._state.db = False, saved._state.db

    def save_related(self, request, form, formsets, change):
        # The service has set the reviews and the scope.
        pass

    def response_add(self, request, obj, post_url_continue=None):
        if "_addanother" in request.POST or "_continue" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        count = obj.items.count()
        messages.success(request, f"Opened “{obj}” with {count} open recommendation(s) in scope.")
        return HttpResponseRedirect(reverse("admin:rounds_round_change", args=[obj.pk]))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.visible_object(request, object_id)
        extra_context = {**(extra_context or {}), **self.round_context(request, obj)}
        if sees_all_agencies(request.user):
            extra_context["totals"] = selectors.totals(obj)
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        current = selectors.current_round()
        extra_context = {**(extra_context or {}), "current_round": current}
        if current is not None and request.user.has_perm("recommendations.add_statusupdate"):
            extra_context["queue_count"] = selectors.to_report(current, request.user).count()
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        return [*self.round_urls(), *super().get_urls()]

    @admin.display(description="Covers")
    def covers(self, obj):
        return ", ".join(review.short_name for review in obj.reviews.all())

    @admin.display(description="Progress")
    def progress(self, obj):
        counts = selectors.totals(obj)
        return (
            f"{counts['reported']} of {counts['in_scope']} reported, {counts['assessed']} assessed"
        )

    @admin.display(description="Published as")
    def published_as(self, obj):
        if obj.report is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a> ({})',
            obj.report.get_absolute_url(),
            obj.report.title,
            obj.report.published_display,
        )


@admin.register(ReminderSent)
class ReminderSentAdmin(ReadOnlyAdmin, StaffAdmin):
    """The log of reminders sent: read-only, written by ``send_round_reminders``."""

    list_display = ["sent_at", "round", "kind", "email", "item_count"]
    list_filter = ["kind", "round"]
    search_fields = ["email", "user__username"]
