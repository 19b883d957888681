"""The canonical text step: NFC, no control or invisible format characters, ligatures spelled out."""

from __future__ import annotations

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
    ("a\x0bb\x0cc\x85d\u2028e\u2029f", "a\nb\nc\nd\ne\nf"),  # other line breaks become a line feed
    ("Mu\u0308ller, Go\u0308tz, Stras\u0307e", "Müller, Götz, Stra\u1e61e"),  # NFC
    ("Zusammen\ufb00\ufb01\ufb02\ufb03\ufb04\ufb05\ufb06", "Zusammenfffiflffifflstst"),  # ligatures
    ("CLIB ²021, H₂O, ½, ™, ﬁ", "CLIB ²021, H₂O, ½, ™, fi"),  # compatibility forms other than ligatures stay
    ("Straße – “quoted” ‘x’ é ñ", "Straße – “quoted” ‘x’ é ñ"),  # ordinary text untouched
])
def test_canonical_text(raw, want):
    got = canonical_text(raw)
    assert got == want, ascii(got)
    assert is_canonical(got)


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
    assert document_lines("Kon\ufb01guration\x0cSeite 2\u00ad", "text/plain") == ["Konfiguration", "Seite 2"]
