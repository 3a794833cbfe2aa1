"""Schemathesis fuzzes the API from its own OpenAPI schema, against a live server over HTTP.

No request may get a 5xx, and every response must conform to the schema: a documented status
code, content type and headers, and a body that validates against the documented schema. It
runs the schemathesis command line with a bounded number of cases per operation, within a
time limit.

Fuzzing can hardly guess an existing recommendation's address (its review's slug and its
number), so every public recommendation's detail is also requested and validated against the
schema, with the same checks.
"""

import subprocess
import sys
from pathlib import Path

import pytest
import schemathesis

from public_data.models import PublishedRecommendation
from recommendations.loader import load_harris
from tests.conftest import REAL_FIXTURES
from tests.factories import plant_markers

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CASES_PER_OPERATION = 25
TIME_LIMIT_SECONDS = 600
# Left out on purpose: positive_data_acceptance expects any value of the schema's type to
# succeed, but an unknown review or agency slug, or a page past the end, is a documented 400;
# negative_data_rejection counts an empty filter as invalid, where the API (like the site's
# forms) reads it as no filter.
EXCLUDED_CHECKS = "positive_data_acceptance,negative_data_rejection"
DETAIL = "/api/reviews/{review}/recommendations/{key}/"


@pytest.mark.django_db(transaction=True)
def test_the_api_conforms_to_its_schema_under_fuzzing(live_server, tmp_path):
    load_harris(REAL_FIXTURES)
    plant_markers()
    command = [
        str(SCHEMATHESIS),
        "run",
        f"{live_server.url}/api/schema/",
        "--checks=all",
        f"--exclude-checks={EXCLUDED_CHECKS}",
        f"--max-examples={CASES_PER_OPERATION}",
        # One request at a time: the live server shares the test database connection.
        "--workers=1",
        "--request-timeout=30",
    ]
    result = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=TIME_LIMIT_SECONDS
    )
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
    assert "No issues found" in result.stdout


@pytest.mark.django_db(transaction=True)
def test_every_public_recommendation_conforms_to_the_schema(live_server):
    load_harris(REAL_FIXTURES)
    plant_markers()
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    operation = schema[DETAIL]["GET"]
    excluded = [getattr(schemathesis.checks, name) for name in EXCLUDED_CHECKS.split(",")]
    records = list(PublishedRecommendation.objects.select_related("review"))
    assert len(records) > 50
    publications = set()
    for record in records:
        case = operation.Case(path_parameters={"review": record.review.slug, "key": record.key})
        response = case.call(base_url=live_server.url)
        assert response.status_code == 200, (record.reference, response.content[:500])
        case.validate_response(response, excluded_checks=excluded)
        publications |= {entry["publication"] for entry in response.json()["timeline"]}
    # Both kinds of timeline entry were among the responses validated.
    assert publications == {"published", "withheld"}
