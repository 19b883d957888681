"""Description paragraphs: the funding measure's boilerplate found by recurrence, the rest by language."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from sentencex import get_sentence_boundaries

from ..models import Description
from ..normalize.language import detect_language

WORDS = re.compile(r"\w+")
# What may stand between a sentence's last word and its full stop's end: closing quotes and brackets
# ("“iCool”.", "(SINN).", "Cluster“." with the German closing quote, "“Yes.”").
CLOSING = frozenset(")]}”“\"’'»«›‹")
# sentencex 1.0.32 panics (a Rust panic, which no ``except Exception`` catches) on a capital letter, a
# non-ASCII space and a full stop ("B\xa0."). It is given each such space as an ASCII one: one character for
# one, so the offsets it returns are the text's own. (A regex, not str.translate: four times faster.)
NON_ASCII_SPACE = re.compile("[\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
# Abbreviations whose full stop ends no sentence ("OptoNet e.V. Hamburg", "Prof. Dr. Meyer").
ABBREVIATIONS = frozenset(["dr", "prof", "dipl", "ing", "mr", "mrs", "ms", "st", "nr", "no", "vs", "ca", "etc",
                           "bzw", "vgl", "inc", "co", "ltd", "corp", "jr", "sr", "dept", "univ", "e.g", "i.e"])
MIN_SENTENCE = 40  # shorter sentences recur by chance ("All projects will start ...")
MIN_ENTRIES = 2  # a sentence in this many entries' descriptions is boilerplate
SIMILAR = 90  # and a sentence this similar to a boilerplate sentence is one too (reworded copies)


def sentence_key(sentence: str) -> str:
    """Comparison key: lower-case words only."""
    return " ".join(WORDS.findall(sentence.lower()))


def ends_sentence(text: str, stop: int) -> bool:
    """Whether the punctuation at ``stop`` ends a sentence: not after an abbreviation, a single letter or a
    one- or two-digit number ("e.V.", "U.S.", "Dr.", "3. Runde"); after a closing bracket or quote it does
    ("(SINN).")."""
    if text[stop] != ".":
        return True
    start = stop
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "_.-"):  # the word before, back to a space
        start -= 1
    if start == stop:  # no word right before the full stop: it follows a bracket or quote
        return True
    word = text[start:stop].lower().rsplit("-", 1)[-1]
    if word.lstrip(".") in ABBREVIATIONS:
        return False
    last = word.rsplit(".", 1)[-1]
    return len(last) > 2 if last.isdigit() else len(last) > 1  # "16.04.", "3. Runde" are no ends; "2018." is


def skip_space(text: str, at: int) -> int:
    """The first position from ``at`` that is not white space (without copying the rest of the text)."""
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def sentencex_text(paragraph: str) -> str:
    """The paragraph as sentencex is given it: non-ASCII spaces as ASCII ones, and a string of its own. Reading
    a non-ASCII str from Rust makes CPython keep a UTF-8 copy inside it; kept in the paragraph, held for the
    whole run, those copies were 9 MB more peak memory at 10,000 entries."""
    spaced = NON_ASCII_SPACE.sub(" ", paragraph)
    return "".join((spaced, "")) if spaced is paragraph and not paragraph.isascii() else spaced


def stands(text: str, end: int, following: int) -> bool:
    """Whether a sentence end that sentencex finds right before ``end`` stands: not at the full stop of an
    abbreviation, an initial or a short number that sentencex takes for an end ("Dipl.-Ing.", "3. Juni" in
    English text), and not before a lower-case word (``following``: where the next text starts). An end at a
    line break always stands: the lines of a paragraph are list items."""
    if "\n" in text[end:following]:
        return True
    if following < len(text) and text[following].islower():
        return False
    stop = end - 1
    while stop > 0 and text[stop] in CLOSING:
        stop -= 1
    return ends_sentence(text, stop)


def sentence_spans(paragraph: str, lang: str = "en") -> list[tuple[int, int]]:
    """(start, end) of each sentence in the paragraph, without the space between them; the text between two
    spans is only that space (or nothing), so the spans tile the paragraph's text verbatim.

    The ends are sentencex's for the paragraph's language ``lang`` ('en', 'de'; it knows each language's
    abbreviations, sees an end after a closing quote or bracket and one with the space missing,
    "concept.For"; each list item is a sentence), less those ``stands`` rejects.
    """
    spans: list[tuple[int, int]] = []
    start = skip_space(paragraph, 0)
    for found in get_sentence_boundaries(lang, sentencex_text(paragraph)):
        end = found["end_index"]
        while end > start and paragraph[end - 1].isspace():
            end -= 1
        following = skip_space(paragraph, end)
        if end > start and stands(paragraph, end, following):
            spans.append((start, end))
            start = following
    end = len(paragraph.rstrip())
    if start < end:
        spans.append((start, end))
    return spans


def paragraph_language(paragraph: str) -> str:
    """The paragraph's language for splitting it and for its description: 'en' or 'de' (English if unknown)."""
    return detect_language(paragraph) or "en"


