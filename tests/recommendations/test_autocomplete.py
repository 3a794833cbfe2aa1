"""The admin's autocomplete answers as the user's role allows: a contributor's search finds only
their agencies' recommendations, and nothing of others, whatever the field it serves."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

FIELDS = [
    ("statusupdate", "recommendation"),
    ("recommendationlink", "target"),
]


def search(client, model_name, field_name, term):
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "recommendations",
            "model_name": model_name,
            "field_name": field_name,
            "term": term,
        },
    )
    return response


def found(response):
    assert response.status_code == 200
    return {result["text"] for result in response.json()["results"]}


@pytest.mark.parametrize(("model_name", "field_name"), FIELDS)
def test_a_contributor_finds_only_their_agencies_recommendations(
    model_name, field_name, contributor, login, own_rec, other_rec
):
    client = login(contributor)
    assert found(search(client, model_name, field_name, "recommendation")) == {str(own_rec)}
    assert found(search(client, model_name, field_name, "Other agency")) == set()
    assert found(search(client, model_name, field_name, other_rec.number)) == set()


@pytest.mark.parametrize(("model_name", "field_name"), FIELDS)
@pytest.mark.parametrize("role", ["editor", "reviewer"])
def test_editors_and_reviewers_find_every_recommendation(
    model_name, field_name, role, request, login, own_rec, other_rec
):
    client = login(request.getfixturevalue(role))
    results = found(search(client, model_name, field_name, "recommendation"))
    assert results == {str(own_rec), str(other_rec)}


def test_the_exact_number_finds_a_recommendation(editor, login, own_rec, other_rec):
    results = found(search(login(editor), "statusupdate", "recommendation", other_rec.number))
    assert results == {str(other_rec)}


def test_an_anonymous_visitor_gets_nothing(client, own_rec):
    response = search(client, "statusupdate", "recommendation", "recommendation")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
