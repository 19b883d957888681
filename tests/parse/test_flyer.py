"""The flyer PDF: programme facts, written by hand from the flyer's capture (001_*.txt), from the
bundled PDF and from differently typeset PDFs of the same text; PDF lines joined as a reader joins them; the
PDF reader's limits."""

from __future__ import annotations

import functools
import importlib.util
import io
import re
import shutil
import textwrap

import pypdf
import pytest

from clusterharvest.errors import ParseError
from clusterharvest.parse.flyer import flyer_facts, flyer_paragraphs, join_lines, parse_flyer
from clusterharvest.parse.pdf import pdf_pages

from ..conftest import CAPTURES, ROOT
from ..test_programme import CONTACT_LINES  # the contact block's lines in the capture, by hand

BUNDLED = (ROOT / "raw" / "bmbf-flyer-2016" / "enhancing-global-cooperation-2016-10.pdf").read_bytes()

# From the capture: the cover's "**Internationalisation of German ...**",
# "Three rounds of funding: 2015, 2016 and 2017.", "Selection of about 10 ... in each
# round.", "up to 4 million Euros", "Concept development phase (up to 2 years)", "Implementation phase (up
# to 3 years)", and the contact block under "Contact for General Information about the Funding Measure".
EXPECTED = {
    "rounds[number=1].year": 2015, "rounds[number=2].year": 2016, "rounds[number=3].year": 2017,
    "rounds[*].projects_selected_approx": 10,
    "max_funding_eur": 4_000_000,
    "phases[name=concept].max_years": 2, "phases[name=implementation].max_years": 3,
    "name.en": "Internationalisation of Leading-Edge Clusters, Forward-Looking Projects, and Comparable Networks",
    # the cover's bold title, a name the measure goes by (not in quotes: an alias, never the name itself)
    "name.alias": "Internationalisation of German Leading-Edge Clusters, Forward-Looking Projects and Comparable "
                  "Networks",
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
    assert [f.approximate for f in facts if f.path == "rounds[*].projects_selected_approx"] == [True]
    assert all(f.quote for f in facts)
    lines = {line.strip() for line in (CAPTURES / "001_4ccb94be08351f73.txt").read_text(encoding="utf-8").splitlines()}
    contact = {f.path: f.quote for f in facts if f.path.startswith("contact.")}
    assert contact["contact.phone"] == contact["contact.fax"] == "Phone.: +49 2461 61-9051, Fax: +49 2461 61-8047"
    assert all(quote in lines for path, quote in contact.items() if path != "contact.email"), contact


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
    facts, edition = parse_flyer(plain_pdf(capture, width))
    assert edition is not None and edition.date == "2016-10"
    assert values(facts) == EXPECTED


# -- PDF lines joined as a reader joins them --------------------------------------------------------------

CASES = ROOT / "tests" / "fixtures" / "cases"
# The control flyer's ten facts, read off its text (tests/fixtures/cases/README.md): "for a period of up to five
# years", the quoted name, "up to four million Euros", "Concept development phase (up to two years)",
# "Implementation phase (up to three years)", "Three rounds of funding: 2015, 2016 and 2017", "In the first
# round eleven clusters and networks were selected".
CONTROL = {
    "max_duration_years": 5,
    "name.en": "Internationalisation of Leading-Edge Clusters, Forward-Looking Projects and Comparable Networks",
    "funder": "Federal Ministry of Education and Research",
    "max_funding_eur": 4_000_000,
    "phases[name=concept].max_years": 2, "phases[name=implementation].max_years": 3,
    "rounds[number=1].year": 2015, "rounds[number=2].year": 2016, "rounds[number=3].year": 2017,
    "rounds[number=1].projects_selected": 11,
}


# The control flyer's sentences (tests/fixtures/cases/README.md), to be set in other ways.
CONTROL_TEXT = [
    "The funding measure \u201cInternationalisation of Leading-Edge Clusters, Forward-Looking Projects and "
    "Comparable Networks\u201d of the Federal Ministry of Education and Research supports German clusters and "
    "networks in their research and development work with partners abroad, for a period of up to five years.",
    "Funding per cluster or network: up to four million Euros, in two phases:",
    "Concept development phase (up to two years).", "Implementation phase (up to three years).",
    "Three rounds of funding: 2015, 2016 and 2017.",
    "In the first round eleven clusters and networks were selected for funding.",
]
FOOTER = "Federal Ministry of Education and Research, Heinemannstrasse 2, 53175 Bonn, Germany, www.bmbf.de"


def column_pdf(column: float, footer: str | None = None, breaks: dict[str, str] | None = None) -> bytes:
    """The control flyer's text set by reportlab's paragraph engine: justified in a column ``column`` points
    wide, with ``footer`` as one line across the page under it, and ``breaks`` (a phrase -> the same phrase
    with a line break in it, as set by hand) applied first."""
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfgen import canvas
    from reportlab.platypus import Frame, Paragraph

    body = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=13, alignment=TA_JUSTIFY,
                          spaceAfter=6)
    texts = list(CONTROL_TEXT)
    for phrase, broken in (breaks or {}).items():
        texts = [t.replace(phrase, broken) for t in texts]
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4)
    Frame(40, 200, column, 600).addFromList(
        [Paragraph("Enhancing Global Cooperation", ParagraphStyle("h", fontName="Helvetica-Bold", fontSize=14))]
        + [Paragraph(t, body) for t in texts] + [Paragraph("Oktober 2016", body)], pdf)
    if footer:
        pdf.setFont("Helvetica", 8)
        pdf.drawString(40, 60, footer)
    pdf.save()
    return buf.getvalue()


