"""The canonical text step: NFC, no control or invisible format characters, ligatures spelled out."""

from __future__ import annotations

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterharvest.parse.canonical import canonical_text, is_canonical
from clusterharvest.parse.text import document_lines


@pytest.mark.parametrize(("raw", "want"), [
    ("Forschungs\u00adcampus", "Forschungscampus"),  # soft hyphen
    ("Singa\u2060pore", "Singapore"),  # word joiner
    ("e.muster\u200dfrau@example.org", "e.musterfrau@example.org"),  # zero-width joiner
    ("Ja\u200bpan, Chi\u200cna", "Japan, China"),  # zero-width space and non-joiner
    ("\ufeffAlpha", "Alpha"),  # a byte-order mark inside the text
    ("\u202bAlpha\u202c \u2067Beta\u2069 \u200fGamma\u200e", "Alpha Beta Gamma"),  # bidi controls
    ("Beta Water\x00 Network", "Beta Water Network"),  # NUL
    ("a\x01b\x1fc\x7fd\x9de", "abcde"),  # other C0, DEL and C1 controls
    ("a\tb\nc\r\nd", "a\tb\nc\r\nd"),  # tab and line breaks stay
    ("Te\x0bl.: 1, Max Bei\x0cspiel, coun\x85tries", "Tel.: 1, Max Beispiel, countries"),  # VT, FF, NEL
    ("a\u2028b\u2029c", "a\nb\nc"),  # the Unicode line and paragraph separators become a line feed
    ("Mu\u0308ller, Go\u0308tz, Stras\u0307e", "Müller, Götz, Stra\u1e61e"),  # NFC
    ("Zusammen\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06", "Zusammenfffiflffifflstst"),  # ligatures
    ("CLIB ²021, H₂O, ½, ™, ﬁ", "CLIB ²021, H₂O, ½, ™, fi"),  # compatibility forms other than ligatures stay
    ("Straße – “quoted” ‘x’ é ñ", "Straße – “quoted” ‘x’ é ñ"),  # ordinary text untouched
])
def test_canonical_text(raw, want):
    got = canonical_text(raw)
    assert got == want, ascii(got)
    assert is_canonical(got)


# Every Default_Ignorable_Code_Point of Unicode (DerivedCoreProperties.txt) that the list above leaves out, and the
# interlinear annotation characters: invisible, so removed as the others are.
IGNORABLE = [
    *(chr(c) for c in range(0xFE00, 0xFE10)),  # variation selectors
    "\ufff9", "\ufffa", "\ufffb",  # interlinear annotation anchor, separator, terminator (Cf, not ignorable)
    "\u17b4", "\u17b5",  # Khmer inherent vowels
    "\u180b", "\u180c", "\u180d", "\u180f",  # Mongolian free variation selectors
    *(chr(c) for c in range(0x206A, 0x2070)),  # deprecated format characters
    "\U000e0001", *(chr(c) for c in range(0xE0020, 0xE0080)),  # tag characters
    "\U000e0100", "\U000e01ef",  # variation selectors supplement
    "\U0001bca0", "\U0001bca1", "\U0001bca2", "\U0001bca3",  # shorthand format controls
    *(chr(c) for c in range(0x1D173, 0x1D17B)),  # musical symbol format characters
]


@pytest.mark.parametrize("char", IGNORABLE, ids=lambda c: f"U+{ord(c):04X}")
def test_every_default_ignorable_code_point_is_removed(char):
    got = canonical_text(f"Alpha Phot{char}onics, 07743 Je{char}na")
    assert got == "Alpha Photonics, 07743 Jena", ascii(got)


@pytest.mark.parametrize("filler", ["\u3164", "\uffa0", "\u115f", "\u1160"], ids=lambda c: f"U+{ord(c):04X}")
def test_a_hangul_filler_is_read_as_the_blank_a_browser_draws(filler):
    """Default_Ignorable, yet drawn as a blank as wide as a character (HarfBuzz does not hide them, as Uniscribe
    draws them), and used in place of a space: a space, so 'Alpha<U+3164>Photonics' is 'Alpha Photonics'."""
    assert canonical_text(f"Alpha{filler}Photonics Cluster") == "Alpha Photonics Cluster"
    assert document_lines(f"<h3>Alpha{filler}Photonics  Cluster{filler}</h3>".encode(), "text/html") == [
        "Alpha Photonics Cluster"]


