"""The bundled snapshot is faithful to its captures: each reconstruction's visible text is its capture's text,
line for line, with only the (illustrative) page chrome around it.

The visible text is read here independently of the library's own extraction (which drops chrome on purpose):
every text node of the body, broken at block elements and <br>, as a browser lays it out; list markers
("- ", "• ", "1. ") are dropped on both sides, since captures write them differently.
"""

from __future__ import annotations

import re

import lxml.html
import pytest

from clusterharvest.parse.pdf import pdf_pages
from clusterharvest.store import RawStore

from .conftest import CAPTURES, ROOT

BLOCKS = frozenset(["address", "article", "aside", "blockquote", "body", "dd", "div", "dl", "dt", "figcaption",
                    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main",
                    "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul"])
HTML_SNAPSHOTS = {"bmbf-programme-page-en": "000", "announcement-round-2-2016": "002",
                  "announcement-round-3-2017": "003", "interspin-directory-en": "004"}


def norm(line: str) -> str:
    line = " ".join(line.replace("\xa0", " ").split())
    return re.sub(r"^(?:[-•*]|\d+\.)\s+", "", line)


def visible_lines(html: bytes) -> list[str]:
    root = lxml.html.document_fromstring(html)
    for hidden in root.xpath("//head|//script|//style|//template|//*[@hidden]"):
        hidden.drop_tree()
    parts: list[str] = []

    def walk(element) -> None:
        block = element.tag in BLOCKS
        parts.append("\n" if block or element.tag == "br" else "")
        parts.append(element.text or "")
        for child in element:
            walk(child)
            parts.append(child.tail or "")
        parts.append("\n" if block else "")

    walk(root.body)
    return [norm(line) for line in "".join(parts).split("\n") if norm(line)]


def capture_lines(number: str) -> list[str]:
    text = next(CAPTURES.glob(f"{number}_*.txt")).read_text(encoding="utf-8")
    return [norm(line) for line in text.splitlines() if norm(line)]


def run_in(needle: list[str], haystack: list[str]) -> int | None:
    """Where ``needle`` occurs in ``haystack`` as one contiguous run, or None."""
    for start in range(len(haystack) - len(needle) + 1):
        if haystack[start:start + len(needle)] == needle:
            return start
    return None


@pytest.mark.parametrize("source_id", sorted(HTML_SNAPSHOTS))
def test_each_html_reconstruction_shows_its_capture_line_for_line(source_id):
    snapshot = RawStore(ROOT / "raw").latest(source_id)
    assert snapshot is not None and snapshot.method == "reconstructed"
    want, got = capture_lines(HTML_SNAPSHOTS[source_id]), visible_lines(snapshot.read())
    start = run_in(want, got)
    if start is None:  # name the first line that differs, from where the capture's first line is
        at = got.index(want[0]) if want[0] in got else 0
        diff = next(((w, g) for w, g in zip(want, got[at:], strict=False) if w != g), None)
        pytest.fail(f"{source_id}: the capture's lines are not shown in order; first difference: {diff}")


def test_the_programme_page_keeps_its_title_lead_and_photo_in_their_roles():
    snapshot = RawStore(ROOT / "raw").latest("bmbf-programme-page-en")
    assert snapshot is not None
    root = lxml.html.document_fromstring(snapshot.read())
    assert [h.text_content() for h in root.xpath("//main//h1")] == ["Clusters - Networks - International"]
    assert root.xpath("//main/p[1]")[0].text_content().startswith("Innovation and value-creation chains")
    assert root.xpath("//figure/img/@alt") == ["Auszeichnung der erfolgreichen Bewerbungen"]
    assert "Winners of the first round" in root.xpath("//figcaption")[0].text_content()
    headings = [h.text_content() for h in root.xpath("//main//h2")]
    assert not any("Plambeck" in h or "Auszeichnung" in h for h in headings)


def words(text: str) -> list[str]:
    return re.findall(r"[\w@.-]+", text)


def test_the_flyer_pdf_shows_its_capture_word_for_word_and_no_markdown():
    """A PDF has no lines to compare (the typesetting wraps them): its words are the capture's, in order, once
    the capture's Markdown is read as Markdown (headings, bold, links, bullets)."""
    pdf = (ROOT / "raw" / "bmbf-flyer-2016" / "enhancing-global-cooperation-2016-10.pdf").read_bytes()
    text = "\n".join(pdf_pages(pdf))
    assert "**" not in text and "#" not in text
    capture = next(CAPTURES.glob("001_*.txt")).read_text(encoding="utf-8")
    capture = re.sub(r"\]\([^)]*\)", "", capture).replace("**", "").replace("[", "")
    capture = re.sub(r"<(https?://[^>]+)>", r"\1", re.sub(r"(?m)^\s*(?:#+|-)\s+", "", capture))
    assert words(text) == words(capture)