@pytest.mark.parametrize(("column", "footer", "breaks"), [
    (190, FOOTER, None),  # a narrow column, and a footer line across the page: the column's lines look short
    (480, FOOTER, None),
    (480, None, {"up to four million": "up to four<br/>million", "round eleven": "round<br/>eleven",  # by hand
                 "2016 and 2017": "2016<br/>and 2017", "(up to two years)": "(up to<br/>two years)"}),
], ids=["narrow-column-and-footer", "wide-column-and-footer", "lines-broken-short-by-hand"])
def test_the_control_flyer_set_in_a_column_of_any_width_gives_its_facts(column, footer, breaks):
    pdf = column_pdf(column, footer, breaks)
    facts, edition = parse_flyer(pdf)
    got = {k: v for k, v in values(facts).items() if k != "funder_abbreviation"}  # the footer's 'BMBF'
    assert got == CONTROL, got
    assert edition is not None and edition.date == "2016-10", edition


# -- the bundled flyer's text set at other widths --------------------------------------------------------------

MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)|<(https?://[^>]*)>")


def markup(block: str) -> str:
    """A capture block as reportlab paragraph markup: links as their text, '**' bold, a hard break ('  ' at a
    line end) kept, other line ends as spaces."""
    from xml.sax.saxutils import escape

    text = escape(MARKDOWN_LINK.sub(lambda m: m.group(1) or m.group(2), block.strip()))
    text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text, flags=re.S)
    return re.sub(r" {2,}\n", "<br/>", text).replace("\n", " ")


def flowed_pdf(capture: str, width: int, columns: int, font: str) -> bytes:
    """The capture set by reportlab's paragraph engine (platypus): justified ``font`` in ``columns`` columns
    ``width`` points wide, '#' headings in its bold face, list items with a bullet."""
    from reportlab.lib.enums import TA_JUSTIFY
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph

    body = ParagraphStyle("body", fontName=font, fontSize=9.5, leading=12.5, alignment=TA_JUSTIFY, spaceAfter=5)
    item = ParagraphStyle("item", parent=body, leftIndent=10)
    bold = {"Helvetica": "Helvetica-Bold", "Times-Roman": "Times-Bold"}[font]
    heading = {n: ParagraphStyle(f"h{n}", parent=body, fontName=bold, fontSize=16 - 2 * n, leading=19 - 2 * n,
                                 alignment=0, spaceBefore=4) for n in (1, 2, 3)}
    story = []
    for block in re.split(r"\n\s*\n", capture):
        if not block.strip():
            continue
        if block.startswith("#"):
            story.append(Paragraph(markup(block.lstrip("#")), heading[len(block) - len(block.lstrip("#"))]))
        elif block.lstrip().startswith("- "):
            story += [Paragraph(markup(entry.strip()[2:]), item, bulletText="\u2022")
                      for entry in re.split(r"\n(?=\s*- )", block)]
        else:
            story.append(Paragraph(markup(block), body))
    gap, margin = 20, 36
    size = (2 * margin + columns * width + (columns - 1) * gap, 842)
    frames = [Frame(margin + n * (width + gap), margin, width, size[1] - 2 * margin, id=f"column{n}")
              for n in range(columns)]
    buf = io.BytesIO()
    BaseDocTemplate(buf, pagesize=size, pageTemplates=[PageTemplate(frames=frames)], invariant=1).build(story)
    return buf.getvalue()


