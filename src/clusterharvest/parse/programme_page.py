"""The programme web page (HTML): the programme facts it states."""

from __future__ import annotations

from .facts import Fact, contact_facts, prose_facts
from .text import document_lines


def parse_programme_page(data: bytes | str, content_type: str | None = None) -> tuple[list[Fact], list[str]]:
    """The page's programme facts, and its visible text lines (each block element a paragraph)."""
    lines = document_lines(data, content_type)
    return prose_facts("\n\n".join(lines)) + contact_facts(lines), lines
