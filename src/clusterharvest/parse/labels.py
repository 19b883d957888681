"""Visible text labels ("Target countries concept phase:", "Tel.:", "Kontakt:") in both languages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..lookups import lookups

# Section labels need their colon; phone-like labels are often written without one.
SECTION_KINDS = ("concept", "implementation", "contact")
NUMBER_KINDS = ("phone", "fax", "mobile", "phone_and_fax")
# The colon, and what is written for it: full-width (U+FF1A), small (U+FE55), vertical presentation form (U+FE13),
# ratio (U+2236), modifier letter colon (U+A789).
COLONS = ":\uff1a\ufe55\ufe13\u2236\ua789"
COLON = f"[{COLONS}]"


@dataclass(frozen=True)
class Labelled:
    """A line that starts with a known label."""

    kind: str
    label: str
    value: str


FILE = "parse/labels.yml"


@cache
def label_variants() -> dict[str, tuple[str, ...]]:
    """Label variants per kind from ``labels.yml`` (one lookup per kind), longest first."""
    return {kind: tuple(sorted(found.matches(), key=len, reverse=True)) for kind, found in lookups(FILE).items()}


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
        if kind in SECTION_KINDS:
            out[kind] = re.compile(rf"^({alt})\s*:\s*(.*)$", re.I)
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
    """The label a line starts with, and the value after it; None if it has none."""
    if not any_label().match(line):
        return None
    for kind, pattern in patterns().items():
        found = pattern.match(line)
        if found:
            value = next((g for g in found.groups()[1:] if g is not None), "")
            lookups(FILE)[kind].mark(found.group(1))
            return Labelled(kind=kind, label=found.group(1), value=value.strip())
    return None


@cache
def glued_contact_label() -> re.Pattern[str]:
    """A contact-section label glued to the end of other text ('...ServicesContact Data:')."""
    return re.compile(rf"^(.*\S)\s*({alternation(('contact',))})\s*:\s*$", re.I)


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
    glued = glued_contact_label().match(line) if line.rstrip().endswith(":") else None
    if glued and not found:
        return [glued.group(1), f"{glued.group(2)}:"]
    if found:
        parts = inline_number_label().split(line)
        if len(parts) > 1:
            return [p.strip().rstrip(",;").rstrip() for p in parts if p.strip().rstrip(",;")]  # 'Tel.: 1, Fax: 2'
    return [line]
