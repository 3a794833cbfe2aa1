"""Documents made in the tests: the 2017 progress report (seed 004) laid out as a real PDF
(wrapped at the page width, long words hyphenated at line ends, a running header and page
numbers on every page) and as a Word document, and small reports in other numbering styles."""

import io
import re

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

HEADER = "Harris Review: Progress Report \u2013 One Year On"
FONT, BOLD, SIZE, LEADING = "Helvetica", "Helvetica-Bold", 10, 13
MARGIN = 56


def paragraphs(text):
    """The text's paragraphs (blank-line separated), with the extraction's ``**`` marks off."""
    return [
        "\n".join(line.strip() for line in block.replace("**", "").splitlines() if line.strip())
        for block in re.split(r"\n\s*\n", text)
        if block.strip()
    ]


def is_heading(paragraph):
    return len(paragraph) < 120 and not re.search(r"[.:;,!?]$", paragraph) and "\n" not in paragraph


def _wrap(text, font, width):
    """Greedy line breaking at ``width`` points. A word that does not fit is broken where its
    first part does: after one of its own hyphens, or hyphenated if it is a long plain word,
    as typesetting software does."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if stringWidth(candidate, font, SIZE) <= width:
            line = candidate
            continue
        if line and ("-" in word[1:-1] or (word.isalpha() and len(word) >= 9)):
            cuts = [i + 1 for i, ch in enumerate(word[:-1]) if ch == "-" and i]
            if "-" not in word:
                cuts = range(4, len(word) - 3)
            for cut in sorted(cuts, reverse=True):
                head = word[:cut] if word[cut - 1] == "-" else word[:cut] + "-"
                if stringWidth(f"{line} {head}", font, SIZE) <= width:
                    lines.append(f"{line} {head}")
                    line = word[cut:]
                    break
            else:
                lines.append(line)
                line = word
            continue
        if line:
            lines.append(line)
        line = word
    if line:
        lines.append(line)
    return lines


def pdf_bytes(text, *, encrypt_with=None):
    """``text``'s paragraphs as an A4 PDF."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    width, height = A4
    state = {"page": 1, "y": height - MARGIN - 2 * LEADING}

    def furniture():
        pdf.setFont(FONT, 8)
        pdf.drawString(MARGIN, height - MARGIN + 10, HEADER)
        pdf.drawCentredString(width / 2, MARGIN - 24, str(state["page"]))

    def new_page():
        pdf.showPage()
        state["page"] += 1
        state["y"] = height - MARGIN - 2 * LEADING
        furniture()

    furniture()
    for paragraph in paragraphs(text):
        font = BOLD if is_heading(paragraph) else FONT
        size = SIZE + 2 if font == BOLD else SIZE
        lines = []
        for part in paragraph.split("\n"):
            lines.extend(_wrap(part, font, width - 2 * MARGIN))
        for line in lines:
            if state["y"] < MARGIN:
                new_page()
            pdf.setFont(font, size)
            pdf.drawString(MARGIN, state["y"], line)
            state["y"] -= LEADING
        state["y"] -= LEADING * 0.8
    if encrypt_with:
        pdf.setEncrypt(encrypt_with)
    pdf.save()
    return buffer.getvalue()


def docx_bytes(text):
    """``text``'s paragraphs as a Word document: short unpunctuated lines as headings."""
    import docx

    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = HEADER
    for paragraph in paragraphs(text):
        if is_heading(paragraph) and not paragraph[0].isdigit():
            document.add_heading(paragraph, level=2)
        else:
            document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
