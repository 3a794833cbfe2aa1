"""The round's admin pages by role: who reaches which page, bad input as form errors, another
agency's recommendation not found, and a published round read-only."""

import datetime

import pytest

from recommendations.models import Status, StatusUpdate
from reviews.models import Review
from rounds.models import Round

from .conftest import DEADLINE, assess, report

pytestmark = pytest.mark.django_db

BASE = "/admin/rounds/round"


def pages(round, recommendation):
    return {
        "changelist": f"{BASE}/",
        "queue": f"{BASE}/queue/",
        "change": f"{BASE}/{round.pk}/change/",
        "history": f"{BASE}/{round.pk}/history/",
        "scope": f"{BASE}/{round.pk}/scope/",
        "progress": f"{BASE}/{round.pk}/progress/",
        "assessments": f"{BASE}/{round.pk}/assessments/",
        "report": f"{BASE}/{round.pk}/report/{recommendation.pk}/",
        "assess": f"{BASE}/{round.pk}/assess/{recommendation.pk}/",
        "publish": f"{BASE}/{round.pk}/publish/",
    }


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("editor", {"changelist", "queue", "change", "history", "scope", "progress",
                    "assessments", "report", "assess", "publish"}),
        ("reviewer", {"changelist", "queue", "change", "history", "scope", "progress",
                      "assessments", "assess"}),
        ("police_contributor", {"changelist", "queue", "change", "report"}),
    ],
)  # fmt: skip
def test_who_reaches_which_page(round, recs, login, who, allowed, request):
    client = login(request.getfixturevalue(who))
    for name, url in pages(round, recs["police"]).items():
        status = client.get(url).status_code
        assert (status == 200) == (name in allowed), (name, status)
        assert status in {200, 403}, (name, status)


def test_another_agency_s_recommendation_is_not_found(round, recs, login, police_contributor):
    client = login(police_contributor)
    assert client.get(f"{BASE}/{round.pk}/report/{recs['fire'].pk}/").status_code == 404
    response = client.post(
        f"{BASE}/{round.pk}/report/{recs['fire'].pk}/",
        {"status": "resolved", "status_date": "2030-06-01", "narrative": "Not ours."},
    )
    assert response.status_code == 404
    assert not StatusUpdate.objects.filter(narrative="Not ours.").exists()