# Widths (points) at which the contact heading, the organisation line and the phone line each wrap in different
# places, or not at all: "... about the / Funding Measure", "... the Funding / Measure", "Contact for General /
# Information ...", "Jülich, / Forschungszentrum", "Forschungszentrum / Jülich GmbH", "Fax: / +49 ...", "+49 2461 /
# 61-8047".
REFLOWED = [(width, columns, font) for font in ("Helvetica", "Times-Roman") for columns in (1, 2)
            for width in (160, 190, 210, 240, 300, 480)]


@functools.cache
def reflow(width: int, columns: int, font: str) -> tuple[str, list, object]:
    """The capture set at one width: (its text as the flyer parser reads it, the facts, the edition); each
    setting typeset and read once."""
    capture = (CAPTURES / "001_4ccb94be08351f73.txt").read_text(encoding="utf-8")
    pages = pdf_pages(flowed_pdf(capture, width, columns, font))
    return flyer_paragraphs(pages), *flyer_facts(pages)


@pytest.fixture(params=REFLOWED, ids=lambda s: f"{s[2]}-{s[1]}col-{s[0]}pt")
def reflowed(request) -> tuple[str, list, object]:
    return reflow(*request.param)


def test_the_settings_wrap_the_contact_lines_in_every_way():
    """What makes the settings differ where it matters: the heading, the organisation and the phone line wrap
    in each of the places a reader must see through."""
    texts = "\n".join(reflow(*setting)[0] for setting in REFLOWED)
    for wrapped in ("Contact for General Information about the\nFunding Measure",
                    "Contact for General Information about the Funding\nMeasure",
                    "Contact for General\n", "Contact for General Information about the Funding Measure\n",
                    "Project Management Jülich,\nForschungszentrum Jülich GmbH",
                    "Project Management Jülich, Forschungszentrum\nJülich GmbH",
                    "Project Management Jülich, Forschungszentrum Jülich\nGmbH",
                    "Fax:\n+49 2461 61-8047", "Fax: +49 2461\n61-8047"):
        assert wrapped in texts, wrapped


def test_the_flyer_set_at_any_width_gives_the_same_facts(reflowed):
    _, facts, edition = reflowed
    assert values(facts) == EXPECTED, values(facts)
    assert [f.approximate for f in facts if f.path == "rounds[*].projects_selected_approx"] == [True]
    assert edition is not None and edition.date == "2016-10", edition


def test_the_flyer_set_at_any_width_quotes_the_contact_lines_as_set(reflowed):
    """Each contact value quotes the lines it was read from, verbatim: the capture's line, wrapped where the
    typesetting wrapped it."""
    text, facts, _ = reflowed
    lines = set(text.splitlines())
    quotes = {f.path: f.quote for f in facts if f.path.startswith("contact.")}
    assert {path: " ".join(quote.split()) for path, quote in quotes.items()} == CONTACT_LINES, quotes
    assert all(set(quote.splitlines()) <= lines for quote in quotes.values()), quotes


@pytest.mark.parametrize("name", ["00-control-flyer.pdf", "10-flyer-hyphenation.pdf"])
def test_words_broken_at_line_ends_give_the_control_facts(name):
    facts, edition = parse_flyer((CASES / name).read_bytes())
    got = values(facts)
    assert got == CONTROL, got
    assert edition is not None and edition.date == "2016-10", edition


