"""The admin pages of loading a review from its document: upload, check the proposed rows beside
the source text and correct any, preview the import (its dry run), confirm.

Only MOPAC editors (``recommendations.add_recommendation``) may use them; anyone else gets 403.
Nothing is written before the confirm: the proposals wait in the editor's session.
"""

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from recommendations.import_preview import preview_rows
from recommendations.models import Agency, Status
from reviews.models import Review

from . import services
from .forms import RowForm, UploadForm
from .readers import max_upload_bytes

PERMISSION = "recommendations.add_recommendation"
# Room for the form's other fields and the multipart framing around the file.
FORM_OVERHEAD = 64 * 1024


def can_extract(user):
    """Whether the user may load recommendations from a document (MOPAC editors)."""
    return user.is_active and user.has_perm(PERMISSION)


def _require(request):
    if not can_extract(request.user):
        raise PermissionDenied("Only MOPAC editors may load recommendations from a document.")


def _context(request, admin_site, title, **extra):
    return {**admin_site.each_context(request), "title": title, **extra}


def _draft_or_404(request, token):
    draft = services.get_draft(session=request.session, token=token)
    if draft is None:
        raise Http404("This document's proposals are no longer held: upload it again.")
    return draft


@csrf_exempt
def upload_view(request, admin_site):
    """The upload form. An upload larger than the limit is refused from the request's length,
    before its body is read (so before the CSRF check, which would read it); nothing is
    stored then, and the form is shown again with the error."""
    _require(request)
    length = int(request.META.get("CONTENT_LENGTH") or 0)
    if request.method == "POST" and length > max_upload_bytes() + FORM_OVERHEAD:
        form = UploadForm()
        form.errors["document"] = form.error_class(
            [
                f"The upload is {length / 1048576:.1f} MB; the largest document accepted is "
                f"{max_upload_bytes() / 1048576:.0f} MB. Nothing was read."
            ]
        )
        request.upload_handlers = []
        response = _render_upload(request, admin_site, form)
        response.status_code = 413
        response["Connection"] = "close"
        return response
    return csrf_protect(_upload)(request, admin_site)


def _upload(request, admin_site):
    if request.method != "POST":
        return _render_upload(request, admin_site, UploadForm())
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_upload(request, admin_site, form)
    data = form.cleaned_data
    try:
        extraction = services.extract_upload(
            upload=data["document"], style=data["numbering"], kind=data["kind"]
        )
    except services.ExtractionError as error:
        form.add_error("document", str(error))
        return _render_upload(request, admin_site, form)
    if not extraction.numbering_ok and not data["allow_gaps"]:
        problems = " ".join([*extraction.gaps, *extraction.duplicates])
        form.add_error(
            "document",
            f"{problems} Check the document (or the numbering style), or tick “Load it even "
            "if the numbering has gaps or duplicates” and correct the rows.",
        )
        return _render_upload(request, admin_site, form)
    if extraction.progress and not data["update_date"]:
        form.add_error(
            "update_date",
            f"{extraction.name} is a progress report ({len(extraction.proposals)} "
            "recommendations with updates): give the date of its updates, or choose “A "
            "review” to leave the updates out.",
        )
        return _render_upload(request, admin_site, form)
    token = services.store_draft(
        session=request.session,
        extraction=extraction,
        review=data["review"],
        update_date=data["update_date"] if extraction.progress else None,
        publication=data["publication"],
    )
    return HttpResponseRedirect(reverse("admin:extraction_rows", args=[token]))


def _render_upload(request, admin_site, form):
    return TemplateResponse(
        request,
        "admin/extraction/upload.html",
        _context(request, admin_site, "Load a review from its document", form=form),
    )


