"""The inlines of a recommendation's admin page: its owners, its links and the next status update.

Each saves through the services (``RecommendationAdmin.save_formset``), and each checks the rules
the database enforces, so a mistake comes back as an error beside the field, never a failed save.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from harris.admin import NoRelatedPopups

from . import services
from .admin_forms import StatusUpdateForm
from .models import RecommendationLink, RecommendationOwner, StatusUpdate


class ServiceInline(NoRelatedPopups):
    """An inline whose formset is saved by its ``save_through_services(request, formset)``: the
    admin's ``save_formset`` finds it on the formset."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.inline = self
        return formset

    def save_through_services(self, request, formset):
        raise NotImplementedError

    def save(self, request, formset):
        """Save through the services, then note what changed as ``formset.save()`` would, for
        the admin's change message."""
        self.save_through_services(request, formset)
        deleted = [form for form in formset.deleted_forms if form.instance.pk is not None]
        changed = [form for form in formset.forms if form not in deleted and form.has_changed()]
        formset.deleted_objects = [form.instance for form in deleted]
        formset.new_objects = [form.instance for form in changed if form.initial.get("id") is None]
        formset.changed_objects = [
            (form.instance, form.changed_data)
            for form in changed
            if form.initial.get("id") is not None
        ]


def _kept_forms(formset):
    """The formset's filled-in forms that are not marked for deletion."""
    return [
        form
        for form in formset.forms
        if form.cleaned_data and not (formset.can_delete and formset._should_delete_form(form))
    ]


class OwnerFormSet(forms.BaseInlineFormSet):
    """Owners: at most one lead (the formset's own unique check keeps each agency once)."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        leads = [form for form in _kept_forms(self) if form.cleaned_data.get("is_lead")]
        for form in leads[1:]:
            form.add_error("is_lead", "Only one owner can lead: untick all but one.")

    def owners(self):
        """(lead, others) as chosen in the valid formset."""
        lead, others = None, []
        for form in _kept_forms(self):
            agency = form.cleaned_data.get("agency")
            if agency is None:
                continue
            if form.cleaned_data.get("is_lead"):
                lead = agency
            else:
                others.append(agency)
        return lead, others


class OwnerInline(ServiceInline, admin.TabularInline):
    model = RecommendationOwner
    formset = OwnerFormSet
    extra = 0
    autocomplete_fields = ["agency"]
    verbose_name = "owner"
    verbose_name_plural = "Owners (at most one lead)"

    def save_through_services(self, request, formset):
        """Make the owners exactly those of the form."""
        lead, others = formset.owners()
        services.set_owners(formset.instance, lead=lead, others=others, changed_by=request.user)


class LinkForm(forms.ModelForm):
    """A link, checked against the rules the database holds it to."""

    class Meta:
        model = RecommendationLink
        fields = ["kind", "target", "target_review", "note"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        link = self.instance
        for name in self._meta.fields:
            setattr(link, name, cleaned.get(name))
        try:
            services.check_link(link)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return cleaned


class LinkInline(ServiceInline, admin.TabularInline):
    model = RecommendationLink
    form = LinkForm
    fk_name = "source"
    extra = 0
    autocomplete_fields = ["target", "target_review"]
    verbose_name = "link"
    verbose_name_plural = "Links to other recommendations and reviews"

    def save_through_services(self, request, formset):
        """Delete the links marked for deletion and save the new and changed ones."""
        for form in formset.deleted_forms:
            if form.instance.pk is not None:
                services.delete_link(form.instance, changed_by=request.user)
        for form in formset.forms:
            if form in formset.deleted_forms or not form.has_changed():
                continue
            link = form.instance
            link.source = formset.instance
            services.save_link(link, changed_by=request.user)


class NewUpdateInline(ServiceInline, admin.StackedInline):
    """The form for the next update, first on the page: it is what an officer comes to do.

    Left empty, it is skipped, so the recommendation can be saved without an update. Saved
    through the services by ``StatusUpdateForm.save``.
    """

    model = StatusUpdate
    form = StatusUpdateForm
    fk_name = "recommendation"
    # Corrections are recorded from the history entry they correct ("Record a correction").
    fieldsets = [
        (None, {"fields": ["status", "status_date", "assessment", "publication", "narrative"]}),
        (
            "Withheld reason, source and staff-only detail",
            {
                "fields": ["withheld_reason", "source_review", "source_citation", "staff_detail"],
                "classes": ["collapse"],
            },
        ),
    ]
    template = "admin/recommendations/recommendation/new_update_inline.html"
    extra = 1
    max_num = 1
    can_delete = False
    verbose_name = "next status update"
    verbose_name_plural = "Record the next status update"
    # The change form template renders the inlines marked so above the recommendation's fields.
    shown_first = True

    def get_queryset(self, request):
        return super().get_queryset(request).none()

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.user = request.user
        return formset

    def has_add_permission(self, request, obj=None):
        # Agency contributors cannot change the recommendation this form is part of; they
        # draft from the "Draft an update" page instead.
        return (
            obj is not None
            and request.user.has_perm("recommendations.change_recommendation")
            and super().has_add_permission(request, obj)
        )

    def has_view_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_through_services(self, request, formset):
        """Record the filled-in update (``StatusUpdateForm.save`` calls the services)."""
        formset.save()
