"""Schemathesis fuzzes the API from its own OpenAPI schema, against a live server over HTTP.

No request may get a 5xx, and every response must conform to the schema: a documented status
code, content type and headers, and a body that validates against the documented schema. It
runs the schemathesis command line with a bounded number of cases per operation, within a
time limit.

Fuzzing can hardly guess an existing recommendation's address (its review's slug and its
number), so every public recommendation's detail is also requested and validated against the
schema, with the same checks. The fuzzer is also given the real slugs, sections and numbers as
a dictionary, drawn for most cases, so that its requests reach the filtering and the records
behind them rather than only the 400 or 404 for an unknown slug: schemathesis warns, and the
test fails, when an operation never serves one (the detail did so now and then when only the
stateful phase's links could reach it).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import schemathesis

from public_data.models import PublishedAgency, PublishedRecommendation, PublishedReview
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
# A fixed seed by default, so that a run of the suite cannot fail by chance where the one
# before passed; FUZZ_SEED=<number> explores other cases (the seed is printed on failure).
FUZZ_SEED = os.environ.get("FUZZ_SEED", "20261130")
# How often a parameter takes a real value rather than a generated one.
REAL_VALUE_PROBABILITY = 0.8


def fuzz_dictionaries():
    """The real values of each slug-like parameter, as schemathesis configuration (TOML)."""
    reviews = PublishedReview.objects.values_list("slug", flat=True)
    values = {
        "reviews": sorted(reviews),
        "reports": sorted(reviews.filter(kind="progress_report")),
        "agencies": sorted(PublishedAgency.objects.values_list("slug", flat=True)),
        "sections": sorted(set(PublishedRecommendation.objects.values_list("section", flat=True))),
        "keys": sorted(set(PublishedRecommendation.objects.values_list("key", flat=True))),
    }
    bindings = {
        None: {
            "query.review": "reviews",
            "query.report": "reports",
            "query.agency": "agencies",
            "query.section": "sections",
            "path.review": "reviews",
            "path.key": "keys",
        },
        "/api/reviews/{slug}/": {"path.slug": "reviews"},
        "/api/agencies/{slug}/": {"path.slug": "agencies"},
    }
    lines = []
    for name, entries in values.items():
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps([e for e in entries if e])}", ""]
    for path, parameters in bindings.items():
        lines += (
            ["[parameters]"]
            if path is None
            else ["[[operations]]", f"include-path = {json.dumps(path)}", "[operations.parameters]"]
        )
        lines += [
            f'"{parameter}" = {{ dictionary = "{name}", probability = {REAL_VALUE_PROBABILITY} }}'
            for parameter, name in parameters.items()
        ]
        lines.append("")
    return "\n".join(lines)


@pytest.mark.django_db(transaction=True)
def test_the_api_conforms_to_its_schema_under_fuzzing(live_server, tmp_path):
    load_harris(REAL_FIXTURES)
    plant_markers()
    config = tmp_path / "schemathesis.toml"
    config.write_text(fuzz_dictionaries())
    command = [
        str(SCHEMATHESIS),
        f"--config-file={config}",
        "run",
        f"{live_server.url}/api/schema/",
        "--checks=all",
        f"--exclude-checks={EXCLUDED_CHECKS}",
        f"--max-examples={CASES_PER_OPERATION}",
        # One request at a time: the live server shares the test database connection.
        "--workers=1",
        "--request-timeout=30",
        f"--seed={FUZZ_SEED}",
    ]
    result = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=TIME_LIMIT_SECONDS
    )
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-5000:]
    assert "No issues found" in result.stdout, result.stdout[-20000:]


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
