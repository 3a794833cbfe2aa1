"""The admin flow without a browser: who may use it, upload, correct a row, the import's dry
run, confirm; the upload limit enforced before the upload is read; bad documents answered
beside their field; nothing written before the confirm, and everything audited."""

import datetime
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from extraction.services import SESSION_KEY
from recommendations.models import Recommendation, Role, StatusUpdate
from tests.factories import AgencyFactory, ReviewFactory, staff_user

from .documents import pdf_bytes

pytestmark = pytest.mark.django_db

REPORT = (
    "Progress on the recommendations\n\n"
    "1.\n\nThe Metropolitan Police Service should review airport security.\n\n"
    "The review took place in 2017.\n\nThis recommendation has been resolved.\n\n"
    "2.\n\nTransport for London should hold exercises.\n\nExercises are planned.\n\n"
    "3.\n\nThe MPS and TfL should share plans.\n\nPlans are shared.\n\n"
    "This recommendation has been resolved by other means.\n"
)
UPLOAD = reverse("admin:extraction_sourcedocument_changelist")


@pytest.fixture
def review():
    AgencyFactory(name="Metropolitan Police Service", abbreviation="MPS", slug="mps")
    AgencyFactory(name="Transport for London", abbreviation="TfL", slug="tfl")
    return ReviewFactory(slug="airport-review", short_name="Airport review")


@pytest.fixture
def editor_client(client):
    client.force_login(staff_user(Role.EDITOR, username="editor"))
    return client


def upload(client, review, text=REPORT, name="report.txt", **fields):
    data = {
        "review": review.pk,
        "document": SimpleUploadedFile(name, text.encode() if isinstance(text, str) else text),
        "numbering": "auto",
        "kind": "auto",
        "update_date": "2017-10-25",
        "publication": "published",
        **fields,
    }
    return client.post(UPLOAD, data)


def nothing_written():
    return not Recommendation.objects.exists() and not Recommendation.history.exists()


def field_errors(response, name):
    return response.context["form"].errors.get(name, [])


class TestWhoMayUseIt:
    def test_anonymous_visitors_are_sent_to_the_login(self, client):
        response = client.get(UPLOAD)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]

    @pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.REVIEWER])
    def test_only_editors(self, client, role):
        client.force_login(staff_user(role))
        assert client.get(UPLOAD).status_code == 403
        assert client.post(UPLOAD, {}).status_code == 403

    def test_editors_find_it_on_the_admin_home(self, editor_client):
        assert UPLOAD in editor_client.get(reverse("admin:index")).content.decode()
        assert editor_client.get(UPLOAD).status_code == 200


