"""Read a report (PDF, DOCX or plain text) into blocks of text: paragraphs as the format gives
them, with their page where the format has pages.

Readers only read: numbering, sections and statuses are ``parser``'s business. Page headers,
footers and page numbers are dropped here (the lines repeated at the top or bottom of most
pages, and lines that are only a page number). A file that cannot be read (empty, not the format
its name says, encrypted, a scan with no text layer, too large) raises ``ReadError`` with a
message for the person who gave it.
"""

import io
import itertools
import re
import statistics
import zipfile
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
FORMATS = {".pdf": "PDF", ".docx": "DOCX", ".txt": "text", ".text": "text", ".md": "text"}
DASHES = "-\u2013\u2014"
PAGE_NUMBER = re.compile(
    rf"^(?:page\s+)?[{DASHES}(]?\s*\d{{1,4}}\s*[{DASHES})]?(?:\s*(?:of|/)\s*\d{{1,4}})?$",
    re.IGNORECASE,
)
# A scanned page may still carry a few stray characters; below this there is no text layer.
MIN_TEXT_CHARS = 40


class ReadError(Exception):
    """The document cannot be read; the message says why, for the person who gave it."""


@dataclass
class Block:
    """A paragraph as the document lays it out: its lines, its page, and whether the format
    itself marks it as a heading (a DOCX heading style, a larger or bold PDF font)."""

    lines: list
    page: int | None = None
    heading: bool = False


@dataclass
class Document:
    """What a reader found: the blocks in reading order, and what it could not read."""

    name: str
    kind: str
    blocks: list
    pages: int | None = None
    problems: list = field(default_factory=list)


def max_upload_bytes():
    """The largest document accepted (``EXTRACTION_MAX_UPLOAD_BYTES``, default 20 MB)."""
    return getattr(settings, "EXTRACTION_MAX_UPLOAD_BYTES", DEFAULT_MAX_BYTES)


def check_size(size, name):
    """Refuse a document over the limit, from its size alone, before anything reads it."""
    limit = max_upload_bytes()
    if size is not None and size > limit:
        raise ReadError(
            f"{name} is {size / 1048576:.1f} MB; the largest document accepted is "
            f"{limit / 1048576:.0f} MB."
        )
    if not size:
        raise ReadError(f"{name} is empty.")


def kind_of(name):
    """The format a file name says it is ("PDF", "DOCX" or "text"), or a ReadError."""
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in FORMATS:
        raise ReadError(f"{name}: give a PDF, a Word document (.docx) or a text file (.txt).")
    return FORMATS[suffix]


def read_document(name, data):
    """Read ``data`` (bytes) as the format ``name``'s extension says; a Document."""
    check_size(len(data), name)
    kind = kind_of(name)
    reader = {"PDF": read_pdf, "DOCX": read_docx, "text": read_text}[kind]
    document = reader(name, data)
    if not any(line.strip() for block in document.blocks for line in block.lines):
        raise ReadError(f"{name} holds no text.")
    return document


# ---- plain text ----


def read_text(name, data):
    """UTF-8 (or Windows-1252) text: blocks are separated by blank lines, pages by form feeds."""
    if b"\x00" in data[:4096]:
        raise ReadError(f"{name} is not a text file (it holds binary data).")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise ReadError(f"{name} is not UTF-8 text: save it as UTF-8.") from error
    if _looks_binary(text):
        raise ReadError(f"{name} is not a text file (it holds binary data).")
    pages = [page.splitlines() for page in text.replace("\r\n", "\n").split("\f")]
    if len(pages) > 1:
        pages = strip_running_lines(pages)
    blocks = []
    for number, lines in enumerate(pages, start=1):
        blocks.extend(_blocks_from_lines(lines, number if len(pages) > 1 else None))
    return Document(name, "text", blocks, len(pages) if len(pages) > 1 else None)


def _looks_binary(text):
    sample = text[:20000]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return bool(sample) and controls / len(sample) > 0.01


def _blocks_from_lines(lines, page):
    blocks, current = [], []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append(Block(current, page))
            current = []
    return blocks


def strip_running_lines(pages):
    """Drop page headers, footers and page numbers: lines that are only a page number, and
    lines (digits aside) repeated in the first or last two lines of at least half the pages."""
    if len(pages) < 3:
        return [[line for line in page if not _is_page_number(line)] for page in pages]
    edges = Counter()
    for page in pages:
        content = [line.strip() for line in page if line.strip()]
        edges.update({_shape(line) for line in content[:2] + content[-2:]})
    running = {shape for shape, count in edges.items() if count >= max(3, len(pages) / 2)}
    cleaned = []
    for page in pages:
        content_indexes = [i for i, line in enumerate(page) if line.strip()]
        edge = set(content_indexes[:2] + content_indexes[-2:])
        cleaned.append(
            [
                line
                for i, line in enumerate(page)
                if not (i in edge and (_is_page_number(line.strip()) or _shape(line) in running))
            ]
        )
    return cleaned


def _shape(line):
    """A line with its numbers blanked out, if it is short enough to be a running header
    ("Annual report | page 12"); a long line must repeat exactly."""
    text = " ".join(line.split()).lower()
    return re.sub(r"\d+", "#", text) if len(text) <= 60 else text


