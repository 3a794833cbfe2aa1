"""Fixtures for extraction tests: the agencies as the fixtures name them (no database needed),
and the seed as a Document."""

import pytest
import yaml

from extraction.parser import AgencyName
from extraction.readers import read_document
from tests.conftest import REAL_FIXTURES, SEEDS

SEED_NAME = "004_48b4fa5b1c47d680.txt"


@pytest.fixture(scope="session")
def fixture_agencies():
    """Every agency of fixtures/agencies.yaml, as the parser looks for them."""

    class Named:
        def __init__(self, entry):
            self.slug, self.name = entry["slug"], entry["name"]
            self.abbreviation = entry.get("abbreviation") or ""

    entries = yaml.safe_load((REAL_FIXTURES / "agencies.yaml").read_text(encoding="utf-8"))
    return [AgencyName.from_agency(Named(entry)) for entry in entries]


@pytest.fixture(scope="session")
def seed_bytes():
    path = SEEDS / SEED_NAME
    if not path.exists():
        pytest.skip(f"source documents not found at {SEEDS}")
    return path.read_bytes()


@pytest.fixture(scope="session")
def seed_document(seed_bytes):
    return read_document("progress-2017.txt", seed_bytes)


@pytest.fixture(scope="session")
def fixture_2016():
    """The hand-extracted 2016 recommendations, by number."""
    data = yaml.safe_load((REAL_FIXTURES / "harris-2016.yaml").read_text(encoding="utf-8"))
    return {entry["number"]: entry for entry in data["recommendations"]}
