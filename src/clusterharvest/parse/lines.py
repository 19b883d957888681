"""An entry's lines, each classified once: the label it starts with and the address it states.

The directory parser, the split between description and contact block, and the contact reader all ask a
line what it is; they ask the ``Line`` here instead of matching the text again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ..normalize.addresses import AddressParts, parse_postcode_line
from .labels import Labelled, match_label, split_line


@dataclass(frozen=True)
class Line:
    """A visible line of text and what it is, found once."""

    text: str
    label: Labelled | None  # the known label it starts with ('Tel.: ...', 'Target countries ...: ...')
    postcode: AddressParts | None  # the address it states ('[street |] 12345 City[, Country]')
    glued: str | None = None  # the source's line, where a label glued to other text was split off it

    def is_label(self, *kinds: str) -> bool:
        """Whether the line starts with a label of one of these kinds."""
        return self.label is not None and self.label.kind in kinds


def classify(text: str, label: Labelled | None | bool = True) -> Line:
    """A line and what it is (``label``: the label already found, where the caller has looked)."""
    found = match_label(text) if label is True else label or None
    return Line(text, found, parse_postcode_line(text))


def classified(raw: str) -> list[Line]:
    """A line of the page as classified lines: a glued contact label or several number labels in one line
    ('Tel.: 1 Fax: 2') become one line each."""
    label = match_label(raw)
    parts = split_line(raw, label)
    if parts == [raw]:
        return [classify(raw, label)]
    if label is None:  # a contact label glued to the text before it ('...ServicesContact Data:')
        return [replace(classify(part), glued=raw) for part in parts]
    return [classify(part) for part in parts]
