"""``manage.py import_recommendations``: the admin's import for scripts, all rows or none."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from recommendations.models import Recommendation, StatusUpdate

pytestmark = pytest.mark.django_db

HEADER = "review,number,position,text,lead_owner\n"


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_recommendations", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def csv_file(tmp_path, own_rec):
    def write(*rows, encoding="utf-8"):
        path = tmp_path / "recommendations.csv"
        path.write_bytes((HEADER + "".join(f"{row}\n" for row in rows)).encode(encoding))
        return path

    write.review = own_rec.review.slug
    return write


def test_a_csv_file_is_imported_with_a_progress_bar(csv_file):
    # Positions clear of the fixture's, whatever the factories' sequence has reached.
    rows = [f"{csv_file.review},{n},{n + 1000},Recommendation {n}.,own" for n in range(10, 60)]
    out, err = run(csv_file(*rows))
    assert "50 new" in out
    assert Recommendation.objects.filter(number__in=[str(n) for n in range(10, 60)]).count() == 50
    assert "Importing: 100%" in err
    assert "50/50" in err


def test_an_xlsx_file_is_imported(tmp_path, own_rec):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["review", "number", "position", "text", "lead_owner"])
    sheet.append([own_rec.review.slug, 12, 12, "From a spreadsheet.", "own"])
    path = tmp_path / "recommendations.xlsx"
    book.save(path)
    run(path, "--no-progress")
    assert Recommendation.objects.get(number="12").text == "From a spreadsheet."


def test_a_dry_run_checks_and_writes_nothing(csv_file):
    out, _ = run(csv_file(f"{csv_file.review},7,7,New.,own"), "--dry-run")
    assert "Dry run, nothing written: 1 new" in out
    assert not Recommendation.objects.filter(number="7").exists()


def test_errors_are_listed_by_row_and_nothing_is_written(csv_file):
    path = csv_file(
        f"{csv_file.review},7,7,A good row.,own",
        f"{csv_file.review},eight,8,A bad number.,own",
        f"{csv_file.review},9,9,An unknown agency.,nobody",
        f"{csv_file.review},7,10,A duplicate number.,own",
    )
    with pytest.raises(CommandError, match="3 error"):
        run(path)
    assert Recommendation.objects.count() == 1


def test_each_error_names_its_row_and_column(csv_file):
    path = csv_file(
        f"{csv_file.review},eight,8,A bad number.,own",
        f"{csv_file.review},9,9,An unknown agency.,nobody",
    )
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_recommendations", str(path), "--no-progress", stderr=err)
    lines = err.getvalue().splitlines()
    assert any(line.startswith("row 1: number: 'eight'") for line in lines), lines
    assert "row 2: lead_owner: There is no agency with the slug 'nobody'." in lines


def test_a_file_in_the_wrong_encoding_is_refused_and_nothing_is_written(csv_file):
    path = csv_file(f"{csv_file.review},7,7,Café society.,own", encoding="latin-1")
    with pytest.raises(CommandError, match="is not utf-8-sig text"):
        run(path)
    assert not Recommendation.objects.filter(number="7").exists()
    run(path, "--encoding", "latin-1", "--no-progress")
    assert Recommendation.objects.get(number="7").text == "Café society."


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.txt", b"anything", "give a .csv or .xlsx file"),
        ("broken.xlsx", b"not a zip file", "could not be read as .xlsx"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(path)


def test_importing_as_a_user_applies_their_role_and_names_them(csv_file, contributor, own_rec):
    update_file = csv_file(f"{csv_file.review},1,{own_rec.position},{own_rec.text},own")
    content = update_file.read_text().splitlines()
    content[0] += ",update_status,update_date,update_narrative"
    content[1] += ",in_progress,2025-02-01,On track."
    update_file.write_text("\n".join(content) + "\n")
    run(update_file, "--user", "contributor", "--no-progress")
    update = own_rec.updates.get()
    assert (update.recorded_by, update.publication) == (
        contributor,
        StatusUpdate.Publication.DRAFT,
    )
    assert update.history.first().history_user == contributor


def test_an_unknown_user_is_refused(csv_file):
    with pytest.raises(CommandError, match="No active user 'ghost'"):
        run(csv_file(f"{csv_file.review},7,7,New.,own"), "--user", "ghost")
