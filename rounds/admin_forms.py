"""Forms of the progress rounds admin. Each checks what its service will check, so bad input
comes back as a form error; saving goes through ``rounds.services``."""

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.utils import timezone

from harris.forms import IsoDateInput
from harris.params import whole_number
from recommendations.models import Agency, Recommendation, Status

from . import services
from .models import Round, RoundItem


def add_service_errors(form, error):
    """Show a service's ``ValidationError`` on the form: on its field where it names one."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class RoundOpenForm(forms.ModelForm):
    """Opens a round: title, the reviews it covers, deadline. The admin sets ``user``."""

    user = None

    class Meta:
        model = Round
        fields = ["title", "reviews", "deadline"]
        widgets = {"deadline": IsoDateInput}
        help_texts = {
            "reviews": "Every open recommendation of these reviews is in scope; you can add or "
            "remove recommendations afterwards.",
        }

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            if self.instance.pk is None:
                services.check_opening(
                    title=cleaned.get("title", ""),
                    reviews=cleaned.get("reviews", []),
                    deadline=cleaned.get("deadline"),
                )
            else:
                services.check_fields(
                    title=cleaned.get("title", ""),
                    deadline=cleaned.get("deadline"),
                    check_deadline=cleaned.get("deadline") != self.instance.deadline,
                )
        except ValidationError as error:
            add_service_errors(self, error)
        return cleaned


class RecommendationAutocomplete(AutocompleteSelectMultiple):
    """The admin's autocomplete, re-rendering a submission with a malformed id as a form error
    rather than failing on the id (Django looks the submitted ids up to show them)."""

    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if whole_number(v) is not None], attr)


class ScopeAddForm(forms.Form):
    """Recommendations to put in scope, found by typing their number or text."""

    recommendations = forms.ModelMultipleChoiceField(
        queryset=Recommendation.objects.select_related("review"),
        label="Add recommendations",
        help_text="Type a number or words of the text; restricted ones may be added.",
        widget=RecommendationAutocomplete(RoundItem._meta.get_field("recommendation"), admin.site),
    )

    class Media:
        js = ["rounds/scope.js"]


class ScopeRemoveForm(forms.Form):
    """Recommendations to take out of scope (the checked rows)."""

    remove = forms.ModelMultipleChoiceField(
        queryset=Recommendation.objects.none(),
        error_messages={"required": "Tick the recommendations to remove."},
    )

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["remove"].queryset = Recommendation.objects.filter(round_items__round=round)


class StatusReportForm(forms.Form):
    """Status, date and narrative: the common part of an owner's report and an assessment."""

    status = forms.ChoiceField(choices=Status.choices)
    status_date = forms.DateField(widget=IsoDateInput, help_text="The date this report speaks for.")
    narrative = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What has been done. Public once MOPAC publishes it.",
    )
    staff_detail = forms.CharField(
        required=False,
        label="Staff-only detail",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Never shown publicly.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("status_date", timezone.localdate())


class OwnerReportForm(StatusReportForm):
    """The owner's report; MOPAC staff say which owning agency they report for."""

    on_behalf_of = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label="On behalf of",
        help_text="Only for an owning agency without an account: the report is marked as "
        "recorded by MOPAC on its behalf.",
    )

    def __init__(self, *args, recommendation, on_behalf, **kwargs):
        super().__init__(*args, **kwargs)
        if on_behalf:
            self.fields["on_behalf_of"].queryset = Agency.objects.filter(
                ownerships__recommendation=recommendation
            )
        else:
            del self.fields["on_behalf_of"]


class AssessmentForm(StatusReportForm):
    """MOPAC's assessment, published when the round is."""


class PublishForm(forms.Form):
    """The new report's public summary; submitting it publishes the round."""

    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Public: shown on the new report's page.",
    )
