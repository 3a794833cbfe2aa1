"""The forms of loading a review from its document: the upload, and one proposed row's
corrections. Bad input is an error beside its field."""

from django import forms
from django.core.exceptions import ValidationError

from harris.forms import IsoDateInput
from recommendations.models import Agency, Status, StatusUpdate, validate_recommendation_number
from reviews.models import Review

from .numbering import CHOICES
from .readers import max_upload_bytes

KINDS = [
    ("auto", "Detect automatically"),
    ("review", "A review: recommendations only"),
    ("progress", "A progress report: each recommendation followed by its update"),
]


class UploadForm(forms.Form):
    """A review and its document, and how to read it."""

    review = forms.ModelChoiceField(
        queryset=Review.objects.order_by("published_on"),
        help_text="The review whose recommendations the document holds.",
    )
    document = forms.FileField(
        label="Document",
        help_text="A PDF with a text layer, a Word document (.docx) or a text file, up to "
        f"{max_upload_bytes() // 1048576} MB.",
    )
    numbering = forms.ChoiceField(choices=CHOICES, initial="auto", label="Numbering style")
    kind = forms.ChoiceField(choices=KINDS, initial="auto", label="The document is")
    update_date = forms.DateField(
        required=False,
        widget=IsoDateInput,
        label="Date of the updates",
        help_text="For a progress report: the date its updates are recorded with (its "
        "publication date).",
    )
    publication = forms.ChoiceField(
        choices=[
            (StatusUpdate.Publication.DRAFT, "Drafts, to publish later"),
            (StatusUpdate.Publication.PUBLISHED, "Published at once"),
        ],
        initial=StatusUpdate.Publication.DRAFT,
        label="Import the updates as",
    )
    allow_gaps = forms.BooleanField(
        required=False,
        label="Load it even if the numbering has gaps or duplicates (I will correct the rows)",
    )

    def clean_document(self):
        document = self.cleaned_data["document"]
        if document.size > max_upload_bytes():
            raise ValidationError(
                f"The file is {document.size / 1048576:.1f} MB; the largest accepted is "
                f"{max_upload_bytes() / 1048576:.0f} MB."
            )
        return document


def _agency_choices():
    return [(agency.slug, f"{agency.name}") for agency in Agency.objects.order_by("name")]


class RowForm(forms.Form):
    """One proposed recommendation, as staff correct it."""

    include = forms.BooleanField(
        required=False, label="Import this row (untick if it is not a recommendation)"
    )
    number = forms.CharField(max_length=20, validators=[validate_recommendation_number])
    section = forms.CharField(max_length=200, required=False)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)
    lead_owner = forms.ChoiceField(required=False, label="Lead owner")
    owners = forms.MultipleChoiceField(
        required=False,
        label="Other owners",
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Hold Ctrl (⌘ on a Mac) to choose more than one.",
    )
    status = forms.ChoiceField(required=False, label="Proposed status")
    narrative = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}), required=False, label="Update narrative"
    )

    def __init__(self, *args, progress=False, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = _agency_choices()
        self.fields["lead_owner"].choices = [("", "No lead"), *agencies]
        self.fields["owners"].choices = agencies
        self.fields["status"].choices = [("", "No update"), *Status.choices]
        if not progress:
            del self.fields["status"]
            del self.fields["narrative"]

    def clean(self):
        data = super().clean()
        if data.get("include") and not (data.get("text") or "").strip():
            self.add_error("text", "A recommendation needs its text (or untick “Import this row”).")
        lead = data.get("lead_owner")
        if lead and lead in data.get("owners", []):
            data["owners"] = [slug for slug in data["owners"] if slug != lead]
        if data.get("status") and not (data.get("narrative") or "").strip():
            self.add_error("narrative", "An update needs its narrative, or choose “No update”.")
        return data