@pytest.mark.parametrize(("lines", "joined"), [
    # a word broken at a syllable: the hyphen goes, no space
    (["Concept devel-", "opment phase"], ["Concept development phase"]),
    (["Imple-", "men-", "tation phase"], ["Implementation phase"]),
    (["inter\u2010", "national partners"], ["international partners"]),  # U+2010 HYPHEN, as Chromium sets it
    # a compound broken at its own hyphen: before a capital or a digit the hyphen stays, no space
    (["Leading-", "Edge Clusters"], ["Leading-Edge Clusters"]),
    (["Phone: +49 2461 61-", "9051"], ["Phone: +49 2461 61-9051"]),
    (["a 2-", "year phase"], ["a 2-year phase"]),
    (["E-", "mail: a@example.org"], ["E-mail: a@example.org"]),  # one letter is never a syllable of its own
    (["a PDF-", "based flyer"], ["a PDF-based flyer"]),  # nor is an acronym
    (["Forschungs-,", "Entwicklungs- und"], ["Forschungs-,", "Entwicklungs- und"]),
    (["Forschungs-", ", Entwicklungs-"], ["Forschungs-, Entwicklungs-"]),
    # a compound the text writes whole elsewhere keeps its hyphen before a lower-case continuation
    (["small and medium-", "sized enterprises", "small, medium-sized and large"],
     ["small and medium-sized enterprises", "small, medium-sized and large"]),
    # a suspended hyphen before a conjunction: hyphen and space stay
    (["small-", "and medium-sized enterprises"], ["small- and medium-sized enterprises"]),
    (["Forschungs-", "und Entwicklungsprojekte"], ["Forschungs- und Entwicklungsprojekte"]),
    (["Konzept-", "oder Umsetzungsphase"], ["Konzept- oder Umsetzungsphase"]),
    (["Hard-", "or software"], ["Hard- or software"]),
    (["2-", "and 3-year phases"], ["2- and 3-year phases"]),
    # a dash used as punctuation is no word break
    (["fields of technology –", "a gateway"], ["fields of technology –", "a gateway"]),
    (["fields of technology -", "a gateway"], ["fields of technology -", "a gateway"]),
    (["-", "a bullet"], ["-", "a bullet"]),
    # never across a paragraph break, never without a next line
    (["devel-", "", "opment"], ["devel-", "", "opment"]),
    (["the end devel-"], ["the end devel-"]),
])
def test_join_lines(lines, joined):
    assert join_lines(lines) == joined, join_lines(lines)


def text_pdf(lines: list[bytes], encoding: bytes = b"/WinAnsiEncoding") -> bytes:
    """A one-page PDF showing ``lines`` (bytes in the font's encoding) in Helvetica, one below the other."""
    shown = b" 0 -14 Td ".join(b"(" + line + b") Tj" for line in lines)
    content = b"BT /F1 12 Tf 72 700 Td " + shown + b" ET"
    return hand_made_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding " + encoding + b" >>"])


# the ligature glyphs a typesetter sets for 'fi', 'fl', 'ff' and 'ffi' as codes 1-4: pypdf reads U+FB01 etc.
LIGATURE_ENCODING = b"<< /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [1 /fi /fl /ff /ffi] >>"


def test_ligatures_are_spelled_out_before_facts_are_read():
    pdf = text_pdf([b"In the \001rst round eleven clusters were selected, each for a period of up to \001ve",
                    b"years. E\003ective \002yers, o\004ces."], LIGATURE_ENCODING)
    assert pdf_pages(pdf) == ["In the first round eleven clusters were selected, each for a period of up to five\n"
                              "years. Effective flyers, offices."], pdf_pages(pdf)
    got = values(parse_flyer(pdf)[0])
    assert got == {"rounds[number=1].projects_selected": 11, "max_duration_years": 5}, got


def test_a_soft_hyphen_at_a_line_end_is_the_hyphen_of_a_word_break():
    """WinAnsiEncoding's 0xAD, the hyphen a word processor sets at a break, is U+00AD SOFT HYPHEN to pypdf."""
    pdf = text_pdf([b"Funding: up to 4 million Euros. Concept devel\255", b"opment phase (up to 2 years)."])
    assert pdf_pages(pdf) == ["Funding: up to 4 million Euros. Concept devel-\nopment phase (up to 2 years)."]
    got = values(parse_flyer(pdf)[0])
    assert got == {"max_funding_eur": 4_000_000, "phases[name=concept].max_years": 2}, got


