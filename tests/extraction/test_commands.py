"""``manage.py extract_recommendations``: seed 004 to the import CSV that
``import_recommendations`` takes; malformed inputs give a clear error, a non-zero exit and no
file; a 100 MB file is refused from its size without being read."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from extraction import services
from recommendations.models import Recommendation
from recommendations.resources import COLUMNS
from tests.factories import ReviewFactory

from .conftest import SEED_NAME
from .documents import pdf_bytes

pytestmark = pytest.mark.django_db


def extract(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("extract_recommendations", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def seed_file(seed_bytes, tmp_path):
    path = tmp_path / SEED_NAME
    path.write_bytes(seed_bytes)
    return path


def test_seed_004_to_csv_and_back_through_the_import(real_data, seed_file, tmp_path, fixture_2016):
    copy = ReviewFactory(slug="harris-copy")
    out = tmp_path / "harris.csv"
    stdout, report = extract(
        str(seed_file), "--review", "harris-copy", "--update-date", "2017-10-25",
        "--publication", "published", "--out", str(out),
    )  # fmt: skip
    assert stdout == ""
    assert "127 recommendation(s)" in report and "with progress updates" in report
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == [c for c in COLUMNS if c in rows[0]]  # the import's own order
    assert len(rows) == 127 and {row["review"] for row in rows} == {"harris-copy"}

    call_command("import_recommendations", str(out), "--no-progress", stdout=io.StringIO())
    stored = dict(copy.recommendations.values_list("number", "text"))
    assert stored == {number: entry["text"] for number, entry in fixture_2016.items()}
    statuses = dict(copy.recommendations.values_list("number", "current_status"))
    assert statuses == {n: e["updates"][0]["status"] for n, e in fixture_2016.items()}


def test_the_csv_goes_to_standard_output_by_default(db, tmp_path):
    ReviewFactory(slug="small")
    path = tmp_path / "small.txt"
    path.write_text("R1 Do this.\n\nR2 Do that.\n", encoding="utf-8")
    stdout, _report = extract(str(path), "--review", "small")
    assert stdout.splitlines() == [
        "review,number,position,section,text,lead_owner,owners",
        "small,1,1,,Do this.,,",
        "small,2,2,,Do that.,,",
    ]


def test_a_pdf_is_read(db, tmp_path):
    ReviewFactory(slug="small")
    path = tmp_path / "small.pdf"
    path.write_bytes(pdf_bytes("Our Recommendations\n\n1. Do this.\n\n2. Do that.\n"))
    stdout, _report = extract(str(path), "--review", "small")
    assert "small,1,1,Our recommendations,Do this.,," in stdout.splitlines()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1. One.\n\n2. Two.\n\n4. Four.\n", "Numbering gap: no recommendation 3."),
        ("1. One.\n\n2. Two.\n\n2. Again.\n", "Recommendation 2 appears 2 times."),
    ],
)
def test_gaps_and_duplicates_fail_and_write_nothing(db, tmp_path, text, message):
    ReviewFactory(slug="small")
    path, out = tmp_path / "gappy.txt", tmp_path / "out.csv"
    path.write_text(text, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="gaps or duplicates"):
        call_command(
            "extract_recommendations", str(path), "--review", "small", "--out", str(out),
            stderr=err, stdout=io.StringIO(),
        )  # fmt: skip
    assert message in err.getvalue()
    assert not out.exists()
    _stdout, report = extract(str(path), "--review", "small", "--allow-gaps", "--out", str(out))
    assert message in report and out.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "is empty"),
        ("junk.txt", bytes(range(256)) * 40, "not a text file"),
        ("junk.pdf", b"%PDF-1.4\n" + bytes(range(256)) * 40, "is not a PDF that can be read"),
        ("locked.pdf", pdf_bytes("1. One.\n", encrypt_with="secret"), "encrypted"),
        ("report.rtf", b"{\\rtf1 1. One.}", "give a PDF"),
    ],
)
def test_malformed_inputs_fail_clearly_and_write_nothing(db, tmp_path, name, data, message):
    ReviewFactory(slug="small")
    path, out = tmp_path / name, tmp_path / "out.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError, match=message):
        extract(str(path), "--review", "small", "--out", str(out))
    assert not out.exists()


def test_a_100_mb_file_is_refused_from_its_size_without_reading_it(db, tmp_path, monkeypatch):
    ReviewFactory(slug="small")
    big = tmp_path / "big.pdf"
    with big.open("wb") as sparse:  # a sparse file: no 100 MB written or read
        sparse.truncate(100 * 1024 * 1024)

    def never(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(services, "read_document", never)
    with pytest.raises(CommandError, match=r"big\.pdf is 100\.0 MB; the largest document accepted"):
        extract(str(big), "--review", "small")


def test_a_progress_report_needs_its_update_date(real_data, seed_file):
    with pytest.raises(CommandError, match="--update-date"):
        extract(str(seed_file), "--review", "harris-2016")
    stdout, _report = extract(str(seed_file), "--review", "harris-2016", "--kind", "review")
    assert "update_status" not in stdout.splitlines()[0]


def test_unknown_review_and_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="no review with the slug 'nope'"):
        extract(str(tmp_path / "x.txt"), "--review", "nope")
    ReviewFactory(slug="small")
    with pytest.raises(CommandError, match="No such file"):
        extract(str(tmp_path / "missing.txt"), "--review", "small")
    assert not Recommendation.objects.exists()