def sentences(paragraph: str, lang: str | None = None) -> tuple[str, ...]:
    """A paragraph's sentences, in its language ``lang`` (detected if not given)."""
    return tuple(paragraph[a:b] for a, b in sentence_spans(paragraph, lang or paragraph_language(paragraph)))


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a description: where it stands in its paragraph, and its comparison key."""

    start: int
    end: int
    key: str


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A description paragraph, split into sentences once: for finding the boilerplate and for removing it."""

    text: str
    lang: str  # 'en' or 'de'
    sentences: tuple[Sentence, ...]

    @classmethod
    def of(cls, text: str) -> Paragraph:
        lang = paragraph_language(text)
        return cls(text, lang, tuple(Sentence(a, b, sentence_key(text[a:b])) for a, b in sentence_spans(text, lang)))

    @property
    def is_list(self) -> bool:
        """List items grouped into one paragraph (kept whole: boilerplate is never removed from them)."""
        return "\n" in self.text

    def runs(self, boilerplate: set[str]) -> list[tuple[bool, str]]:
        """The paragraph cut into runs of consecutive sentences that are (True) or are not (False)
        boilerplate, each run the paragraph's own text from its first sentence to its last."""
        out: list[tuple[bool, str]] = []
        first = 0
        for n, sentence in enumerate(self.sentences):
            removed = sentence.key in boilerplate
            last = n + 1 == len(self.sentences)
            if last or (self.sentences[n + 1].key in boilerplate) != removed:
                out.append((removed, self.text[self.sentences[first].start:sentence.end]))
                first = n + 1
        return out


def kept_sentences(paragraphs: list[Paragraph], boilerplate: set[str]) -> list[str]:
    """The sentences of the description that stay (all of a list paragraph), from the one split."""
    return [p.text[s.start:s.end] for p in paragraphs for s in p.sentences if p.is_list or s.key not in boilerplate]


def paragraphs_of(lines: list[str]) -> list[Paragraph]:
    """An entry's description lines as paragraphs (list items grouped), each split into sentences."""
    return [Paragraph.of(text) for text in group_paragraphs(lines)]


def find_boilerplate(entries: list[list[Paragraph]]) -> set[str]:
    """Keys of sentences that recur across entries' descriptions (by exact key, then by similarity)."""
    seen: dict[str, set[int]] = defaultdict(set)
    for n, paragraphs in enumerate(entries):
        for paragraph in paragraphs:
            for sentence in paragraph.sentences:
                if len(sentence.key) >= MIN_SENTENCE:
                    seen[sentence.key].add(n)
    common = {key for key, where in seen.items() if len(where) >= MIN_ENTRIES}
    return common | reworded_copies([key for key in seen if key not in common], common)


def trigrams(key: str) -> set[tuple[str, ...]]:
    """A key's word trigrams."""
    words = key.split()
    if len(words) < 3:
        return {tuple(words)}
    return set(zip(words, words[1:], words[2:], strict=False))


def reworded_copies(keys: list[str], common: set[str], candidates: int = 5) -> set[str]:
    """Keys nearly equal to a recurring sentence ("innovative capability" for "innovation competence").

    Each key is compared only with the few recurring sentences that share most word trigrams with it (two
    sentences 90% alike share most of them), never with all: so the cost stays linear in the number of
    sentences however many recur (a page of thousands of entries that repeat each other's sentences).
    """
    index: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for key in sorted(common):
        for gram in trigrams(key):
            index[gram].append(key)
    near = set()
    indexed = index.keys()
    for key in keys:
        present = trigrams(key) & indexed  # most sentences share no trigram with any recurring one
        if not present:
            continue
        shared: Counter[str] = Counter()
        for gram in present:
            shared.update(index[gram][:candidates * 4])
        choices = [k for k, _ in shared.most_common(candidates)]
        if process.extractOne(key, choices, scorer=fuzz.ratio, score_cutoff=SIMILAR) is not None:
            near.add(key)
    return near


def strip_boilerplate(paragraph: Paragraph, boilerplate: set[str]) -> tuple[list[str], list[str]]:
    """(what stays of the paragraph, the removed runs of boilerplate sentences), all verbatim: boilerplate is
    cut at sentence boundaries, and text on either side of a cut stays apart (two paragraphs), never
    re-joined into text the source does not have."""
    if paragraph.is_list or not paragraph.sentences:
        return ([paragraph.text] if paragraph.text.strip() else []), []
    runs = paragraph.runs(boilerplate)
    return [text for removed, text in runs if not removed], [text for removed, text in runs if removed]


def group_paragraphs(lines: list[str]) -> list[str]:
    """Description lines to paragraphs: consecutive list items form one paragraph."""
    out: list[str] = []
    for line in lines:
        if line.startswith("- ") and out and out[-1].startswith("- "):
            out[-1] += "\n" + line
        else:
            out.append(line)
    return out


def describe(paragraphs: list[Paragraph], boilerplate: set[str]) -> tuple[Description, list[str]]:
    """Description by language, boilerplate removed; also the removed runs of boilerplate, verbatim."""
    by_lang: dict[str, list[str]] = {"en": [], "de": []}
    removed: list[str] = []
    for paragraph in paragraphs:
        kept, dropped = strip_boilerplate(paragraph, boilerplate)
        removed += dropped
        for text in kept:
            by_lang[paragraph.lang if text == paragraph.text else paragraph_language(text)].append(text)
    return Description(en="\n\n".join(by_lang["en"]) or None, de="\n\n".join(by_lang["de"]) or None), removed