def test_an_invisible_actual_text_span_adds_no_space_to_a_word():
    """Chromium draws each unbroken soft hyphen as a zero-width space glyph marked /ActualText U+00AD."""
    content = (b"BT /F1 12 Tf 72 700 Td (inno) Tj /Span <</ActualText <FEFF00AD>>> BDC ( ) Tj EMC (vative) Tj "
               b"( e) Tj /Span <</ActualText (ff) >> BDC (ff) Tj EMC (ect) Tj ET")
    pdf = hand_made_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        f"<< /Length {len(content)} >>\nstream\n".encode() + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])
    assert pdf_pages(pdf) == ["innovative effect"], pdf_pages(pdf)


# -- the flyer typeset by headless Chromium -------------------------------------------------------------

SYNTHETIC = ROOT / "tests" / "fixtures" / "synthetic"


def chromium_typesetter():
    """scripts/typeset_flyer_chromium.py as a module."""
    spec = importlib.util.spec_from_file_location("typeset_flyer_chromium",
                                                  ROOT / "scripts" / "typeset_flyer_chromium.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module", params=["committed", "typeset-now"])
def chromium_pdf(request, tmp_path_factory) -> bytes:
    """The committed Chromium-typeset flyer, or one typeset now (skipped without chromium)."""
    if request.param == "committed":
        return (SYNTHETIC / "flyer_chromium.pdf").read_bytes()
    if shutil.which("chromium") is None:
        pytest.skip("chromium is not installed (make test installs it with apt where it can)")
    typesetter, out = chromium_typesetter(), tmp_path_factory.mktemp("chromium")
    html = out / "flyer.html"
    html.write_text(typesetter.flyer_html(typesetter.CAPTURE.read_text(encoding="utf-8")), encoding="utf-8")
    typesetter.print_pdf(html, out / "flyer.pdf")
    return (out / "flyer.pdf").read_bytes()


def column_starts(page: pypdf.PageObject) -> list[float]:
    """The x positions (points, rounded to 10) at which at least five of the page's text lines start."""
    starts: dict[float, int] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = round((cm[0] * tm[4] + cm[4]) / 10) * 10
            starts[x] = starts.get(x, 0) + 1

    page.extract_text(visitor_text=visit)
    return sorted(x for x, n in starts.items() if n >= 5)


def test_the_chromium_typeset_flyer_is_set_differently(chromium_pdf):
    """What makes it another typesetting: words broken at line ends, ligature glyphs, justified columns."""
    reader = pypdf.PdfReader(io.BytesIO(chromium_pdf))
    raw = "\n".join(page.extract_text() for page in reader.pages)
    broken = re.findall(r"[a-z] ?[-\u2010]\n[a-z]", raw)  # (' ': pypdf reads Chromium's soft hyphen as a space)
    assert len(broken) >= 10, broken
    assert len(re.findall("[\ufb00-\ufb06]", raw)) >= 5, raw
    assert len(column_starts(reader.pages[0])) >= 3, column_starts(reader.pages[0])  # contact, two text columns


def test_the_chromium_typeset_flyer_gives_the_same_facts(chromium_pdf):
    facts, edition = parse_flyer(chromium_pdf)
    assert values(facts) == EXPECTED, values(facts)
    assert [f.approximate for f in facts if f.path == "rounds[*].projects_selected_approx"] == [True]
    assert edition is not None and edition.date == "2016-10", edition


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


def hand_made_pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """A minimal PDF with a correct xref table around the given objects (1 0 obj is the catalog)."""
    out, offsets = b"%PDF-1.4\n", []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R ".encode()
    out += trailer_extra.replace(b"XREF", str(xref).encode()) + b">>\n"
    return out + f"startxref\n{xref}\n%%EOF\n".encode()


def test_circular_references_are_a_parse_error():
    circular = hand_made_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
                              b"<< /Type /Page /Parent 2 0 R /Kids [2 0 R] >>"], b"/Prev XREF ")  # xref chain too
    with pytest.raises(ParseError, match="unreadable PDF"):
        pdf_pages(circular, timeout=20)


def test_a_stream_that_inflates_to_a_gigabyte_is_a_parse_error_within_bounds():
    import time
    import zlib

    squeeze = zlib.compressobj(9)
    zeros = b"\0" * (1 << 20)
    stream = b"".join(squeeze.compress(zeros) for _ in range(1024)) + squeeze.flush()  # 1 GiB in about 1 MB
    bomb = hand_made_pdf([
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        f"<< /Length {len(stream)} /Filter /FlateDecode >>\nstream\n".encode() + stream + b"\nendstream"])
    started = time.monotonic()
    with pytest.raises(ParseError):
        pdf_pages(bomb, timeout=20, max_memory=1024**3)
    assert time.monotonic() - started < 25


