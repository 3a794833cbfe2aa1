"""The readers: seed 004 as a real PDF (wrapped at page width, hyphenated, with a running header
and page numbers) and as a Word document gives the same 127 texts as the plain text; broken,
encrypted, scanned and oversized files are refused with a clear message."""

import io

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from extraction.parser import parse
from extraction.readers import ReadError, read_document, strip_running_lines

from .documents import HEADER, docx_bytes, pdf_bytes


@pytest.fixture(scope="module")
def seed_texts(seed_document, fixture_agencies):
    extraction = parse(seed_document, agencies=fixture_agencies)
    return {p.number: (p.section, p.text, p.narrative, p.status) for p in extraction.proposals}


@pytest.fixture(scope="module")
def seed_pdf(seed_bytes):
    return pdf_bytes(seed_bytes.decode("utf-8"))


class TestSeedAsPdf:
    def test_the_pdf_is_laid_out_as_a_real_one(self, seed_pdf):
        """What the reader has to undo: wrapped lines, hyphenated words, a header and a page
        number on every page."""
        pages = [page.extract_text() for page in PdfReader(io.BytesIO(seed_pdf)).pages]
        assert len(pages) > 30
        assert all(HEADER in text for text in pages)
        assert all(str(n) in text.splitlines() for n, text in enumerate(pages, start=1))
        lines = [line for text in pages for line in text.splitlines()]
        assert sum(1 for line in lines if line.endswith("-") and line[-2].isalpha()) > 50

    def test_the_same_127_recommendations_as_the_text(self, seed_pdf, seed_texts, fixture_2016):
        extraction = parse(read_document("progress-2017.pdf", seed_pdf))
        found = {p.number: (p.section, p.text, p.narrative, p.status) for p in extraction.proposals}
        assert found == seed_texts
        assert {n: t[1] for n, t in found.items()} == {
            n: entry["text"] for n, entry in fixture_2016.items()
        }
        assert extraction.numbering_ok and extraction.problems == []

    def test_headers_and_page_numbers_are_dropped(self, seed_pdf):
        document = read_document("progress-2017.pdf", seed_pdf)
        lines = [line for block in document.blocks for line in block.lines]
        assert HEADER not in lines
        assert not any(line.isdigit() and len(line) <= 2 for line in lines[:-5] if line != "")
        assert {block.page for block in document.blocks} == set(range(1, document.pages + 1))


def test_seed_as_docx_gives_the_same_127_texts(seed_bytes, seed_texts):
    extraction = parse(read_document("progress-2017.docx", docx_bytes(seed_bytes.decode())))
    found = {p.number: (p.section, p.text, p.narrative, p.status) for p in extraction.proposals}
    assert found == seed_texts


def test_running_lines_in_text_pages_are_dropped():
    bodies = [[f"{word} begins this page.", "Its text.", f"{word} ends it."] for word in "ABCD"]
    pages = [["Annual report 2024", *body, f"Page {n} of 4"] for n, body in enumerate(bodies)]
    assert strip_running_lines(pages) == bodies


def _scan():
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    for _page in range(3):
        pdf.rect(50, 50, 400, 600, fill=1)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.txt", b"", "is empty"),
        ("report.pdf", b"", "is empty"),
        ("report.txt", bytes(range(256)) * 40, "not a text file"),
        ("report.pdf", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "is not a PDF"),
        ("report.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 40, "is not a PDF that can be read"),
        ("report.docx", bytes(range(256)) * 40, "is not a Word document"),
        ("report.docx", b"PK\x03\x04" + b"\x00" * 200, "is not a Word document"),
        ("report.odt", b"some text", "give a PDF, a Word document"),
        ("report.txt", b"   \n\n  \n", "holds no text"),
    ],
)
def test_malformed_files_are_refused_clearly(name, data, message):
    with pytest.raises(ReadError, match=message):
        read_document(name, data)


def test_an_encrypted_pdf_is_refused():
    data = pdf_bytes("1.\n\nThe MPS should act.\n", encrypt_with="secret")
    with pytest.raises(ReadError, match="encrypted"):
        read_document("locked.pdf", data)


def test_a_scanned_pdf_without_text_is_refused_no_ocr():
    with pytest.raises(ReadError, match=r"no text layer.*no OCR"):
        read_document("scan.pdf", _scan())


def test_a_file_over_the_limit_is_refused_from_its_size(settings):
    settings.EXTRACTION_MAX_UPLOAD_BYTES = 1000
    with pytest.raises(ReadError, match="the largest document accepted is 0 MB"):
        read_document("big.txt", b"x" * 1001)
