"""Visible text labels ("Target countries concept phase:", "Tel.:", "Kontakt:") in both languages.

A line starts with a label when it starts with one of the variants in ``labels.yml`` (``match_label``); a section
label (concept, implementation, contact) needs its colon, unless it is the whole line ('Contact data'). A section
label (concept, implementation, contact) that no variant matches but that is a near spelling of one (a typo, a
missing colon, another character for the colon, one word changed) is read as that label too, and the reading says
how (``near_label``): an entry anchored on a mistyped label would otherwise run into the entry above it.

How near is near enough: rapidfuzz's ``fuzz.ratio`` (0-100, from the Indel distance) of the label as written to
each variant, case-folded. A label followed by a colon must score ``NEAR_SCORE`` (80), one without a colon
``NEAR_SCORE_NO_COLON`` (90: only its spelling says it is a label), and beat every variant of another kind by
``NEAR_MARGIN`` (15), so that a label whose changed word was the one naming the phase is not read as either.
Measured (the best variant's score / the best of another kind's):

| written | read as | score | other kind |
|---|---|---|---|
| Target countires concept phase: / Traget countries ... | concept | 96.7 | 71.6 |
| Target countries implementaton phase: | implementation | 98.6 | 78.3 |
| Zielländer Konzeptionphase: / Zielländer Umsetzungphase: | concept / implementation | 98.1 / 98.0 | 73.1 / 75.0 |
| Partner countries concept phase: | concept | 88.5 | 64.7 |
| Target markets implementation phase: | implementation | 86.1 | 64.7 |
| Zielmärkte Konzeptionsphase: | concept | 85.2 | 60.4 |
| Target markets concept phase: / Target regions ... | concept | 82.8 | 58.5 |
| Contakt data: / Kontakt daten: / Contacts: | contact | 91.7 / 96.0 / 93.3 | < 42 |
| Target countries pilot phase: | none: which phase? | 86.2 | 80.0 |
| Target countries concept and implementation phase: | none: both | 86.0 | 81.3 |
| Zielländer Planungsphase: | none: which phase? | 82.1 | 74.5 |
| Target countries phase: | none: which phase? | 84.6 | 74.6 |
| Target countries of the concept: | none | 78.7 | |
| Implementation phase: / Target countries: / Contact hours: | none | 70.2 / 69.6 / 74.1 | |
| Partner countries: / Target regions: / Target group: | none | 55.3 / 55.3 / 50.0 | |
| any other line of the real pages (before a colon, or first words) | none | at most 66.7 ('For more information') | |
| Target markets concept phase Canada (no colon) | none | 82.8 < 90 | |

Only lines that no variant matches are scored, and of those only the part before a colon-like character (at most
60 characters) or, without one, the first words of a line whose first two words include a word of a target label:
a few microseconds for the few lines of an entry that get that far.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rapidfuzz import fuzz, process

from ..lookups import fold, lookups
from ..normalize.countries import parse_targets

# Section labels need their colon; phone-like labels are often written without one.
SECTION_KINDS = ("concept", "implementation", "contact")
NUMBER_KINDS = ("phone", "fax", "mobile", "phone_and_fax")
# The colon, and what is written for it: full-width (U+FF1A), small (U+FE55), vertical presentation form (U+FE13),
# ratio (U+2236), modifier letter colon (U+A789).
COLONS = ":\uff1a\ufe55\ufe13\u2236\ua789"
COLON = f"[{COLONS}]"


@dataclass(frozen=True)
class Labelled:
    """A line that starts with a known label (``reading``: how a near spelling of one was read, else None;
    ``unmarked``: read so without any colon, so only its words say it is a label; ``phase_only``: a target label
    that names only the phase, a label only where countries follow, so its value names some or is empty)."""

    kind: str
    label: str
    value: str
    reading: str | None = None
    unmarked: bool = False
    phase_only: bool = False  # a target label that names only the phase ('Concept phase'): one before countries


FILE = "parse/labels.yml"


@cache
def label_variants() -> dict[str, tuple[str, ...]]:
    """Label variants per kind from ``labels.yml`` (one lookup per kind), longest first."""
    return {kind: tuple(sorted(found.matches(), key=len, reverse=True)) for kind, found in lookups(FILE).items()}


PHASE_ONLY = "phase only"  # the value in labels.yml of target label variants that name only the phase


@cache
def phase_only() -> frozenset[str]:
    """The folded target label variants that name only the phase ('concept phase', 'umsetzungsphase')."""
    return frozenset(fold(m) for kind in ("concept", "implementation")
                     for m, value in lookups(FILE)[kind].pairs().items() if value == PHASE_ONLY)


def text_names_targets(text: str) -> bool:
    """Whether a text names at least one target country or region."""
    read = parse_targets(text, "target_countries")
    return bool(read.countries or read.regions)


def escaped(variant: str) -> str:
    """A variant as a regex; a one-letter label ('T', 'E') only with its colon, as a letter alone is a word."""
    return re.escape(variant) + (rf"(?=\s*\.?\s*{COLON})" if len(variant) == 1 else "")


def alternation(kinds: tuple[str, ...]) -> str:
    """Regex alternation of the label variants of some kinds."""
    variants = sorted((v for k in kinds for v in label_variants()[k]), key=len, reverse=True)
    return "|".join(escaped(v) for v in variants)


@cache
def patterns() -> dict[str, re.Pattern[str]]:
    """Compiled label patterns per kind."""
    out = {}
    for kind in label_variants():
        alt = alternation((kind,))
        if kind in SECTION_KINDS:  # the colon itself (other characters for it are read as a near spelling), or
            # nothing after the label: a line that is only the label ('Contact data') is that label
            out[kind] = re.compile(rf"^({alt})(?:\s*:\s*(.*)|\s*\.?\s*)$", re.I)
        elif kind in NUMBER_KINDS:  # 'Tel.: 1', 'Tel 1', 'Tel .: 1', 'Tel.： ＋４９' (full-width: the phone reader's)
            out[kind] = re.compile(rf"^({alt})\b\s*\.?\s*{COLON}?\s*(?=[+\uff0b(\uff08\d]|$)(.*)$", re.I)
        else:  # e-mail: a colon, or an address right after the label (plain, obfuscated or Cloudflare-protected)
            out[kind] = re.compile(rf"^({alt})\b\s*(?:{COLON}\s*(.*)|\s+(\S+@\S*|cfemail:\S+|"
                                   rf"\S+\s*[(\[{{]\s*(?:at|@)\s*[)\]}}].*))$", re.I)
    return out


@cache
def any_label() -> re.Pattern[str]:
    """Whether a line starts with any known label at all (one regex, before the per-kind ones)."""
    return re.compile(rf"^(?:{alternation(tuple(label_variants()))})", re.I)


def match_label(line: str) -> Labelled | None:
    """The label a line starts with, and the value after it; None if it has none. A near spelling of a section
    label is read as it, with ``reading`` saying how (``near_label``)."""
    if any_label().match(line):
        for kind, pattern in patterns().items():
            found = pattern.match(line)
            if found:
                value = next((g for g in found.groups()[1:] if g is not None), "").strip()
                bare = fold(found.group(1)) in phase_only()
                if bare and value and not text_names_targets(value):  # 'Implementation phase: 2018-2020'
                    return None
                lookups(FILE)[kind].mark(found.group(1))
                return Labelled(kind=kind, label=found.group(1), value=value, phase_only=bare,
                                unmarked=kind in SECTION_KINDS and found.group(2) is None)  # the whole line
    return near_label(line)


NEAR_SCORE = 80.0
NEAR_SCORE_NO_COLON = 90.0
NEAR_MARGIN = 15.0
TARGET_KINDS = ("concept", "implementation")  # read without a colon too; 'Contact' alone is a word of prose
NEAR_PART = re.compile(rf"^([^{COLONS}]{{2,60}}?)\s*({COLON})\s*(.*)$")
ANY_COLON = re.compile(COLON)
MAX_LABEL_WORDS = 6


@cache
def near_choices() -> dict[str, tuple[str, str]]:
    """Folded section label variant -> (kind, the variant as written in ``labels.yml``); not the variants that
    name only the phase, whose near spellings ('Pilot phase', 'Conceptual phase') name other things too."""
    return {fold(v): (kind, v) for kind in SECTION_KINDS for v in label_variants()[kind] if fold(v) not in phase_only()}


@cache
def target_words() -> frozenset[str]:
    """The words of the target labels of five letters or more ('target', 'zielländer'): a line without a colon is
    scored only if one of its first two words is one of them."""
    return frozenset(w for c, (kind, _) in near_choices().items() if kind in TARGET_KINDS for w in c.split()
                     if len(w) > 4)


@cache
def target_start() -> re.Pattern[str]:
    """A line whose first or second word is a target label's word (``target_words``)."""
    words = "|".join(re.escape(w) for w in sorted(target_words(), key=len, reverse=True))
    return re.compile(rf"(?:\S+\s+)?(?:{words})(?!\S)", re.I)