def test_a_contact_value_spread_over_lines_quotes_each_line_verbatim():
    from clusterharvest.parse.facts import contact_facts

    lines = ["Contact for General Information", "Dr. Erika Muster", "Beispiel GmbH",
             "Haus der Wirtschaft | 12345 Musterstadt", "Phone: +49 711 123456, Fax: +49 711 123457", "E-mail: e@x.de"]
    got = {f.path: (f.value, f.quote) for f in contact_facts(lines)}
    assert got == {
        "contact.name": ("Erika Muster", "Dr. Erika Muster"), "contact.academic_title": ("Dr.", "Dr. Erika Muster"),
        "contact.organisation": ("Beispiel GmbH, Haus der Wirtschaft",
                                 "Beispiel GmbH\nHaus der Wirtschaft | 12345 Musterstadt"),
        "contact.phone": ("+49711123456", lines[4]), "contact.fax": ("+49711123457", lines[4]),
        "contact.email": ("e@x.de", "E-mail: e@x.de")}, got


# The flyer's contact block, a paragraph per line as the capture has it; a paragraph's lines are the lines as set.
CONTACT_BLOCK = {
    "heading": ["Contact for General Information about the Funding Measure"], "person": ["Dr. Florian Welter"],
    "organisation": ["Project Management Jülich, Forschungszentrum Jülich GmbH\n52425 Jülich, Germany"],
    "numbers": ["Phone.: +49 2461 61-9051, Fax: +49 2461 61-8047"], "email": ["E-mail: f.welter@fz-juelich.de"]}
# Its values, from the capture (EXPECTED above).
WELTER = {path: value for path, value in EXPECTED.items() if path.startswith("contact.")}
PHONE_AND_FAX = ("contact.phone", "contact.fax")


@pytest.mark.parametrize(("written", "quotes"), [
    # the heading wrapped anywhere, or set in one paragraph with the person: never a person or an organisation
    ({"heading": ["Contact for General Information about the\nFunding Measure"]}, {}),
    ({"heading": ["Contact for General Information about the Funding\nMeasure"]}, {}),
    ({"heading": ["Contact for General", "Information about the Funding\nMeasure"]}, {}),
    ({"heading": ["Contact for General Information about the\nFunding Measure\nDr. Florian Welter"], "person": []},
     {}),
    # the organisation's line wrapped: one organisation, quoting its lines as set
    ({"organisation": ["Project Management Jülich,\nForschungszentrum Jülich GmbH\n52425 Jülich, Germany"]},
     {"contact.organisation": "Project Management Jülich,\nForschungszentrum Jülich GmbH"}),
    ({"organisation": ["Project Management Jülich, Forschungszentrum\nJülich GmbH", "52425 Jülich, Germany"]},
     {"contact.organisation": "Project Management Jülich, Forschungszentrum\nJülich GmbH"}),
    ({"organisation": ["Project Management Jülich, Forschungszentrum Jülich\nGmbH\n52425 Jülich, Germany"]},
     {"contact.organisation": "Project Management Jülich, Forschungszentrum Jülich\nGmbH"}),
    # the person and the organisation in one paragraph: two lines, never one
    ({"person": [], "organisation": ["Dr. Florian Welter\nProject Management Jülich, Forschungszentrum Jülich GmbH\n"
                                     "52425 Jülich, Germany"]}, {}),
    # the phone and fax line wrapped after the label, inside the number, or before the fax
    ({"numbers": ["Phone.: +49 2461 61-9051, Fax:\n+49 2461 61-8047"]},
     dict.fromkeys(PHONE_AND_FAX, "Phone.: +49 2461 61-9051, Fax:\n+49 2461 61-8047")),
    ({"numbers": ["Phone.: +49 2461 61-9051, Fax:", "+49 2461 61-8047"]},
     dict.fromkeys(PHONE_AND_FAX, "Phone.: +49 2461 61-9051, Fax:\n+49 2461 61-8047")),
    ({"numbers": ["Phone.: +49 2461 61-9051, Fax: +49 2461\n61-8047"]},
     dict.fromkeys(PHONE_AND_FAX, "Phone.: +49 2461 61-9051, Fax: +49 2461\n61-8047")),
    ({"numbers": ["Phone.: +49 2461 61-9051, Fax: +49\n2461 61-8047"]},
     dict.fromkeys(PHONE_AND_FAX, "Phone.: +49 2461 61-9051, Fax: +49\n2461 61-8047")),
    ({"numbers": ["Phone.: +49 2461 61-9051,\nFax: +49 2461 61-8047"]},
     {"contact.phone": "Phone.: +49 2461 61-9051,", "contact.fax": "Fax: +49 2461 61-8047"}),
    # the e-mail address on the line after its label
    ({"email": ["E-mail:", "f.welter@fz-juelich.de"]}, {"contact.email": "E-mail:\nf.welter@fz-juelich.de"}),
], ids=["heading-after-the", "heading-after-funding", "heading-in-two-paragraphs", "heading-and-person",
        "organisation-after-comma", "organisation-before-juelich", "organisation-before-gmbh",
        "person-and-organisation", "numbers-after-fax-label", "numbers-after-fax-label-two-paragraphs",
        "numbers-inside-fax", "numbers-after-country-code", "numbers-before-fax", "email-after-label"])
