"""Person names: academic titles and forms of address split from the name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..lookups import Lookup, fold, lookup

NAME_WORD = re.compile(r"^[A-ZÄÖÜ][a-zäöüßéèáàóòíìúùçñ'’]+(?:-[A-ZÄÖÜ][a-zäöüßéèáàóòíìúùçñ'’]+)*$")


FILE = "normalize/persons.yml"


def table(name: str) -> Lookup:
    """One lookup of ``persons.yml`` (titles, honorifics, organisation_words, role_words)."""
    return lookup(FILE, name)


@cache
def titles() -> list[str]:
    """Academic titles, longest first (so 'Prof. Dr.-Ing.' wins over 'Prof.')."""
    return sorted(table("titles").matches(), key=len, reverse=True)


@dataclass(frozen=True)
class Person:
    """A name split into its parts."""

    name: str | None
    academic_title: str | None
    honorific: str | None


def clean(text: str) -> str:
    """Collapse whitespace."""
    return " ".join(text.split())


def split_person(text: str) -> Person:
    """'Hon.-Prof. Dr.-Ing. Mirko Peglow' -> name 'Mirko Peglow', academic_title 'Hon.-Prof. Dr.-Ing.'."""
    rest = clean(text)
    found_titles: list[str] = []
    suffix: list[str] = []
    honorific = None
    # Parenthesised titles at the end, which may nest: "(Dipl.-Kfm. (Univ.))".
    found = re.search(r"\s*\((.+)\)$", rest)
    if found and any(found.group(1).startswith(t.split(" ")[0]) for t in titles()):
        suffix.append(found.group(1))
        rest = rest[: found.start()]
    # Titles after a comma: "Steffen Ullmann, M.A."
    while "," in rest:
        head, _, tail = rest.rpartition(",")
        if tail.strip() in table("titles"):
            suffix.insert(0, tail.strip())
            rest = head.strip()
        else:
            break
    changed = True
    while changed:
        changed = False
        for h in table("honorifics").matches():
            if rest.startswith(h + " "):
                honorific, rest, changed = h, rest[len(h):].strip(), True
                table("honorifics").mark(h)
        for t in titles():
            if rest.startswith(t + " ") or rest.startswith(t) and rest[len(t):len(t) + 1].isupper():
                found_titles.append(t)
                table("titles").mark(t)
                rest, changed = rest[len(t):].strip(), True
                break
    title = " ".join(found_titles + suffix) or None
    return Person(name=rest or None, academic_title=title, honorific=honorific)


def is_person_line(text: str) -> bool:
    """Whether a line reads as a person's name (with or without titles): one to four capitalised words,
    or a form of address and a surname; no organisation words, digits or role punctuation."""
    if re.search(r"[\d&|:/@]", text) or is_organisation_line(text):
        return False
    if is_role_line(text):
        return False
    person = split_person(text)
    if not person.name:
        return False
    words = person.name.split()
    if person.honorific and len(words) >= 1 and all(NAME_WORD.match(w) for w in words):
        return True
    return 2 <= len(words) <= 4 and all(NAME_WORD.match(w) for w in words)


@cache
def organisation_pattern() -> re.Pattern[str]:
    """One regex for every organisation word (as a whole word), or a glued 'GmbH'/'AG'."""
    words = sorted(table("organisation_words").matches(), key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(w) for w in words)})(?!\w)|\w(?:GmbH|AG)\b")


@cache
def role_words() -> frozenset[str]:
    return frozenset(table("role_words").matches())


def is_organisation_line(text: str) -> bool:
    """Whether a line names an organisation (GmbH, e.V., University, Institut, ...)."""
    found = organisation_pattern().search(text)
    if found:
        word = found.group(0)
        table("organisation_words").mark(word if fold(word) in table("organisation_words").index else word[1:])
    return found is not None


def is_role_line(text: str) -> bool:
    """Whether a line has a job-title word ('Managing Director', 'Vorstand MedicalMountains AG')."""
    words = role_words().intersection(re.split(r"[\s,;/]+", text))
    for word in words:
        table("role_words").mark(word)
    return bool(words)
