"""Field paths into a published JSON document: one rule for writing them and one for resolving them.

A path is field names joined by dots, each name optionally followed by selectors of list items:

- ``[n]``: the item at position n, from 0 (``contacts[0].phone``: a list whose items have no key);
- ``[key=value]``: the one item whose field ``key`` holds ``value``, compared as text (``rounds[number=3]``,
  ``phases[name=concept]``: a list whose items are known by a key, so the path names round 3, not the third item);
- ``[*]``: every item (``rounds[*].projects_selected_approx``: a fact about every round).

Programme facts are written with keyed selectors (``parse.facts.FactKey.path``), cluster issues and changelog
paths with positions. ``resolve`` finds what a path names, so a test can check that every path a file carries
names a value in it.
"""

from __future__ import annotations

import re
from typing import Any

SEGMENT = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<selectors>(?:\[[^\]]*\])*)")
SELECTOR = re.compile(r"\[([^\]]*)\]")


class PathError(ValueError):
    """A path that names nothing in the document (or is not a path)."""


def keyed(field: str, key: str, value: object, rest: str | None = None) -> str:
    """The path of a field of the item of list ``field`` whose ``key`` is ``value``: 'rounds[number=3].year'."""
    return f"{field}[{key}={value}]" + (f".{rest}" if rest else "")


def select(items: list[Any], selector: str, path: str) -> list[Any]:
    """The items one selector names (one, or every item for '*')."""
    if selector == "*":
        return list(items)
    if selector.isdigit():
        if int(selector) >= len(items):
            raise PathError(f"{path}: no item {selector} in a list of {len(items)}")
        return [items[int(selector)]]
    key, sep, wanted = selector.partition("=")
    if not sep or not key:
        raise PathError(f"{path}: [{selector}] is neither a position, '*' nor key=value")
    found = [item for item in items if isinstance(item, dict) and key in item and str(item[key]) == wanted]
    if len(found) != 1:
        raise PathError(f"{path}: {len(found)} items with {key} = {wanted}, not one")
    return found


def resolve(document: Any, path: str) -> list[Any]:
    """The values ``path`` names in ``document`` (a JSON value): one, or one per item for a ``[*]`` selector.

    Raises:
        PathError: a name the object lacks, a position past the end, no item or several items with the key's
            value, a selector on something that is not a list, or text that is not a path.
    """
    values = [document]
    for part in path.split("."):
        match = SEGMENT.fullmatch(part)
        if match is None:
            raise PathError(f"{path}: {part!r} is not a field name with selectors")
        name = match.group("name")
        if not all(isinstance(v, dict) and name in v for v in values):
            raise PathError(f"{path}: no field {name!r}")
        values = [v[name] for v in values]
        for selector in SELECTOR.findall(match.group("selectors")):
            if not all(isinstance(v, list) for v in values):
                raise PathError(f"{path}: [{selector}] on {name!r}, which is not a list")
            values = [item for v in values for item in select(v, selector, path)]
    return values
