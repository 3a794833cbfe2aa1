"""Find a document's numbered recommendations: their numbers, sections, texts and, in a progress
report, each one's update narrative and the status its closing sentence gives.

``parse(document)`` returns an ``Extraction``: the proposed recommendations in document order,
and a report of what could not be placed (paragraphs outside any recommendation, gaps and
duplicates in the numbering, pages the reader could not read). Nothing here touches the
database: the agencies to look for are passed in.
"""

import re
from dataclasses import dataclass, field

from . import numbering
from .paragraphs import (
    Paragraph,
    Vocabulary,
    continues,
    ends_sentence,
    is_heading_like,
    join_lines,
    join_text,
    sentence_case,
)

# The 2017 progress report's rule (fixtures/README.md): "resolved by other means" where the
# update says so, "resolved" where it says the recommendation is (considered) resolved, else in
# progress.
RESOLVED = re.compile(r"\bresolved\b", re.I)
NOT_RESOLVED = re.compile(r"\b(?:not\s+(?:yet\s+)?(?:been\s+)?|un)resolved\b", re.I)
OTHER_MEANS = re.compile(r"resolved by other means", re.I)
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# A document whose recommendations are followed by status sentences this often is a progress
# report: the paragraphs after each recommendation's text are its update.
PROGRESS_SHARE = 0.25
SUBJECT = re.compile(r"^(?:the\s+)?(.{2,80}?)\s+(?:should|must|will|shall|needs? to)\b", re.I)


@dataclass
class Proposal:
    """One recommendation as found: what would be imported, and the source it was read from."""

    number: str
    section: str
    text: str
    narrative: str = ""
    status: str = ""
    status_sentence: str = ""
    lead_owner: str = ""
    owners: list = field(default_factory=list)
    source: str = ""
    page: int | None = None
    position: int = 0


@dataclass
class Extraction:
    """What ``parse`` found, and what it could not place."""

    name: str
    style: str
    progress: bool
    proposals: list
    gaps: list = field(default_factory=list)
    duplicates: list = field(default_factory=list)
    unplaced: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    chaptered: bool = False

    @property
    def numbering_ok(self):
        """No gaps and no duplicates in the numbering."""
        return not self.gaps and not self.duplicates

    def report(self):
        """Every problem, one line each: unreadable pages, numbering, unplaced paragraphs."""
        return [*self.problems, *self.gaps, *self.duplicates, *self.unplaced]


@dataclass
class AgencyName:
    """An agency to look for in the text: its slug, and the names and abbreviation it goes by."""

    slug: str
    names: list
    abbreviation: str = ""

    @classmethod
    def from_agency(cls, agency):
        """The names an Agency goes by: each of its " / "-separated names, without asides in
        brackets, and its abbreviation."""
        names = [re.sub(r"\s*\(.*?\)", "", part).strip() for part in agency.name.split(" / ")]
        return cls(agency.slug, [name for name in names if name], agency.abbreviation or "")

    def pattern(self):
        """A regular expression matching any of its names (whole words) or abbreviation."""
        names = sorted(self.names, key=len, reverse=True)
        parts = [re.escape(name).replace(r"\ ", r"\s+") for name in names]
        options = rf"\b(?:{'|'.join(parts)})\b" if parts else r"(?!)"
        if self.abbreviation:
            options += rf"|\b{re.escape(self.abbreviation)}\b"
        return re.compile(options)