@cache
def target_lengths() -> tuple[int, ...]:
    """The numbers of words the target labels have."""
    return tuple(sorted({len(v.split()) for kind, v in near_choices().values() if kind in TARGET_KINDS}))


@cache
def choices_of(kinds: tuple[str, ...], words: int | None) -> list[str]:
    """The folded variants of some section kinds (``words``: of that many words only)."""
    return [c for c, (kind, v) in near_choices().items() if kind in kinds and words in (None, len(v.split()))]


def nearest(part: str, kinds: tuple[str, ...], words: int | None = None) -> tuple[float, str, str] | None:
    """(score, kind, variant) of the section label ``part`` is a near spelling of (``words``: of that many words
    only), if it scores enough and beats every other kind's variants by ``NEAR_MARGIN``; else None."""
    scored = process.extract(fold(part), choices_of(kinds, words), scorer=fuzz.ratio, limit=None,
                             score_cutoff=NEAR_SCORE - NEAR_MARGIN)
    if not scored:
        return None
    best, score, _ = scored[0]
    kind, variant = near_choices()[best]
    other = max((s for c, s, _ in scored if near_choices()[c][0] != kind), default=0.0)
    return (score, kind, variant) if score - other >= NEAR_MARGIN else None


def near_label(line: str) -> Labelled | None:
    """A line that starts with a near spelling of a section label (module docstring: how near, and why), read as
    that label, with how; None otherwise."""
    with_colon, by_words = ANY_COLON.search(line, 0, 62), target_start().match(line)
    if not (with_colon or by_words):  # most lines: two quick regexes
        return None
    readings: list[tuple[float, str, str, str, str | None, str]] = []  # (score, kind, variant, written, colon, value)
    if with_colon and (found := NEAR_PART.match(line)):
        part, colon, value = found.groups()
        if (near := nearest(part, SECTION_KINDS)) and near[0] >= NEAR_SCORE:
            readings.append((*near, part, colon, value))
    if by_words:
        words = line.split(maxsplit=MAX_LABEL_WORDS)
        for n in target_lengths():
            if len(words) >= n and not words[n - 1].endswith(tuple(COLONS)):
                near = nearest(" ".join(words[:n]), TARGET_KINDS, n)
                if near and near[0] >= NEAR_SCORE_NO_COLON:
                    readings.append((*near, " ".join(words[:n]), None, " ".join(words[n:])))
    if not readings:
        return None
    score, kind, variant, written, colon, value = max(readings, key=lambda r: r[0])
    how = [] if fold(written) == fold(variant) else ["spelt or worded differently"]
    how += ["with no colon after it"] if colon is None else [f"{colon!r} for its colon"] if colon != ":" else []
    return Labelled(kind=kind, label=written, value=value.strip(), unmarked=colon is None, reading=(
        f"the label {written + (colon or '')!r} read as the label {variant!r} ({', '.join(how)}; "
        f"{score:.0f}% alike by rapidfuzz's ratio)"))