def test_the_contact_block_reads_the_same_however_its_lines_wrap(written, quotes):
    from clusterharvest.parse.facts import contact_facts

    paragraphs = ["news from the cluster management organisations, information about projects, conferences and\n"
                  "funding opportunities."]
    paragraphs += [p for part, block in CONTACT_BLOCK.items() for p in written.get(part, block)] + ["Published by"]
    facts = contact_facts(paragraphs)
    assert values(facts) == WELTER, values(facts)
    got = {f.path: f.quote for f in facts}
    assert got == {**CONTACT_LINES, **quotes}, got


def test_a_person_with_no_title_after_a_wrapped_heading_is_the_contact():
    """'Funding Measure' reads as a name as well as 'Florian Welter' does: the heading's own line is the one
    before the person, whose lines follow."""
    from clusterharvest.parse.facts import contact_facts

    facts = contact_facts(["Contact for General Information about the\nFunding Measure", "Florian Welter",
                           "Project Management Jülich,\nForschungszentrum Jülich GmbH",
                           "E-mail: f.welter@fz-juelich.de"])
    got = {f.path: (f.value, f.quote) for f in facts}
    assert got == {"contact.name": ("Florian Welter", "Florian Welter"),
                   "contact.organisation": ("Project Management Jülich, Forschungszentrum Jülich GmbH",
                                            "Project Management Jülich,\nForschungszentrum Jülich GmbH"),
                   "contact.email": ("f.welter@fz-juelich.de", "E-mail: f.welter@fz-juelich.de")}, got


@pytest.mark.parametrize("paragraphs", [
    ["Contact", "Project Management Jülich", "Florian Welter", "E-mail: f.welter@fz-juelich.de"],
    ["Contact for General Information", "Project Management Jülich", "52425 Jülich",
     "E-mail: f.welter@fz-juelich.de"],
], ids=["bare-label", "no-person-after-heading"])
def test_a_heading_takes_no_line_of_the_block_it_cannot_be_sure_of(paragraphs):
    """A label alone ('Contact') is a whole heading; a phrase runs on over the lines before the block's person,
    not over lines that may be the block's organisation."""
    from clusterharvest.parse.facts import contact_facts

    got = {f.path: f.quote for f in contact_facts(paragraphs)}
    assert "Project Management Jülich" in "\n".join(got.values()), got



def test_a_sentence_wrapped_before_contact_is_no_heading():
    """'get in / contact with international partner ...': a line starting with the word in lower case is a sentence
    wrapped there; its lines, prose, are never read as the block's."""
    from clusterharvest.parse.facts import contact_facts

    sentence = ("Funded clusters and networks develop internationalisation concepts, get in\n"
                "contact with international partner innovation regions (with\n"
                "complementary competences) and mutually work out project ideas.")
    facts = contact_facts([sentence, *(p for block in CONTACT_BLOCK.values() for p in block)])
    got = {f.path: f.quote for f in facts}
    assert values(facts) == WELTER, values(facts)
    assert got == CONTACT_LINES, got


