"""From a reader's blocks to the document's paragraphs: lines joined back (hyphenation undone),
paragraphs split by page breaks rejoined, and headings recognised.

Every rule here reads only the document itself: a hyphen at a line end is kept if the document
writes the word with it elsewhere, a capitalised word is a proper noun if the document
capitalises it mid-sentence, and a Title Case heading is put in sentence case keeping the names
the document uses.
"""

import itertools
import re
from collections import Counter
from dataclasses import dataclass

BULLET = re.compile("^(?:[-\u2022*\u2013\u00b7\u25aa\u25e6]|\\(?[a-z]\\))\\s+")
CLOSING = "\"')]\u201d\u2019"
OPENING = "([\"'\u2018\u201c"
TERMINAL = re.compile("[.!?:;\u2026][" + re.escape(CLOSING) + "]*$")
WORD = re.compile("[A-Za-z][A-Za-z'\u2019]*(?:-[A-Za-z][A-Za-z'\u2019]*)*")
# Words a sentence cannot end on: a paragraph ending on one goes on in the next.
FUNCTION_WORDS = {
    "a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for", "from",
    "with", "as", "that", "which", "who", "whose", "their", "its", "our", "this", "these",
    "be", "is", "are", "was", "were", "has", "have", "had", "should", "must", "will", "would",
    "can", "could", "may", "not", "into", "onto", "between", "under", "over", "within",
}  # fmt: skip
# Prefixes written with a hyphen, kept when a line breaks after them.
HYPHEN_PREFIXES = {
    "anti", "co", "counter", "cross", "multi", "non", "pan", "post", "pre", "re", "self",
    "sub", "well", "long", "short", "high", "low", "inter", "intra", "ex", "semi", "part",
}  # fmt: skip
# After a colon or a dash a heading starts a new phrase, with its own capital.
BREAKS = (":", "-", "\u2013", "\u2014")
SMALL_WORDS = {"a", "an", "the", "and", "or", "of", "at", "to", "for", "in", "on", "by", "with"}


@dataclass
class Paragraph:
    """One paragraph: its text (bullet items on their own lines), the page it starts on, and
    whether the format marks it as a heading."""

    text: str
    page: int | None = None
    hint: bool = False


class Vocabulary:
    """How the document writes its words, for the joining and casing rules."""

    def __init__(self, blocks):
        self.words = Counter()
        self.mid_capitals = Counter()
        joined = (" ".join(block.lines).replace("**", "") for block in blocks)
        self.body = "\n".join(" ".join(text.split()) for text in joined if len(text) > 120)
        for block in blocks:
            broken = False
            for line in block.lines:
                tokens = WORD.findall(line.replace("**", ""))
                # The pieces of a word broken at a line end are not words of the document.
                if broken and tokens:
                    tokens = tokens[1:]
                broken = bool(re.search(r"[A-Za-z]-$", line.rstrip()))
                if broken and tokens:
                    tokens = tokens[:-1]
                self.words.update(token.lower() for token in tokens)
                self.words.update(f"={token}" for token in tokens)
                for before, token in itertools.pairwise(tokens):
                    if before[0].islower() and token[0].isupper():
                        self.mid_capitals[token] += 1

    def phrase_count(self, phrase):
        """How often the running text (not headings) holds ``phrase``."""
        return self.body.count(phrase)

    def count(self, word):
        """How often the document writes ``word``, in any case."""
        return self.words[word.lower()]

    def is_proper(self, word):
        """Whether the document treats ``word`` as a name: an acronym, or capitalised
        mid-sentence at least twice and more often than written in lower case."""
        word = word.strip(OPENING + CLOSING + ",.;:")
        if len(word) > 1 and word.isupper():
            return True
        if not word[:1].isupper():
            return False
        capitals = self.mid_capitals[word]
        return capitals >= 2 and capitals >= self.words[f"={word.lower()}"]


def join_lines(lines, vocabulary):
    """A block's lines as one paragraph: wrapped lines joined with spaces (a line-end hyphen
    kept or dropped as the document spells the word), bullet items each on their own line."""
    text = ""
    for raw in lines:
        line = " ".join(raw.replace("**", "").split())
        if not line:
            continue
        if not text:
            text = line
        elif BULLET.match(line):
            text += "\n" + line
        elif text.endswith("-") and not text.endswith(" -") and line[:1].isalpha():
            text = _dehyphenate(text, line, vocabulary)
        else:
            text += " " + line
    return text


def join_text(before, after, vocabulary):
    """Two pieces of one paragraph as one: a space between, or the line-end hyphen undone."""
    if before.endswith("-") and not before.endswith(" -") and after[:1].isalpha():
        return _dehyphenate(before, after, vocabulary)
    return f"{before} {after}"