def test_the_upload_is_still_protected_against_forged_requests(review):
    """The upload view reads the request's length before Django's CSRF check (which would read
    the body); the check still runs on every upload it reads."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user(Role.EDITOR, username="editor"))
    assert upload(client, review).status_code == 403
    assert nothing_written() and not client.session.get(SESSION_KEY)


def test_upload_correct_check_confirm(editor_client, review):
    response = upload(editor_client, review)
    assert response.status_code == 302
    rows_url = response["Location"]
    token = rows_url.rstrip("/").rsplit("/", 1)[-1]
    assert nothing_written()

    page = editor_client.get(rows_url).content.decode()
    assert "The review took place in 2017." in page  # the source beside the proposal
    assert "Resolved by other means" in page and "Metropolitan Police Service" in page

    row_url = reverse("admin:extraction_row", args=[token, 1])
    corrected = {
        "include": "on",
        "number": "2",
        "section": "Progress on the recommendations",
        "text": "Transport for London should hold two exercises a year.",
        "lead_owner": "tfl",
        "owners": ["mps"],
        "status": "in_progress",
        "narrative": "Exercises are planned.",
    }
    assert editor_client.post(row_url, corrected).status_code == 302
    assert nothing_written()

    check = editor_client.post(reverse("admin:extraction_check", args=[token]))
    assert check.status_code == 200
    assert [row["outcome"] for row in check.context["preview_rows"]] == ["New"] * 3
    assert "Confirm import" in check.content.decode()
    assert nothing_written()

    done = editor_client.post(reverse("admin:extraction_confirm", args=[token]), follow=True)
    assert "Imported 3 recommendation(s) from report.txt" in done.content.decode()
    two = Recommendation.objects.get(review=review, number="2")
    assert two.text == "Transport for London should hold two exercises a year."
    assert (two.lead_owner.slug, [o.agency.slug for o in two.ownerships.all()]) == (
        "tfl",
        ["tfl", "mps"],
    )
    assert two.history.first().history_user.username == "editor"
    updates = StatusUpdate.objects.filter(recommendation__review=review).order_by(
        "recommendation__number"
    )
    assert [(u.status, u.status_date, u.publication) for u in updates] == [
        ("resolved", datetime.date(2017, 10, 25), "published"),
        ("in_progress", datetime.date(2017, 10, 25), "published"),
        ("resolved_other_means", datetime.date(2017, 10, 25), "published"),
    ]
    assert {u.recorded_by.username for u in updates} == {"editor"}
    assert (
        SESSION_KEY not in editor_client.session or token not in editor_client.session[SESSION_KEY]
    )


def test_a_bad_correction_is_shown_beside_its_field(editor_client, review):
    rows_url = upload(editor_client, review)["Location"]
    token = rows_url.rstrip("/").rsplit("/", 1)[-1]
    response = editor_client.post(
        reverse("admin:extraction_row", args=[token, 0]),
        {"include": "on", "number": "one", "text": "", "status": "", "narrative": ""},
    )
    assert response.status_code == 200
    assert "A recommendation number is digits" in field_errors(response, "number")[0]
    assert "needs its text" in field_errors(response, "text")[0]


def test_an_upload_over_the_limit_is_refused_before_it_is_read(editor_client, review, settings):
    settings.EXTRACTION_MAX_UPLOAD_BYTES = 20 * 1024 * 1024
    response = editor_client.post(
        UPLOAD,
        {"review": review.pk, "document": SimpleUploadedFile("big.pdf", b"%PDF-1.7")},
        CONTENT_LENGTH=str(100 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert (
        "The upload is 100.0 MB; the largest document accepted is 20 MB"
        in (field_errors(response, "document")[0])
    )
    assert nothing_written() and not editor_client.session.get(SESSION_KEY)


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.txt", b"", "The submitted file is empty."),
        ("report.pdf", bytes(range(256)) * 10, "is not a PDF"),
        ("scan.docx", b"PK\x03\x04junk", "is not a Word document"),
        ("report.txt", "Just prose.\n\nMore prose.\n", "No numbered recommendations"),
        ("report.txt", "1. One.\n\n2. Two.\n\n4. Four.\n", "Numbering gap: no recommendation 3."),
        ("report.txt", "1. One.\n\n2. Two.\n\n2. Again.\n", "Recommendation 2 appears 2 times."),
    ],
)
def test_bad_documents_are_answered_beside_the_field(editor_client, review, name, data, message):
    response = upload(editor_client, review, data, name)
    assert response.status_code == 200
    assert message in " ".join(field_errors(response, "document"))
    assert nothing_written() and not editor_client.session.get(SESSION_KEY)


def test_a_gap_can_be_loaded_knowingly(editor_client, review):
    response = upload(editor_client, review, "1. One.\n\n2. Two.\n\n4. Four.\n", allow_gaps="on")
    assert response.status_code == 302
    page = editor_client.get(response["Location"]).content.decode()
    assert "Numbering gap: no recommendation 3." in page


def test_a_progress_report_needs_the_date_of_its_updates(editor_client, review):
    response = upload(editor_client, review, update_date="")
    assert "give the date of its updates" in field_errors(response, "update_date")[0]
    assert nothing_written()


def test_an_unknown_draft_is_not_found(editor_client):
    assert editor_client.get(reverse("admin:extraction_rows", args=["nope"])).status_code == 404


def test_a_300_recommendation_pdf_loads_in_well_under_minutes(editor_client, review):
    """The issue's measure: a 300-recommendation report from its PDF, read, checked and
    imported through the admin, with numbers restarting in each of its ten chapters."""
    paragraphs = ["A Long Review", "This review makes three hundred recommendations."]
    for chapter in range(1, 11):
        paragraphs.append(f"Chapter {chapter}: Part {chapter} of the Review")
        for n in range(1, 31):
            paragraphs.append(
                f"{n}. The Metropolitan Police Service should carry out improvement {n} of "
                f"chapter {chapter} with Transport for London, and report on it each year."
            )
    started = time.monotonic()
    response = upload(editor_client, review, pdf_bytes("\n\n".join(paragraphs)), "long.pdf")
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert editor_client.get(response["Location"]).status_code == 200
    check = editor_client.post(reverse("admin:extraction_check", args=[token]))
    assert check.context["valid"] and len(check.context["preview_rows"]) == 300
    editor_client.post(reverse("admin:extraction_confirm", args=[token]))
    assert time.monotonic() - started < 120
    numbers = set(review.recommendations.values_list("number", flat=True))
    assert numbers == {f"{c}.{n}" for c in range(1, 11) for n in range(1, 31)}
