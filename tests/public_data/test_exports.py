"""CSV and JSON downloads of the filtered list."""

import csv
import io
import json

import pytest

from harris.spreadsheets import spreadsheet_safe
from recommendations.models import Recommendation
from tests.factories import AgencyFactory, RecommendationFactory, RecommendationOwnerFactory

pytestmark = pytest.mark.django_db


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_has_the_public_fields_of_the_filtered_rows(client):
    agency = AgencyFactory(slug="met", name="Metropolitan Police Service")
    owned = RecommendationOwnerFactory(agency=agency, is_lead=True).recommendation
    RecommendationFactory()
    response = client.get("/recommendations/export.csv?agency=met")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert [row["text"] for row in rows] == [owned.text]
    assert rows[0]["owners"] == "Metropolitan Police Service"
    assert rows[0]["lead_owner"] == "met"
    assert "internal_notes" not in rows[0] and "is_restricted" not in rows[0]


def test_json_has_the_same_rows(client):
    RecommendationFactory.create_batch(3)
    data = json.loads(client.get("/recommendations/export.json").content)
    assert data["count"] == 3
    assert {row["reference"] for row in data["results"]} == {
        f"{review}/{number}"
        for review, number in Recommendation.objects.values_list("review__slug", "number")
    }
    assert not {"id", "position"} & set(data["results"][0])


def test_formulae_are_neutralised_in_csv(client):
    RecommendationFactory(text='=HYPERLINK("http://evil.example")')
    rows = csv_rows(client.get("/recommendations/export.csv"))
    assert rows[0]["text"].startswith("'=")


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx"])
def test_spreadsheet_safe_prefixes_formula_triggers(value):
    assert spreadsheet_safe(value) == f"'{value}"


def test_plain_text_is_untouched():
    assert spreadsheet_safe("Resolved") == "Resolved"


@pytest.mark.parametrize("path", ["export.csv", "export.json"])
def test_bad_filters_are_a_400_naming_the_field(client, path):
    response = client.get(f"/recommendations/{path}?agency=nobody")
    assert response.status_code == 400
    assert "agency" in response.json()["errors"]
