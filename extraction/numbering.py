"""Recommendation numbers as UK reports write them, and the checks on a document's numbering.

Styles, most explicit first: "Recommendation 1:", "R1", a number alone on a line ("1" or "1."),
"1.2" (chapter and number), "1." and "1)" before the text. ``detect`` picks the first style that
numbers a plausible run of paragraphs; numbers that restart at 1 in each chapter are made unique
with the chapter ("3.1"); ``check`` lists gaps and duplicates.
"""

import itertools
import re
from collections import Counter
from dataclasses import dataclass

NUMBER = r"(\d{1,3}(?:\.\d{1,3})?)"
STYLES = {
    "recommendation": (
        "Recommendation 1:",
        re.compile(rf"^recommendation\s+{NUMBER}\s*(?:$|[:.)\-\u2013\u2014]\s*(.*))", re.I | re.S),
    ),
    "r": ("R1", re.compile(rf"^R{NUMBER}(?:$|[:.)\-\u2013\u2014]?\s+(.*))", re.S)),
    "alone": ("a number alone on a line", re.compile(r"^(\d{1,3})[.)]?$")),
    "dotted": ("1.2", re.compile(r"^(\d{1,2}\.\d{1,3})\.?(?:$|\s+(.*))", re.S)),
    "dot": ("1.", re.compile(r"^(\d{1,3})\.\s+(\S.*)", re.S)),
    "paren": ("1)", re.compile(r"^\(?(\d{1,3})\)\s+(\S.*)", re.S)),
}
CHOICES = [("auto", "Detect automatically")] + [
    (name, label) for name, (label, _pattern) in STYLES.items()
]
CHAPTER = re.compile(r"^(?:chapter|section|part)\s+(\d{1,2})\b|^(\d{1,2})[.:]?\s+[A-Z]", re.I)


class NumberingError(Exception):
    """No recommendation numbers were found in the document."""


@dataclass
class Marker:
    """Where a recommendation starts: its paragraph, its number as printed, and the text that
    follows the number in the same paragraph (empty when the number stands alone)."""

    index: int
    printed: str
    rest: str
    number: str = ""


def match(style, text):
    """(number, rest of the paragraph) if ``text`` starts with a number in ``style``."""
    found = STYLES[style][1].match(text.strip())
    if not found:
        return None
    rest = found.group(2) if found.lastindex and found.lastindex >= 2 else ""
    return found.group(1), (rest or "").strip()


def looks_like_marker(text):
    """Whether the paragraph starts like a recommendation number in any style."""
    return any(match(style, text) for style in STYLES)


def markers(paragraphs, style):
    """Every paragraph that starts with a number in ``style``."""
    found = []
    for index, paragraph in enumerate(paragraphs):
        matched = match(style, paragraph.text)
        if matched:
            found.append(Marker(index, matched[0], matched[1]))
    return found


def _plausible(found):
    """A style is in use if it numbers at least two paragraphs and, for most of its numbers,
    the one before it is there too (a run from 1, not a stray list or dates)."""
    numbers = {_key(marker.printed) for marker in found}
    if len(found) < 2 or not any(key[-1] == 1 for key in numbers):
        return False
    chained = sum(1 for key in numbers if key[-1] == 1 or (*key[:-1], key[-1] - 1) in numbers)
    return chained >= 0.6 * len(numbers)


def detect(paragraphs, style="auto"):
    """(style, markers) for the document: ``style`` if given, else the most explicit style that
    numbers a plausible run. NumberingError if there is none."""
    if style != "auto":
        found = markers(paragraphs, style)
        if not found:
            raise NumberingError(
                f"No recommendation is numbered as “{STYLES[style][0]}” in this document."
            )
        return style, found
    for name in STYLES:
        found = markers(paragraphs, name)
        if _plausible(found):
            return name, found
    raise NumberingError(
        "No numbered recommendations were found. The numbers must start a paragraph, as "
        "“Recommendation 1:”, “R1”, “1.”, “1)”, “1.2” or a number alone on a line."
    )


def _key(printed):
    return tuple(int(part) for part in printed.split("."))


def assign_numbers(found, headings):
    """Set each marker's unique number. Numbers that restart at 1 after a chapter heading get
    the chapter's number ("3.1"): the heading's own number where it has one, else its order.
    ``headings`` maps a paragraph index to its heading text. Returns whether they restarted."""
    counts = Counter(marker.printed for marker in found)
    restarts = [i for i, marker in enumerate(found) if marker.printed == "1"]
    chaptered = (
        any(count > 1 for count in counts.values())
        and len(restarts) > 1
        and "." not in "".join(counts)
        and _unique_within(found, restarts)
    )
    if not chaptered:
        for marker in found:
            marker.number = marker.printed
        return False
    for chapter_index, start in enumerate(restarts, start=1):
        end = restarts[chapter_index] if chapter_index < len(restarts) else len(found)
        chapter = _chapter_number(found[start].index, headings) or str(chapter_index)
        for marker in found[start:end]:
            marker.number = f"{chapter}.{marker.printed}"
    for marker in found[: restarts[0]]:
        marker.number = marker.printed
    return True


def _unique_within(found, restarts):
    bounds = [*restarts, len(found)]
    return all(len({m.printed for m in found[a:b]}) == b - a for a, b in itertools.pairwise(bounds))


def _chapter_number(index, headings):
    before = [i for i in headings if i < index]
    if not before:
        return None
    matched = CHAPTER.match(headings[max(before)])
    return next((group for group in matched.groups() if group), None) if matched else None


def check(found):
    """(gaps, duplicates): human-readable lines about numbers missing from each run (counting
    from 1) and numbers given more than once."""
    counts = Counter(marker.number for marker in found)
    duplicates = [
        f"Recommendation {number} appears {count} times."
        for number, count in counts.items()
        if count > 1
    ]
    runs = {}
    for number in counts:
        key = _key(number)
        runs.setdefault(key[:-1], set()).add(key[-1])
    gaps = []
    for prefix, numbers in sorted(runs.items()):
        missing = sorted(set(range(1, max(numbers) + 1)) - numbers)
        if missing:
            label = ".".join(map(str, prefix)) + "." if prefix else ""
            shown = ", ".join(label + str(n) for n in missing[:20])
            more = f" and {len(missing) - 20} more" if len(missing) > 20 else ""
            gaps.append(f"Numbering gap: no recommendation {shown}{more}.")
    return gaps, duplicates


def sort_key(number):
    """Document order of a recommendation number ("3.10" after "3.9")."""
    return _key(number) if re.fullmatch(r"\d+(?:\.\d+)*", number) else (10**6,)
