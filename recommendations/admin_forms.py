"""Forms of the staff admin.

Each form checks the rules of the service it calls, so a mistake or a stale copy comes back as a
form error with a clear message rather than a failed save, and saving goes through the service.
"""

import copy

from django import forms
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone

from harris.forms import IsoDateInput

from . import services
from .models import (
    PUBLISH_UPDATES,
    Recommendation,
    StatusUpdate,
    sees_all_agencies,
    validate_recommendation_number,
)


class VersionedForm(forms.ModelForm):
    """Carries the version of the recommendation it was opened on. Saving after someone else
    saved that recommendation is refused, and nothing is overwritten."""

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def versioned_recommendation(self):
        """The saved recommendation this form changes, or None when it only adds."""
        raise NotImplementedError

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        recommendation = self.versioned_recommendation()
        if recommendation is not None:
            self.fields["opened_version"].required = True
            self.fields["opened_version"].initial = recommendation.version

    def clean(self):
        cleaned = super().clean()
        recommendation = self.versioned_recommendation()
        if recommendation is not None and "opened_version" in cleaned:
            # The lock is held until the admin's transaction ends, so no one can save in
            # between this check and this form's save.
            services.lock_recommendation(recommendation.pk, cleaned["opened_version"])
        return cleaned


class RecommendationAdminForm(VersionedForm):
    """A recommendation's own fields, with the reason needed to move its target date."""

    target_date_reason = forms.CharField(
        label="Reason for moving the target date",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Needed when you move or remove a target date. Public: the old date and this "
        "reason are kept and shown.",
    )

    class Meta:
        model = Recommendation
        fields = ["review", *Recommendation.EDITED_FIELDS]
        widgets = {"target_date": IsoDateInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "number" in self.fields:
            self.fields["number"].validators.append(validate_recommendation_number)

    def versioned_recommendation(self):
        return self.instance if self.instance.pk else None

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and "target_date" in cleaned:
            services.check_target_date_change(
                self.instance.target_date,
                cleaned["target_date"],
                cleaned.get("target_date_reason", ""),
            )
        return cleaned


# The fields a status update form records, in the order staff fill them in.
UPDATE_FIELDS = [
    "status",
    "status_date",
    "assessment",
    "publication",
    "narrative",
    "withheld_reason",
    "source_review",
    "source_citation",
    "corrects",
    "staff_detail",
]


class StatusUpdateForm(VersionedForm):
    """Records a new status update or changes a draft, as the signed-in user's role allows.

    The admin sets ``user`` on the form class it builds for each request.
    """

    user = None

    class Meta:
        model = StatusUpdate
        fields = ["recommendation", *UPDATE_FIELDS]
        widgets = {
            "narrative": forms.Textarea(attrs={"rows": 4}),
            "withheld_reason": forms.Textarea(attrs={"rows": 2}),
            "staff_detail": forms.Textarea(attrs={"rows": 2}),
            "status_date": IsoDateInput,
        }

    def __init__(self, *args, **kwargs):
        if self.user is None:
            raise ImproperlyConfigured("StatusUpdateForm needs the signed-in user as `user`.")
        super().__init__(*args, **kwargs)
        Publication, Assessment = StatusUpdate.Publication, StatusUpdate.Assessment
        fields = self.fields
        if "recommendation" in fields:
            fields["recommendation"].queryset = Recommendation.objects.visible_to(
                self.user
            ).select_related("review")
        if "corrects" in fields:
            # Only the chosen recommendation's own published or withheld updates: never a
            # list of every update in the tracker.
            corrected = StatusUpdate.objects.visible_to(self.user).exclude(
                publication=Publication.DRAFT
            )
            fields["corrects"].queryset = corrected.filter(
                recommendation=self.chosen_recommendation_id()
            ).select_related("recommendation__review")
            fields["corrects"].help_text = (
                "When this update corrects a published one, choose it here and say in the "
                "narrative what is corrected."
            )
        if "publication" in fields and not self.user.has_perm(PUBLISH_UPDATES):
            fields["publication"].choices = [(Publication.DRAFT, Publication.DRAFT.label)]
            fields["publication"].help_text = "A MOPAC editor publishes it."
        if "assessment" in fields and not sees_all_agencies(self.user):
            fields["assessment"].choices = [(Assessment.OWNER, Assessment.OWNER.label)]
        if self.instance.pk is None:
            self.initial.setdefault("status_date", timezone.localdate())
            if not sees_all_agencies(self.user):
                self.initial["assessment"] = Assessment.OWNER

    def versioned_recommendation(self):
        return self.instance.recommendation if self.instance.pk else None

    def chosen_recommendation_id(self):
        """The recommendation this update is for: its own, or the one submitted or preset."""
        if self.instance.recommendation_id:
            return self.instance.recommendation_id
        chosen = self.data.get(self.add_prefix("recommendation")) if self.is_bound else None
        chosen = chosen or self.initial.get("recommendation")
        chosen = getattr(chosen, "pk", chosen)
        try:
            return int(chosen)
        except (TypeError, ValueError):
            return None

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        candidate = copy.copy(self.instance)
        for name in self._meta.fields:
            if name in cleaned:
                setattr(candidate, name, cleaned[name])
        if candidate.recommendation_id is None:
            return cleaned
        try:
            services.validate_update(candidate, self.user)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        return cleaned

    def save(self, commit=True):
        """With ``commit``, record through the services (inline formsets save this way)."""
        if not commit:
            return super().save(commit=False)
        return self.record()

    def record(self):
        """Write the validated form through the services and return the update."""
        update = self.instance
        if update.pk is None:
            return services.record_status_update(
                recommendation=update.recommendation,
                recorded_by=self.user,
                **{name: getattr(update, name) for name in UPDATE_FIELDS},
            )
        # A draft is saved as a draft first, then published or withheld if that was chosen.
        publication, reason = update.publication, update.withheld_reason
        update.withheld_reason = ""
        update = services.edit_draft(update, changed_by=self.user)
        if publication != StatusUpdate.Publication.DRAFT:
            update = services.publish_update(
                update, published_by=self.user, publication=publication, withheld_reason=reason
            )
        return update