def test_lines_of_prose_under_a_heading_are_never_one_wrapped_block_line():
    """The heading set above the flyer's prose, not its block (the lines of a page read in the wrong order): each
    line of the paragraph stays a line, so the block, eight lines at most, ends in prose and names no one."""
    from clusterharvest.parse.facts import contact_facts

    paragraph = "\n".join([
        "Contact for General Information about the Funding Measure",
        "Funded clusters and networks develop internationalisation concepts, get in",
        "contact with international partner innovation regions (with complementary",
        "competences) and mutually work out project ideas in a bottom-up process.",
        "Collaborative R & D & I projects with international partners from the partner",
        "innovation regions are conducted (international partners need to bring in",
        "their own project funding). Three rounds of funding: 2015, 2016 and 2017.",
        "Selection of about 10 promising German clusters and networks in each round.",
        "Funding per cluster or network: up to 4 million Euros, split in two phases.",
        "Enhancing Global Cooperation"])
    assert contact_facts([paragraph, "Aims & Objectives"]) == []

# A paragraph of body text whose full lines are about 70 characters long, to set the lines below against.
BODY = ("When people from different backgrounds and countries work together, they\n"
        "deliver something new. Leading-Edge Clusters and networks make use of this\nwinning formula.\n")


@pytest.mark.parametrize(("pages", "paragraphs"), [
    # a heading set large wraps in short lines: a line ending in 'and', 'the', 'of' runs on
    ([BODY + "Forward-Looking Projects and\nComparable Networks\nForeword"],
     ["Forward-Looking Projects and Comparable Networks", "Foreword"]),
    ([BODY + "Contact for General Information about the\nFunding Measure\nDr. Florian Welter"],
     ["Contact for General Information about the Funding Measure", "Dr. Florian Welter"]),
    ([BODY + "Federal Ministry\nof Education\nand Research"], ["Federal Ministry", "of Education", "and Research"]),
    # a sentence broken by a page runs on to the next page; a page's last line that ends one does not
    ([BODY + "supported by the German Federal Ministry of Education",
      "and Research, the clusters and networks advance their cooperation."],
     ["supported by the German Federal Ministry of Education and Research, the clusters and networks advance "
      "their cooperation."]),
    ([BODY + "and information about projects, conferences and funding opportunities.",
      "Contact for General Information about the Funding Measure"],
     ["and information about projects, conferences and funding opportunities.",
      "Contact for General Information about the Funding Measure"]),
    ([BODY + "the clusters and networks are funded in three rounds of the competition",
      "2\nSelection of about 10 promising German clusters and networks in each round.\n" + BODY],
     ["the clusters and networks are funded in three rounds of the competition", "2",
      "Selection of about 10 promising German clusters and networks in each round. " + " ".join(BODY.split())]),
    # 'by' and 'to' end headings: "Published by", "In writing to"
    ([BODY + "Published by\nBundesministerium für Bildung und Forschung"],
     ["Published by", "Bundesministerium für Bildung und Forschung"]),
], ids=["heading-ends-in-and", "heading-ends-in-the", "cover-lines", "sentence-across-pages", "page-ends-a-sentence",
        "next-page-starts-with-its-number", "heading-ends-in-by"])
def test_flyer_paragraphs(pages, paragraphs):
    got = [" ".join(p.split()) for p in flyer_paragraphs(pages).split("\n\n") if p.strip()][1:]  # after BODY
    assert got == paragraphs, flyer_paragraphs(pages)


def test_a_heading_wrapped_after_an_open_word_keeps_its_line_in_a_block_with_no_person():
    """'... about the' / 'Funding Measure': no phrase ends in 'the', so the line after it is the heading's even
    where it could be a name and no person follows."""
    from clusterharvest.parse.facts import contact_facts

    facts = contact_facts(["Contact for General Information about the\nFunding Measure",
                           "Project Management Jülich, Forschungszentrum Jülich GmbH\n52425 Jülich, Germany",
                           "E-mail: f.welter@fz-juelich.de"])
    got = {f.path: (f.value, f.quote) for f in facts}
    assert got == {"contact.organisation": ("Project Management Jülich, Forschungszentrum Jülich GmbH",
                                            "Project Management Jülich, Forschungszentrum Jülich GmbH"),
                   "contact.email": ("f.welter@fz-juelich.de", "E-mail: f.welter@fz-juelich.de")}, got