def parse(document, *, agencies=(), style="auto", kind="auto"):
    """The recommendations in ``document`` (a ``readers.Document``). ``style`` forces a
    numbering style (``numbering.STYLES``); ``kind`` is "review", "progress" or "auto"."""
    vocabulary = Vocabulary(document.blocks)
    paragraphs = [
        Paragraph(join_lines(lines, vocabulary), block.page, block.heading)
        for block in document.blocks
        for lines in _split_at_numbers(block.lines)
    ]
    paragraphs = [p for p in paragraphs if p.text]
    style, found = numbering.detect(paragraphs, style)
    paragraphs, found = _rejoin(paragraphs, found, vocabulary)
    headings = _headings(paragraphs, found)
    chaptered = numbering.assign_numbers(found, {i: paragraphs[i].text for i in headings})
    names = [name for agency in agencies for name in agency.names]
    entries = _entries(paragraphs, found, headings, vocabulary, names)
    progress = _is_progress(entries, kind)
    proposals = [_proposal(entry, progress) for entry in entries]
    matchers = [(agency, agency.pattern()) for agency in agencies]
    for proposal in proposals:
        proposal.lead_owner, proposal.owners = _owners(proposal.text, matchers)
    ordered = sorted(proposals, key=lambda p: numbering.sort_key(p.number))
    for position, proposal in enumerate(ordered, start=1):
        proposal.position = position
    gaps, duplicates = numbering.check(found)
    extraction = Extraction(
        document.name, style, progress, proposals, gaps, duplicates, chaptered=chaptered
    )
    extraction.problems = list(document.problems)
    extraction.unplaced = _unplaced(paragraphs, found, entries, progress, set(headings))
    return extraction


def _split_at_numbers(lines):
    """A block's lines, split where a line starts with a recommendation number (a list typed
    without blank lines between its items)."""
    groups = [[]]
    for line in lines:
        if groups[-1] and numbering.looks_like_marker(line):
            groups.append([])
        groups[-1].append(line)
    return groups


def _rejoin(paragraphs, found, vocabulary):
    """Join paragraphs split by a page break; a recommendation's own text (whose last sentence
    may lack a full stop) joins only on lower case or a broken name."""
    starts = {marker.index: marker for marker in found}
    texts = {m.index if m.rest else m.index + 1 for m in found}
    joined, origins, new_index = [], [], {}
    for index, paragraph in enumerate(paragraphs):
        origin = origins[-1] if origins else None
        bare = origin in starts and not starts[origin].rest
        if (
            joined
            and index not in starts
            and not bare
            and not numbering.looks_like_marker(paragraph.text)
            and continues(joined[-1], paragraph, vocabulary, names_only=origin in texts)
        ):
            previous = joined[-1]
            text = join_text(previous.text, paragraph.text, vocabulary)
            joined[-1] = Paragraph(text, previous.page, previous.hint)
            if origin in starts and starts[origin].rest:
                starts[origin].rest = join_text(starts[origin].rest, paragraph.text, vocabulary)
            continue
        new_index[index] = len(joined)
        origins.append(index)
        joined.append(paragraph)
    for marker in found:
        marker.index = new_index[marker.index]
    return joined, found


def _headings(paragraphs, found):
    """Indexes of the paragraphs that are section headings: heading-like, not a
    recommendation's text, and not a label repeated through the document ("Update")."""
    texts = {m.index + 1 for m in found if not m.rest} | {m.index for m in found}
    candidates = [i for i, p in enumerate(paragraphs) if i not in texts and _heading(p)]
    counts = {}
    for i in candidates:
        counts[paragraphs[i].text.lower()] = counts.get(paragraphs[i].text.lower(), 0) + 1
    return [i for i in candidates if counts[paragraphs[i].text.lower()] < 3]


def _heading(paragraph):
    return is_heading_like(paragraph) or (
        paragraph.hint and len(paragraph.text) <= 200 and not ends_sentence(paragraph.text)
    )


@dataclass
class _Entry:
    marker: numbering.Marker
    section: str
    text: Paragraph
    after: list
    end: int


def _entries(paragraphs, found, headings, vocabulary, names):
    """Each recommendation's text paragraph and the paragraphs after it, up to the next
    recommendation or heading; its section is the last heading before it."""
    heading_set = set(headings)
    entries = []
    for k, marker in enumerate(found):
        stop = found[k + 1].index if k + 1 < len(found) else len(paragraphs)
        before = [i for i in headings if i < marker.index]
        section = sentence_case(paragraphs[before[-1]].text, vocabulary, names) if before else ""
        start = marker.index
        if marker.rest:
            text = Paragraph(marker.rest, paragraphs[start].page)
            first_after = start + 1
        elif start + 1 < stop:
            text, first_after = paragraphs[start + 1], start + 2
        else:
            text, first_after = Paragraph("", paragraphs[start].page), start + 1
        end = next((i for i in range(first_after, stop) if i in heading_set), stop)
        entries.append(_Entry(marker, section, text, paragraphs[first_after:end], end))
    return entries