@cache
def glued_contact_label() -> re.Pattern[str]:
    """A contact-section label glued to the end of other text ('...ServicesContact Data:'), written with its capital
    as a label starts a line ('Web address:' is one line)."""
    return re.compile(rf"^(.*\S)\s*((?=[A-ZÄÖÜ])(?i:{alternation(('contact',))}))\s*:\s*$")


@cache
def glued_bare_contact_label() -> re.Pattern[str]:
    """A contact-section label without its colon glued to the end of other text, with no space between a small
    letter and the label's capital ('...ServicesContact Data'): only the seam says it is a label."""
    return re.compile(rf"(?<=[a-zäöüß])((?=[A-ZÄÖÜ])(?i:{alternation(('contact',))}))\s*$")


@cache
def inline_number_label() -> re.Pattern[str]:
    """A phone, fax, mobile or e-mail label inside a line ('Tel.: 1 Fax: 2 E-Mail:')."""
    alt = alternation((*NUMBER_KINDS, "email"))
    return re.compile(rf"\s(?=(?:{alt})\b\.?\s*{COLON})", re.I)


UNKNOWN: Labelled | None | bool = True  # split_line's default: the line's label is not looked up yet


def split_line(line: str, label: Labelled | None | bool = UNKNOWN) -> list[str]:
    """Split a line holding a glued contact label or several number labels into one line each (``label``:
    the line's label, where the caller has looked it up already)."""
    found = match_label(line) if label is True else label or None
    if not found:
        if line.rstrip().endswith(":"):
            if glued := glued_contact_label().match(line):
                return [glued.group(1), f"{glued.group(2)}:"]
        elif bare := glued_bare_contact_label().search(line):
            return [line[:bare.start()], bare.group(1)]
    if found:
        parts = inline_number_label().split(line)
        if len(parts) > 1:
            return [p.strip().rstrip(",;").rstrip() for p in parts if p.strip().rstrip(",;")]  # 'Tel.: 1, Fax: 2'
    return [line]