def test_the_characters_removed_are_unicodes_default_ignorables_and_the_controls():
    """Checked against the Unicode data of another library (``regex``): every Default_Ignorable_Code_Point but the
    Hangul fillers (a space), every C0/C1 control but tab, line feed and carriage return, and U+FFF9-FFFB are
    removed; nothing else is."""
    regex = pytest.importorskip("regex")
    ignorable = regex.compile(r"[\p{Default_Ignorable_Code_Point}\p{Cc}\ufff9-\ufffb]")
    # (U+2028/2029 become line feeds, the Hangul fillers spaces)
    keep = {"\t", "\n", "\r", "\u2028", "\u2029", "\u115f", "\u1160", "\u3164", "\uffa0"}
    want = {c for c in map(chr, range(0x110000)) if ignorable.match(c) and c not in keep}
    got = {c for c in map(chr, range(0x110000)) if not (0xD800 <= ord(c) <= 0xDFFF) and canonical_text(c) == ""}
    assert got == want, sorted(f"U+{ord(c):04X}" for c in got ^ want)


@given(st.text())
def test_canonical_text_is_idempotent_and_never_raises(text):
    once = canonical_text(text)
    assert canonical_text(once) == once


@pytest.mark.parametrize("markup", [
    "<p>Forschungs&shy;campus</p>",  # a named character reference
    "<p>Forschungs&#173;campus</p>", "<p>Forschungs&#x200B;campus</p>",  # numeric ones
    "<p>Forschungs\u00adcampus</p>",  # the character itself
    "<p>Forschungs\x00campus</p>",  # a NUL, which the HTML parser would turn into U+FFFD
    "<p>Forschungs\u202acampus\u202c</p>",
])
def test_html_text_is_canonical_whether_written_as_character_or_reference(markup):
    for data in (markup.encode("utf-8"), markup.encode("utf-16"), markup):
        assert document_lines(data, "text/html") == ["Forschungscampus"], (markup, data[:20])


def test_nfd_umlauts_from_a_reference_are_composed():
    assert document_lines(b"<p>Go&#x308;tz, Mu\xcc\x88ller</p>", "text/html") == ["Götz, Müller"]


def test_pdf_like_plain_text_is_canonical():
    # pdftotext ends each page with a form feed after its last line break: the pages stay apart.
    assert document_lines("Kon\ufb01guration\n\x0cSeite 2\u00ad", "text/plain") == ["Konfiguration", "Seite 2"]
    assert document_lines("Tele\x0bfon\x0c: 0345\x85 1", "text/plain") == ["Telefon: 0345 1"]


def test_lxml_keeps_vertical_tab_form_feed_and_nel_in_a_text_node():
    """Why the canonical step decides about them in HTML too: the parser hands them on as they stand."""
    assert lxml.html.fromstring("<p>a\x0bb\x0cc\x85d &#12;e</p>").text_content() == "a\x0bb\x0cc\x85d \x0ce"


@pytest.mark.parametrize(("markup", "want"), [
    ("<p>Te\x0bl.: +49 3641 123456</p><p>Max Bei\x0cspiel</p>", ["Tel.: +49 3641 123456", "Max Beispiel"]),
    ("<p>Target coun\u0085tries concept phase: Fin&#12;land</p>", ["Target countries concept phase: Finland"]),
    ("<p>Seite 1 \x0c Seite 2</p>", ["Seite 1 Seite 2"]),  # beside spaces, nothing is left of it
    # Between two letters it is dropped as a browser draws it: CSS Text 3 renders a form feed with no width.
    ("<p>Ende.\x0cAnfang</p>", ["Ende.Anfang"]),
])
def test_vertical_tab_form_feed_and_nel_in_html_are_removed_not_line_breaks(markup, want):
    for data in (markup.encode("utf-8"), markup):
        assert document_lines(data, "text/html") == want, (markup, data[:20])