def _dehyphenate(text, line, vocabulary):
    head = re.search(r"([A-Za-z]+)-$", text)
    tail = re.match(r"[A-Za-z]+", line)
    if not head or not tail:
        return text + line
    first, second = head.group(1), tail.group(0)
    joined, hyphenated = first + second, f"{first}-{second}"
    hyphened, solid = vocabulary.count(hyphenated), vocabulary.count(joined)
    if hyphened != solid:
        keep = hyphened > solid
    else:
        # Neither spelling elsewhere: a compound of two words the document uses keeps its
        # hyphen, as does a prefix written with one; a word broken in two does not.
        both_words = vocabulary.count(first) > 0 and vocabulary.count(second) > 0
        keep = both_words or first.lower() in HYPHEN_PREFIXES or second[0].isupper()
    return text + line if keep else text[:-1] + line


def ends_sentence(text):
    """Whether the text ends with sentence-ending punctuation (a colon or semicolon too)."""
    return bool(TERMINAL.search(text.rstrip("*").rstrip()))


def last_word(text):
    """The text's last word, without closing quotes or brackets."""
    words = text.split()
    return words[-1].strip(CLOSING) if words else ""


def is_heading_like(paragraph):
    """A short single line that does not end a sentence and starts with a capital: a heading
    unless context says otherwise. A format's heading mark counts for lines up to 200
    characters."""
    text = paragraph.text
    if "\n" in text or not text[:1].isalnum() or text[:1].islower() or BULLET.match(text):
        return False
    if ends_sentence(text) or text.endswith(",") or text.isdigit():
        return False
    if last_word(text).lower() in FUNCTION_WORDS:
        return False
    limit = 200 if paragraph.hint else 120
    return len(text) <= limit and len(text.split()) <= (30 if paragraph.hint else 16)


def continues(previous, following, vocabulary, *, names_only=False):
    """Whether ``following`` carries on ``previous`` across a page break: ``previous`` stops
    mid-sentence and ``following`` starts in lower case, or ``previous`` ends on a word no
    sentence ends on, or the break falls inside a name. With ``names_only`` (a recommendation's
    own text, whose last sentence may lack its full stop) only lower case and a broken name
    count."""
    before, after = previous.text.rstrip(), following.text.lstrip()
    if not before or not after or ends_sentence(before) or BULLET.match(after):
        return False
    if after[0].islower():
        return True
    if is_heading_like(previous) or previous.hint or following.hint:
        return False
    first = after.split()[0]
    end = last_word(before)
    if end.lower() in FUNCTION_WORDS:
        return True
    if not vocabulary.is_proper(first):
        return False
    return not names_only or end[:1].isupper()


def sentence_case(heading, vocabulary, names=()):
    """A Title Case heading in sentence case, keeping acronyms, the document's names (runs of
    capitalised words it also writes in its text, and ``names``) and words it capitalises
    mid-sentence. Headings not in Title Case are returned unchanged."""
    words = heading.split()
    significant = [w for w in words[1:] if w[:1].isalpha() and w.lower() not in SMALL_WORDS]
    if not significant or sum(w[0].isupper() for w in significant) < 0.8 * len(significant):
        return heading
    kept = _names_in(words, vocabulary, names)
    result = [words[0]]
    for index, word in enumerate(words[1:], start=1):
        bare = word.strip(OPENING + CLOSING + ",.:;")
        after_break = words[index - 1].endswith(BREAKS) or words[index - 1] in BREAKS
        if index in kept or after_break or not bare[:1].isupper() or bare.isupper():
            result.append(word)
            continue
        capitals = vocabulary.mid_capitals[bare]
        lower = vocabulary.words[f"={bare.lower()}"]
        result.append(word if capitals > lower else word[0].lower() + word[1:])
    return " ".join(result)


def _names_in(words, vocabulary, names):
    """Indexes of words in runs of capitalised words (joined by and/of/for/the) that the
    document writes elsewhere, or that are one of ``names``."""
    kept, run = set(), []

    def close():
        for i, first in enumerate(run):
            for last in reversed(run[i + 1 :]):
                if not (words[first][:1].isupper() and words[last][:1].isupper()):
                    continue
                span = range(first, last + 1)
                phrase = " ".join(words[k].strip(",.:;") for k in span)
                if vocabulary.phrase_count(phrase) > 0 or phrase in names:
                    kept.update(span)
                    break
        run.clear()

    for index, word in enumerate(words):
        if word[:1].isupper() or (run and word.lower() in {"and", "of", "for", "the"}):
            run.append(index)
        else:
            close()
        if word.endswith((",", ":", ";")):
            close()
    close()
    return kept
