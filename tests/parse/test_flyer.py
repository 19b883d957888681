"""The flyer PDF: programme facts, written by hand from the flyer's capture (001_*.txt), from the
bundled PDF and from a differently typeset PDF of the same text; the PDF reader's limits."""

from __future__ import annotations

import io
import textwrap

import pytest

from clusterharvest.errors import ParseError
from clusterharvest.parse.flyer import parse_flyer
from clusterharvest.parse.pdf import pdf_pages

from ..conftest import CAPTURES, ROOT

BUNDLED = (ROOT / "raw" / "bmbf-flyer-2016" / "enhancing-global-cooperation-2016-10.pdf").read_bytes()

# From the capture: "Three rounds of funding: 2015, 2016 and 2017.", "Selection of about 10 ... in each
# round.", "up to 4 million Euros", "Concept development phase (up to 2 years)", "Implementation phase (up
# to 3 years)", and the contact block under "Contact for General Information about the Funding Measure".
EXPECTED = {
    "rounds[1].year": 2015, "rounds[2].year": 2016, "rounds[3].year": 2017,
    "rounds[*].projects_selected": 10,
    "max_funding_eur": 4_000_000,
    "phases.concept": 2, "phases.implementation": 3,
    "name.en": "Internationalisation of Leading-Edge Clusters, Forward-Looking Projects, and Comparable Networks",
    "funder": "Federal Ministry of Education and Research", "funder_abbreviation": "BMBF",
    "contact.name": "Florian Welter", "contact.academic_title": "Dr.",
    "contact.organisation": "Project Management Jülich, Forschungszentrum Jülich GmbH",
    "contact.email": "f.welter@fz-juelich.de", "contact.phone": "+492461619051", "contact.fax": "+492461618047",
}


def values(facts) -> dict:
    out: dict = {}
    for fact in facts:
        assert out.setdefault(fact.path, fact.value) == fact.value, (fact.path, fact.value, out[fact.path])
    return out


def test_bundled_flyer_facts():
    facts, _ = parse_flyer(BUNDLED)
    assert values(facts) == EXPECTED
    assert [f.approximate for f in facts if f.path == "rounds[*].projects_selected"] == [True]
    assert all(f.quote for f in facts)


def plain_pdf(text: str, width: int) -> bytes:
    """The capture's text typeset plainly (no bullets, no bold, another line width): another rendering."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=1)
    y = 800
    for paragraph in text.split("\n\n"):
        clean = " ".join(paragraph.replace("*", "").replace("#", "").replace("- ", "").split())
        clean = clean.replace("[", "").replace("](mailto:f.welter@fz-juelich.de)", " ")
        for line in textwrap.wrap(clean, width) or [""]:
            pdf.drawString(40, y, line)
            y -= 14
            if y < 40:
                pdf.showPage()
                y = 800
        y -= 14
    pdf.save()
    return buf.getvalue()


@pytest.mark.parametrize("width", [60, 95])
def test_other_typesetting_gives_the_same_facts(width):
    capture = (CAPTURES / "001_4ccb94be08351f73.txt").read_text(encoding="utf-8")
    facts, _ = parse_flyer(plain_pdf(capture, width))
    assert values(facts) == EXPECTED


@pytest.mark.parametrize(("data", "reason"), [
    (b"\x00\x13random bytes\xff" * 50, "not a PDF"),
    (b"<!DOCTYPE html><html><body>Maintenance</body></html>", "looks like HTML"),
    (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 1 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF",
     "unreadable PDF"),
])
def test_bad_pdfs_are_parse_errors(data, reason):
    with pytest.raises(ParseError, match=reason):
        pdf_pages(data)


def test_the_child_process_has_a_time_limit():
    with pytest.raises(ParseError, match="longer than"):
        pdf_pages(BUNDLED, timeout=0.01)