def _is_page_number(line):
    return bool(PAGE_NUMBER.match(line.strip()))


# ---- DOCX ----


def read_docx(name, data):
    """A Word document's body paragraphs (headers and footers are separate parts and are not
    read); heading styles mark headings, and tables are read row by row."""
    import docx  # python-docx
    from docx.opc.exceptions import PackageNotFoundError

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise ReadError(f"{name} is not a Word document (.docx).")
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise ReadError(f"{name} is not a Word document (.docx) that can be read.") from error
    except Exception as error:  # lxml and the zip reader raise many kinds for a broken file
        raise ReadError(f"{name} could not be read as a Word document: {error}") from error
    blocks = []
    for paragraph in document.paragraphs:
        lines = [line.strip() for line in paragraph.text.split("\n") if line.strip()]
        if not lines:
            continue
        style = (paragraph.style.name if paragraph.style is not None else "") or ""
        is_list = "List" in style and lines and not lines[0].startswith(("-", "•"))
        if is_list:
            lines[0] = f"- {lines[0]}"
        blocks.append(Block(lines, None, heading=style.startswith(("Heading", "Title"))))
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text.strip() for cell in row.cells if cell.text.strip()]
            if cells:
                blocks.append(Block([" ".join(dict.fromkeys(cells))]))
    return Document(name, "DOCX", blocks)


# ---- PDF ----


def read_pdf(name, data):
    """A PDF's text layer, page by page, with lines grouped into paragraphs by the vertical
    gaps between them. An encrypted PDF or one without a text layer (a scan) is refused."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.startswith(b"%PDF"):
        raise ReadError(f"{name} is not a PDF.")
    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as error:
        raise ReadError(f"{name} is not a PDF that can be read: {error}") from error
    if encrypted:
        raise ReadError(
            f"{name} is encrypted (password-protected). Save an unprotected copy and upload that."
        )
    problems, pages = [], []
    try:
        page_list = list(reader.pages)
    except Exception as error:  # a broken page tree raises many kinds
        raise ReadError(f"{name}: its pages could not be read: {error}") from error
    for number, page in enumerate(page_list, start=1):
        try:
            pages.append(_pdf_lines(page))
        except Exception as error:  # one bad page must not lose the others
            problems.append(f"Page {number} could not be read ({type(error).__name__}).")
            pages.append([])
    text_chars = sum(len(line.text) for lines in pages for line in lines)
    if text_chars < MIN_TEXT_CHARS * max(1, len(pages)) / 4:
        raise ReadError(
            f"{name} has no text layer: it looks like a scan. This tracker does not read "
            "scanned pages (no OCR); upload the original PDF, a Word version or a text file."
        )
    blocks = _pdf_blocks(pages)
    return Document(name, "PDF", blocks, len(pages), problems)


@dataclass
class _Line:
    text: str
    y: float
    size: float
    bold: bool


def _pdf_lines(page):
    """The page's lines, top to bottom, each with its height on the page and font size."""
    pieces = []

    def visit(text, cm, tm, font, size):
        if not text.strip():
            return
        y = tm[5] * cm[3] + tm[4] * cm[1] + cm[5]
        scale = abs(tm[3] * cm[3]) or 1
        base = str((font or {}).get("/BaseFont", ""))
        for part in text.split("\n"):
            if part.strip():
                pieces.append((round(y, 1), part, size * scale, "Bold" in base))

    page.extract_text(visitor_text=visit)
    lines = []
    for y, text, size, bold in pieces:
        if lines and abs(lines[-1].y - y) < 0.5:
            joiner = "" if lines[-1].text.endswith(" ") or text.startswith(" ") else " "
            lines[-1].text += joiner + text
        else:
            lines.append(_Line(text, y, size, bold))
    for line in lines:
        line.text = " ".join(line.text.split())
    return sorted(lines, key=lambda line: -line.y)


def _pdf_blocks(pages):
    """Paragraphs from positioned lines: a gap larger than the usual line spacing, or a change
    of font size, starts a new one. Running headers, footers and page numbers are dropped."""
    kept = strip_running_lines([[line.text for line in lines] for lines in pages])
    sizes = [line.size for lines in pages for line in lines]
    body_size = statistics.median(sizes) if sizes else 0
    gaps = [a.y - b.y for lines in pages for a, b in itertools.pairwise(lines) if a.y > b.y]
    # The line spacing: the closest lines of body text (paragraph gaps are wider).
    spacing = min((g for g in gaps if g >= body_size * 0.9), default=body_size * 1.2)
    blocks = []
    for number, (lines, texts) in enumerate(zip(pages, kept, strict=True), start=1):
        remaining = Counter(texts)
        current, previous, current_heading = [], None, False
        for line in lines:
            if not remaining[line.text]:
                continue
            remaining[line.text] -= 1
            heading = line.bold or line.size > body_size * 1.15
            new = previous is None or (
                previous.y - line.y > spacing * 1.4
                or heading != current_heading
                or abs(line.size - previous.size) > 0.5
            )
            if new and current:
                blocks.append(Block(current, number, current_heading))
                current = []
            if not current:
                current_heading = heading
            current.append(line.text)
            previous = line
        if current:
            blocks.append(Block(current, number, current_heading))
    return blocks
