"""One lookup mechanism for the messy values the sources write (zavod's datapatch lookups are the model).

Every lookup file (``parse/labels.yml``, ``normalize/countries.yml``, ``normalize/persons.yml``, ``links.yml``)
has one format: a mapping of lookup names to lists of options. An option is either a string (a word that
belongs: a title, a label variant) or ``{match: <string or list>, value: <what it means>}`` (a spelling and the
code it stands for). Matching ignores case and runs of whitespace. Each lookup remembers which options a run
used, so ``unused_options`` can report entries nothing needed (zavod's ``debug_lookups``): stale fixes, or
variants no source writes any more.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml


def fold(text: str) -> str:
    """The comparison form of a text: case-folded, whitespace collapsed."""
    return " ".join(str(text).split()).casefold()


@dataclass(frozen=True)
class Option:
    """What one lookup entry matches, and what it means (None for a lookup that only says 'belongs')."""

    matches: tuple[str, ...]
    value: Any = None


class Lookup:
    """The options of one lookup, indexed by their folded matches, with the ones used so far."""

    def __init__(self, name: str, options: list[Option]) -> None:
        self.name = name
        self.options = options
        self.index: dict[str, Option] = {}
        for option in options:
            for match in option.matches:
                self.index.setdefault(fold(match), option)
        self.used: set[str] = set()

    def get(self, text: str, default: Any = None) -> Any:
        """The value of the option matching ``text`` (marked used), else ``default``."""
        option = self.index.get(fold(text))
        if option is None:
            return default
        self.used.add(fold(text))
        return option.value

    def __contains__(self, text: object) -> bool:
        """Whether an option matches ``text`` (marked used)."""
        if not isinstance(text, str) or fold(text) not in self.index:
            return False
        self.used.add(fold(text))
        return True

    def mark(self, text: str) -> None:
        """Mark the option matching ``text`` used (for callers that match through a compiled pattern)."""
        if fold(text) in self.index:
            self.used.add(fold(text))

    def matches(self) -> list[str]:
        """Every match of every option, as written in the file."""
        return [m for option in self.options for m in option.matches]

    def pairs(self) -> dict[str, Any]:
        """Every match with its option's value (without marking anything used)."""
        return {m: option.value for option in self.options for m in option.matches}

    def unused(self) -> list[str]:
        """The matches no call has used."""
        return [m for m in self.matches() if fold(m) not in self.used]


def read_option(file: str, name: str, item: Any) -> Option:
    """One option of the lookup format, or a ValueError saying where the format is broken."""
    if isinstance(item, str):
        return Option((item,))
    if isinstance(item, dict) and set(item) <= {"match", "value"} and "match" in item:
        match = item["match"]
        matches = (match,) if isinstance(match, str) else tuple(match)
        if matches and all(isinstance(m, str) for m in matches):
            return Option(matches, item.get("value"))
    raise ValueError(f"{file}: lookup {name!r}: an option is a string or {{match, value}}, not {item!r}")


@cache
def lookups(file: str) -> dict[str, Lookup]:
    """Every lookup of one file beside the code (``'normalize/countries.yml'``), loaded once per process."""
    data = yaml.safe_load(resources.files(__package__).joinpath(file).read_text(encoding="utf-8")) or {}
    out = {}
    for name, items in data.items():
        if not isinstance(items, list):
            raise ValueError(f"{file}: lookup {name!r} must be a list of options")
        out[name] = Lookup(name, [read_option(file, name, item) for item in items])
    return out


def lookup(file: str, name: str) -> Lookup:
    """One lookup of one file."""
    return lookups(file)[name]


LOOKUP_FILES = ("parse/labels.yml", "normalize/countries.yml", "normalize/persons.yml", "normalize/places.yml",
                "links.yml")


def unused_options() -> dict[str, list[str]]:
    """Per ``file:lookup``, the matches nothing in this process has used (lookups not loaded count as unused)."""
    report = {}
    for file in LOOKUP_FILES:
        for name, found in lookups(file).items():
            unused = found.unused()
            if unused:
                report[f"{file}:{name}"] = unused
    return report
