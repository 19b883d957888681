"""Description paragraphs: the funding measure's boilerplate found by recurrence, the rest by language."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from ..models import Description
from ..normalize.language import detect_language

WORDS = re.compile(r"\w+")
SENTENCE_SPLIT = re.compile(r"(?<=[a-zäöüß)\]“”\"][.!?])\s*(?=[A-ZÄÖÜ„“\"])")
MIN_SENTENCE = 40  # shorter sentences recur by chance ("All projects will start ...")
MIN_ENTRIES = 2  # a sentence in this many entries' descriptions is boilerplate
SIMILAR = 90  # and a sentence this similar to a boilerplate sentence is one too (reworded copies)


def sentence_key(sentence: str) -> str:
    """Comparison key: lower-case words only."""
    return " ".join(WORDS.findall(sentence.lower()))


def sentences(paragraph: str) -> tuple[str, ...]:
    """A paragraph's sentences (a missing space after the full stop is tolerated)."""
    return tuple(s.strip() for s in SENTENCE_SPLIT.split(paragraph) if s.strip())


@dataclass(frozen=True)
class Sentence:
    """One sentence of a description and its comparison key."""

    text: str
    key: str


@dataclass(frozen=True)
class Paragraph:
    """A description paragraph, split into sentences once: for finding the boilerplate and for removing it."""

    text: str
    sentences: tuple[Sentence, ...]

    @classmethod
    def of(cls, text: str) -> Paragraph:
        return cls(text, tuple(Sentence(s, sentence_key(s)) for s in sentences(text)))

    @property
    def is_list(self) -> bool:
        """List items grouped into one paragraph (kept whole: boilerplate is never removed from them)."""
        return "\n" in self.text


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


def strip_boilerplate(paragraph: Paragraph, boilerplate: set[str]) -> tuple[str, list[str]]:
    """(paragraph without boilerplate sentences, the removed sentences)."""
    if paragraph.is_list:
        return paragraph.text, []
    keep: list[str] = []
    removed: list[str] = []
    for sentence in paragraph.sentences:
        (removed if sentence.key in boilerplate else keep).append(sentence.text)
    return " ".join(keep), removed


def group_paragraphs(lines: list[str]) -> list[str]:
    """Description lines to paragraphs: consecutive list items form one paragraph."""
    out: list[str] = []
    for line in lines:
        if line.startswith("- ") and out and out[-1].startswith("- "):
            out[-1] += "\n" + line
        else:
            out.append(line)
    return out


def describe(paragraphs: list[Paragraph], boilerplate: set[str]) -> tuple[Description, int]:
    """Description by language, boilerplate removed; also the number of boilerplate sentences removed."""
    by_lang: dict[str, list[str]] = {"en": [], "de": []}
    removed = 0
    for paragraph in paragraphs:
        text, dropped = strip_boilerplate(paragraph, boilerplate)
        removed += len(dropped)
        if not text:
            continue
        lang = detect_language(text) or "en"
        by_lang[lang].append(text)
    return Description(en="\n\n".join(by_lang["en"]) or None, de="\n\n".join(by_lang["de"]) or None), removed