def rows_view(request, admin_site, token):
    """Every proposed row beside the source text it was read from, with what could not be
    placed; each row can be corrected, then the whole checked as an import."""
    _require(request)
    draft = _draft_or_404(request, token)
    names = dict(Agency.objects.values_list("slug", "name"))
    statuses = dict(Status.choices)
    rows = [
        {
            **row,
            "index": index,
            "lead_name": names.get(row["lead_owner"], row["lead_owner"]),
            "owner_names": [names.get(slug, slug) for slug in row["owners"]],
            "status_label": statuses.get(row["status"], ""),
            "edit_url": reverse("admin:extraction_row", args=[token, index]),
        }
        for index, row in enumerate(draft["rows"])
    ]
    included = sum(1 for row in rows if row["include"])
    return TemplateResponse(
        request,
        "admin/extraction/rows.html",
        _context(
            request,
            admin_site,
            f"Check the recommendations read from {draft['name']}",
            draft=draft,
            rows=rows,
            included=included,
            token=token,
        ),
    )


def row_view(request, admin_site, token, index):
    """Correct one proposed row; the source text stays beside the form."""
    _require(request)
    draft = _draft_or_404(request, token)
    if not 0 <= index < len(draft["rows"]):
        raise Http404("No such row.")
    row = draft["rows"][index]
    form = RowForm(
        request.POST if request.method == "POST" else None,
        initial=row,
        progress=draft["progress"],
    )
    if request.method == "POST" and form.is_valid():
        services.correct_row(
            session=request.session, token=token, index=index, values=form.cleaned_data
        )
        messages.success(
            request, f"Row {index + 1} (recommendation {form.cleaned_data['number']}) corrected."
        )
        url = reverse("admin:extraction_rows", args=[token])
        return HttpResponseRedirect(f"{url}#row-{index + 1}")
    return TemplateResponse(
        request,
        "admin/extraction/row.html",
        _context(
            request,
            admin_site,
            f"Correct row {index + 1}: recommendation {row['number']}",
            draft=draft,
            row=row,
            form=form,
            token=token,
            index=index,
        ),
    )


def _table(draft, user):
    update_date = (
        datetime.date.fromisoformat(draft["update_date"]) if draft["update_date"] else None
    )
    return services.import_table(
        review_slug=draft["review"],
        rows=draft["rows"],
        update_date=update_date,
        publication=draft["publication"],
        citation=draft["name"],
    )


def check_view(request, admin_site, token):
    """The import's dry run of the corrected rows, shown with the import's own preview: what
    confirming will write. Nothing is written."""
    _require(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    draft = _draft_or_404(request, token)
    headers, table = _table(draft, request.user)
    result = services.dry_run(headers=headers, table=table, user=request.user)
    valid = not (result.has_errors() or result.has_validation_errors())
    heading = (
        "Preview: what confirming will write"
        if valid
        else "Nothing can be imported yet: correct the rows marked below"
    )
    return TemplateResponse(
        request,
        "admin/extraction/check.html",
        _context(
            request,
            admin_site,
            f"Import the recommendations read from {draft['name']}",
            draft=draft,
            token=token,
            result=result,
            preview_rows=preview_rows(result),
            heading=heading,
            valid=valid,
        ),
    )


def confirm_view(request, admin_site, token):
    """Import the corrected rows for real, through the import, in one transaction."""
    _require(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    draft = _draft_or_404(request, token)
    headers, table = _table(draft, request.user)
    try:
        result = services.import_rows(headers=headers, table=table, user=request.user)
    except services.ImportRefused:
        messages.error(
            request,
            "Nothing was imported: the rows no longer pass the checks, probably because the "
            "data changed after the preview. Check the import again to see why.",
        )
        return HttpResponseRedirect(reverse("admin:extraction_rows", args=[token]))
    services.discard_draft(session=request.session, token=token)
    totals = result.totals
    messages.success(
        request,
        f"Imported {len(table)} recommendation(s) from {draft['name']} into "
        f"{draft['review_name']}: {totals['new']} new, {totals['update']} updated, "
        f"{totals['skip']} unchanged.",
    )
    review = Review.objects.filter(slug=draft["review"]).first()
    url = reverse("admin:recommendations_recommendation_changelist")
    query = f"?{urlencode({'review__id__exact': review.pk})}" if review else ""
    return HttpResponseRedirect(url + query)
