"""Person names: academic titles and forms of address split from the name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

import yaml

NAME_WORD = re.compile(r"^[A-ZÄÖÜ][a-zäöüßéèáàóòíìúùçñ'’]+(?:-[A-ZÄÖÜ][a-zäöüßéèáàóòíìúùçñ'’]+)*$")


@cache
def lookups() -> dict[str, list[str]]:
    """Titles, honorifics and organisation words from ``persons.yml``."""
    data = yaml.safe_load(resources.files(__package__).joinpath("persons.yml").read_text(encoding="utf-8"))
    data["titles"] = sorted(data["titles"], key=len, reverse=True)
    return dict(data)


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
    titles: list[str] = []
    suffix: list[str] = []
    honorific = None
    # Parenthesised titles at the end, which may nest: "(Dipl.-Kfm. (Univ.))".
    found = re.search(r"\s*\((.+)\)$", rest)
    if found and any(found.group(1).startswith(t.split(" ")[0]) for t in lookups()["titles"]):
        suffix.append(found.group(1))
        rest = rest[: found.start()]
    # Titles after a comma: "Steffen Ullmann, M.A."
    while "," in rest:
        head, _, tail = rest.rpartition(",")
        if tail.strip() in lookups()["titles"]:
            suffix.insert(0, tail.strip())
            rest = head.strip()
        else:
            break
    changed = True
    while changed:
        changed = False
        for h in lookups()["honorifics"]:
            if rest.startswith(h + " "):
                honorific, rest, changed = h, rest[len(h):].strip(), True
        for t in lookups()["titles"]:
            if rest.startswith(t + " ") or rest.startswith(t) and rest[len(t):len(t) + 1].isupper():
                titles.append(t)
                rest, changed = rest[len(t):].strip(), True
                break
    title = " ".join(titles + suffix) or None
    return Person(name=rest or None, academic_title=title, honorific=honorific)


@lru_cache(maxsize=65536)  # pure; asked for every short line of every contact block
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
    words = sorted(lookups()["organisation_words"], key=len, reverse=True)
    return re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(w) for w in words)})(?!\w)|\w(?:GmbH|AG)\b")


@cache
def role_words() -> frozenset[str]:
    return frozenset(lookups()["role_words"])


def is_organisation_line(text: str) -> bool:
    """Whether a line names an organisation (GmbH, e.V., University, Institut, ...)."""
    return organisation_pattern().search(text) is not None


def is_role_line(text: str) -> bool:
    """Whether a line has a job-title word ('Managing Director', 'Vorstand MedicalMountains AG')."""
    return not role_words().isdisjoint(re.split(r"[\s,;/]+", text))