def test_opening_a_round_through_the_form(recs, review, login, editor):
    response = login(editor).post(
        f"{BASE}/add/",
        {"title": "Progress report 2031", "reviews": [review.pk], "deadline": "2031-01-31"},
    )
    round = Round.objects.get()
    assert response.status_code == 302
    assert response.url == f"{BASE}/{round.pk}/change/"
    assert (round.deadline, round.items.count()) == (datetime.date(2031, 1, 31), 5)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"title": "", "deadline": "2031-01-31"}, "This field is required"),
        ({"title": "T", "deadline": "31/01/2031x"}, "Enter a valid date"),
        ({"title": "T", "deadline": "2000-01-01"}, "cannot be in the past"),
        ({"title": "T", "deadline": "2031-01-31", "reviews": []}, "This field is required"),
        ({"title": "T", "deadline": "2031-01-31", "reviews": ["999999"]}, "Select a valid"),
    ],
)
def test_bad_opening_input_is_a_form_error(recs, review, login, editor, data, message):
    data = {"reviews": [review.pk], **data}
    response = login(editor).post(f"{BASE}/add/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Round.objects.exists()


def test_a_second_open_round_is_a_form_error(round, review, login, editor):
    response = login(editor).post(
        f"{BASE}/add/", {"title": "Two", "reviews": [review.pk], "deadline": "2031-01-31"}
    )
    assert response.status_code == 200
    assert "is still open" in response.content.decode()


def test_the_deadline_input_is_iso(round, login, editor):
    body = login(editor).get(f"{BASE}/{round.pk}/change/").content.decode()
    assert f'type="date" name="deadline" value="{DEADLINE.isoformat()}"' in body


def test_a_contributor_drafts_the_owner_s_report(round, recs, login, police_contributor):
    client = login(police_contributor)
    queue = client.get(f"{BASE}/queue/").content.decode()
    assert f"{BASE}/{round.pk}/report/{recs['police'].pk}/" in queue
    assert "Recommendation 3" not in queue  # the fire brigade's
    url = f"{BASE}/{round.pk}/report/{recs['police'].pk}/"
    bad = client.post(url, {"status": "nonsense", "status_date": "x", "narrative": ""})
    assert bad.status_code == 200
    assert "Select a valid choice" in bad.content.decode()
    response = client.post(
        url, {"status": "in_progress", "status_date": "2030-06-01", "narrative": "Fencing done."}
    )
    assert response.status_code == 302
    update = StatusUpdate.objects.get(narrative="Fencing done.")
    assert (update.assessment, update.recorded_by) == ("owner", police_contributor)


def test_mopac_reports_on_behalf_from_the_queue(round, recs, login, editor, agencies):
    url = f"{BASE}/{round.pk}/report/{recs['silent'].pk}/"
    client = login(editor)
    missing = client.post(
        url, {"status": "in_progress", "status_date": "2030-06-01", "narrative": "By phone."}
    )
    assert "This field is required" in missing.content.decode()
    client.post(
        url,
        {
            "status": "in_progress",
            "status_date": "2030-06-01",
            "narrative": "By phone.",
            "on_behalf_of": agencies["silent"].pk,
        },
    )
    assert (
        StatusUpdate.objects.get(narrative="By phone.").reported_on_behalf_of
        == (agencies["silent"])
    )


def test_assessing_shows_both_where_they_differ(round, recs, login, editor, police_contributor):
    report(round, recs["police"], police_contributor, status=Status.IN_PROGRESS)
    client = login(editor)
    url = f"{BASE}/{round.pk}/assess/{recs['police'].pk}/"
    response = client.post(
        url, {"status": "resolved", "status_date": "2030-06-02", "narrative": "Done."}
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "they differ" in page
    assert "In progress" in page and "Resolved" in page


def test_scope_add_and_remove(round, recs, login, editor):
    client = login(editor)
    url = f"{BASE}/{round.pk}/scope/"
    client.post(url, {"remove": [recs["fire"].pk], "remove_selected": "1"})
    client.post(url, {"recommendations": [recs["done"].pk], "add": "1"})
    assert set(round.items.values_list("recommendation__number", flat=True)) == {
        "1", "2", "4", "5", "6",
    }  # fmt: skip
    bad = client.post(url, {"recommendations": ["abc"], "add": "1"})
    assert bad.status_code == 200
    assert "is not a valid value" in bad.content.decode()
    nothing = client.post(url, {"remove_selected": "1"})
    assert "Tick the recommendations to remove." in nothing.content.decode()


def test_the_scope_autocomplete_searches_recommendations(round, recs, login, editor):
    response = login(editor).get(
        "/admin/autocomplete/",
        {
            "term": "Police recommendation",
            "app_label": "rounds",
            "model_name": "rounditem",
            "field_name": "recommendation",
        },
    )
    assert [row["id"] for row in response.json()["results"]] == [str(recs["police"].pk)]


def test_publishing_from_the_confirmation_page(round, recs, login, editor, police_contributor):
    assess(round, recs["police"], editor)
    client = login(editor)
    url = f"{BASE}/{round.pk}/publish/"
    page = client.get(url).content.decode()
    assert "What becomes public: 1 assessment by status" in page
    assert "In scope without an assessment (4)" in page
    assert client.post(url, {"summary": " "}).status_code == 200  # a summary is required
    response = client.post(url, {"summary": "The Mayor's 2030 progress report."})
    assert response.status_code == 302
    report = Review.objects.get(slug="progress-report-2030")
    assert report.summary == "The Mayor's 2030 progress report."
    # Published: read-only, and nothing more to publish.
    assert client.get(url).status_code == 404
    change = client.get(f"{BASE}/{round.pk}/change/").content.decode()
    assert 'name="title"' not in change
    refused = client.post(
        f"{BASE}/{round.pk}/change/", {"title": "Reopened", "deadline": "2031-01-01"}
    )
    assert refused.status_code == 403
    assert (
        client.post(
            f"{BASE}/{round.pk}/scope/", {"remove": [recs["fire"].pk], "remove_selected": "1"}
        ).status_code
        == 403
    )


def test_publishing_with_nothing_assessed_is_a_form_error(round, login, editor):
    response = login(editor).post(f"{BASE}/{round.pk}/publish/", {"summary": "S."})
    assert response.status_code == 200
    assert "Nothing to publish" in response.content.decode()


def test_the_round_s_history_is_browsable(round, login, reviewer):
    assert "Progress report 2030" in login(reviewer).get(f"{BASE}/{round.pk}/history/").text