def _is_progress(entries, kind):
    if kind != "auto":
        return kind == "progress"
    with_status = sum(1 for entry in entries if _status(_paragraphs_text(entry.after))[0])
    return bool(entries) and with_status >= PROGRESS_SHARE * len(entries)


def _paragraphs_text(paragraphs):
    return "\n\n".join(paragraph.text for paragraph in paragraphs)


def _status(narrative):
    """(status, the sentence that gives it) by the 2017 report's rule; ("", "") if no sentence
    says the recommendation is resolved."""
    sentences = [s for part in narrative.split("\n") for s in SENTENCE_END.split(part)]
    claims = [s for s in sentences if RESOLVED.search(s) and not NOT_RESOLVED.search(s)]
    if not claims:
        return "", ""
    other = [s for s in claims if OTHER_MEANS.search(s)]
    if other:
        return "resolved_other_means", other[-1].strip()
    return "resolved", claims[-1].strip()


def _proposal(entry, progress):
    text = entry.text.text
    narrative = ""
    if progress:
        narrative = _paragraphs_text(entry.after)
    elif text.rstrip().endswith(":") or (entry.after and entry.after[0].text.startswith("- ")):
        text = "\n\n".join([text, *(p.text for p in entry.after)])
    status, sentence = _status(narrative) if progress else ("", "")
    if progress and not status:
        status = "in_progress"
    source = "\n\n".join(
        [
            entry.marker.printed if not entry.marker.rest else "",
            text if not progress else entry.text.text,
            narrative,
        ]
    ).strip()
    return Proposal(
        number=entry.marker.number,
        section=entry.section,
        text=text,
        narrative=narrative,
        status=status,
        status_sentence=sentence,
        source=source,
        page=entry.text.page,
    )


def _owners(text, matchers):
    """(lead slug, [other slugs]) for the agencies the text names, in the order named. The lead
    is the one the text addresses ("The MPS should ..."), if any."""
    named = []
    for agency, pattern in matchers:
        found = pattern.search(text)
        if found:
            named.append((found.start(), agency.slug, pattern))
    named.sort()
    slugs = [slug for _start, slug, _pattern in named]
    subject = SUBJECT.match(text)
    lead = ""
    if subject:
        for _start, slug, pattern in named:
            if pattern.fullmatch(subject.group(1).strip()):
                lead = slug
                break
    return lead, [slug for slug in slugs if slug != lead]


def _unplaced(paragraphs, found, entries, progress, headings):
    """Lines about paragraphs outside any recommendation: a count for those before the first
    (the introduction) and after the last, each one in between."""
    placed = set(headings)
    for entry in entries:
        placed.add(entry.marker.index)
        first = entry.marker.index + (0 if entry.marker.rest else 1)
        placed.update(range(first, first + 1))
        if progress or entry.text.text.rstrip().endswith(":"):
            placed.update(range(first + 1, first + 1 + len(entry.after)))
    first_marker = found[0].index if found else len(paragraphs)
    lines = []
    if first_marker:
        lines.append(
            f"{first_marker} paragraph(s) before the first recommendation (the introduction) "
            "were not read as recommendations."
        )
    last_end = entries[-1].end if entries else len(paragraphs)
    for index in range(first_marker, last_end):
        if index not in placed:
            paragraph = paragraphs[index]
            where = f" (page {paragraph.page})" if paragraph.page else ""
            lines.append(f"Not placed{where}: “{_clip(paragraph.text)}”")
    if last_end < len(paragraphs):
        lines.append(
            f"{len(paragraphs) - last_end} paragraph(s) after the last recommendation were not "
            "read as recommendations."
        )
    return lines


def _clip(text, length=90):
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"
