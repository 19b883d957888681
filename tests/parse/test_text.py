"""Decoding bytes and extracting visible lines from any rendering."""

from __future__ import annotations

import codecs

import pytest

from clusterharvest.parse.cluster_directory import parse_directory
from clusterharvest.parse.text import (
    LOST,
    MOJIBAKE,
    NO_CHARACTER,
    READ_AS_1252,
    UTF8_WITH_1252,
    Note,
    document_lines,
    html_lines,
    read_document,
    sniff_encoding,
    truncation,
)

UMLAUTS = "Elektromobilität Süd-West, Lüdenscheid, Weißandt-Gölzau"


@pytest.mark.parametrize(("data", "ctype", "want"), [
    (codecs.BOM_UTF8 + "ä".encode(), "text/html; charset=iso-8859-1", "utf-8-sig"),  # BOM wins
    ("ä".encode("cp1252"), "text/html; charset=windows-1252", "cp1252"),
    ("ä".encode("cp1252"), "text/html; charset=ISO-8859-1", "cp1252"),  # browsers read latin-1 as 1252
    (b'<meta charset="windows-1252"><p>\xe4</p>', "text/html", "cp1252"),
    (b'<meta http-equiv="Content-Type" content="text/html; charset=utf-8"><p>x</p>', None, "utf-8"),
    ("ä".encode(), None, "utf-8"),
    ("ä".encode("cp1252"), None, "cp1252"),  # not UTF-8: the web's usual fallback
    # A declaration other than a byte-order mark is checked against the bytes: valid UTF-8 with characters beyond
    # ASCII is UTF-8, whatever legacy encoding, single- or multi-byte, is declared.
    ("Süd".encode(), "text/html; charset=iso-8859-2", "utf-8"),
    ("Süd".encode(), "text/html; charset=Shift_JIS", "utf-8"),
    (b'<meta charset="koi8-r"><p>' + "Süd".encode() + b"</p>", "text/html", "utf-8"),
    (b'<meta charset="utf-16"><p>' + "Süd".encode() + b"</p>", "text/html", "utf-8"),
    # ... and bytes that are not UTF-8 are read as declared
    ("Łódź".encode("iso-8859-2"), "text/html; charset=iso-8859-2", "iso8859-2"),
    ("日本".encode("shift_jis"), "text/html; charset=shift_jis", "shift_jis"),
    (b"<p>Gdansk</p>", "text/html; charset=iso-8859-2", "iso8859-2"),  # ASCII: nothing to check
    # UTF-16 with its byte-order mark stays UTF-16, whatever the header says
    ("<p>Süd</p>".encode("utf-16"), "text/html; charset=iso-8859-1", "utf-16"),
    # A UTF-8 byte-order mark with bytes that are not UTF-8 behind it: UTF-8 piece by piece
    (codecs.BOM_UTF8 + "Süd ".encode() + "Köln".encode("cp1252"), None, UTF8_WITH_1252),
    (codecs.BOM_UTF8 + "Köln".encode("cp1252"), "text/html; charset=utf-8", UTF8_WITH_1252),
])
def test_sniff_encoding(data, ctype, want):
    assert sniff_encoding(data, ctype)[0] == want


def test_windows_1252_page_with_meta_keeps_umlauts():
    page = f'<html><head><meta charset="windows-1252"></head><body><p>{UMLAUTS} – “quoted”</p></body></html>'
    lines = document_lines(page.encode("cp1252"), "text/html")
    assert lines == [f"{UMLAUTS} – “quoted”"], lines


def test_utf8_page_without_any_charset_keeps_umlauts():
    page = f"<html><body><p>{UMLAUTS}</p></body></html>".encode()
    assert document_lines(page, "text/html") == [UMLAUTS]


def test_br_and_block_elements_make_the_same_lines():
    a = html_lines("<p>One<br>Two<br/>Three</p>")
    b = html_lines("<div><p>One</p><p>Two</p><span>Three</span></div>")
    c = html_lines("<p>One</p>\n<p>Two\n</p>Three")
    assert a == b == c == ["One", "Two", "Three"], (a, b, c)


def test_chrome_is_dropped_and_lists_read_like_text():
    page = """<html><body><header role="banner"><nav><a>Home</a></nav></header>
    <main><h1>Title</h1><ul><li>first</li><li>second</li></ul><ol start="3"><li>third</li></ol>
    <form><p>Leave a Reply</p></form></main>
    <footer>Imprint</footer><div role="dialog">We use cookies</div><script>var x=1;</script></body></html>"""
    assert html_lines(page) == ["Title", "- first", "- second", "3. third"]


def test_deeply_nested_markup_is_read_without_recursion_errors():
    page = "<div>" * 1500 + "deep text" + "</div>" * 1500
    assert html_lines(page) == ["deep text"]


@pytest.mark.parametrize("depth", [5000, 100_000])
def test_markup_nested_far_past_libxml2s_tree_limits_loses_no_text(depth):
    # The streaming parser builds no tree, so depth costs no recursion and no text is dropped; were
    # libxml2 to hit a resource limit anyway, html_lines raises ParseError rather than return less.
    page = "<div>" * depth + "deep text" + "</div>" * depth + "<p>after</p>"
    assert html_lines(page) == ["deep text", "after"]


# One entry pasted from a word processor into an otherwise UTF-8 page: its bytes are windows-1252.
PASTED = "Dr. Jürgen Mäßig, Köln – “Straße” é"


@pytest.mark.parametrize("ctype", ["text/html; charset=utf-8", "text/html", None])
def test_stray_windows_1252_bytes_in_a_utf8_page_are_read_piece_by_piece(ctype):
    page = (f"<html><head><meta charset='utf-8'></head><body><p>{UMLAUTS}</p><p>".encode()
            + PASTED.encode("cp1252") + f"</p><p>{UMLAUTS} ²021</p></body></html>".encode())
    doc = read_document(page, ctype)
    assert doc.lines == [UMLAUTS, PASTED, f"{UMLAUTS} ²021"], doc.lines
    assert doc.notes == [Note(1, PASTED, READ_AS_1252)], doc.notes


def test_a_windows_1252_page_declared_so_with_a_pasted_utf8_entry():
    page = (b"<html><head><meta charset='windows-1252'></head><body><p>" + PASTED.encode("cp1252") + b"</p><p>"
            + f"{UMLAUTS}</p><p>{UMLAUTS}</p></body></html>".encode())
    doc = read_document(page, "text/html")
    assert doc.lines == [PASTED, UMLAUTS, UMLAUTS], doc.lines
    assert doc.notes == [Note(0, PASTED, READ_AS_1252)], doc.notes


def test_a_page_that_is_windows_1252_throughout_is_read_as_windows_1252_without_notes():
    page = f"<html><body><p>{PASTED}</p><p>{UMLAUTS}</p></body></html>".encode("cp1252")
    doc = read_document(page, "text/html")
    assert doc.lines == [PASTED, UMLAUTS] and doc.notes == [], doc


@pytest.mark.parametrize("byte", [b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"])
def test_a_byte_windows_1252_leaves_undefined_is_a_lost_character_noted_with_its_place(byte):
    """WHATWG's windows-1252 reads these five bytes as C1 controls, which the canonical step removes: a character
    of the source is gone, so the line is noted as one that lost it (shown as U+FFFD), never read silently."""
    page = "<p>Köln</p><p>90762 F".encode() + byte + b"rth, M\xfcller</p>"
    doc = read_document(page, "text/html")
    assert doc.lines == ["Köln", "90762 Frth, Müller"], doc.lines
    assert doc.notes == [Note(1, "90762 F\ufffdrth, Müller", READ_AS_1252),
                         Note(1, "90762 F\ufffdrth, Müller", NO_CHARACTER)], doc.notes


def test_a_byte_windows_1252_leaves_undefined_in_a_windows_1252_page_is_a_lost_character_too():
    page = b"<meta charset='windows-1252'><p>M\xfcller</p><p>F\x81rth</p>"
    doc = read_document(page, "text/html")
    assert doc.lines == ["Müller", "Frth"] and doc.notes == [Note(1, "F\ufffdrth", NO_CHARACTER)], doc


# -- a declared encoding the bytes contradict --------------------------------------------------------------------

SUED = "<html><head>{meta}</head><body><h3>Alpha Süd Cluster</h3><p>01069 Dresden-Löbtau</p></body></html>"


@pytest.mark.parametrize("charset", ["iso-8859-2", "koi8-r", "shift_jis", "ibm866", "cp437", "tis-620", "iso-8859-4",
                                     "gb2312", "euc-kr", "big5", "windows-1250", "iso-8859-15", "macintosh",
                                     "windows-1252", "utf-16"])
@pytest.mark.parametrize("where", ["header", "meta"])
def test_a_utf8_page_declared_in_another_encoding_is_read_as_utf8_and_says_so(charset, where, caplog):
    meta = f'<meta charset="{charset}">' if where == "meta" else ""
    page = SUED.format(meta=meta).encode("utf-8")
    with caplog.at_level("WARNING", logger="clusterharvest"):
        doc = read_document(page, f"text/html; charset={charset}" if where == "header" else "text/html")
    assert doc.lines == ["Alpha Süd Cluster", "01069 Dresden-Löbtau"] and doc.notes == [], doc
    warned = [r.getMessage() for r in caplog.records]
    assert len(warned) == 1 and "declares the charset" in warned[0] and "read as UTF-8" in warned[0], warned


def test_a_page_in_the_encoding_it_declares_is_read_in_it_without_a_warning(caplog):
    page = SUED.format(meta='<meta charset="iso-8859-2">').replace("Löbtau", "Łódź").encode("iso-8859-2")
    with caplog.at_level("WARNING", logger="clusterharvest"):
        doc = read_document(page, "text/html")
    assert doc.lines == ["Alpha Süd Cluster", "01069 Dresden-Łódź"] and doc.notes == [], doc
    assert caplog.records == []


# -- a UTF-8 byte-order mark before bytes that are not all UTF-8 ---------------------------------------------------

def test_a_page_with_a_utf8_byte_order_mark_and_stray_windows_1252_bytes_is_read_piece_by_piece():
    page = (codecs.BOM_UTF8 + f"<html><body><p>{UMLAUTS}</p><p>".encode() + PASTED.encode("cp1252")
            + b"</p></body></html>")
    doc = read_document(page, "text/html")
    assert doc.lines == [UMLAUTS, PASTED], doc.lines
    assert doc.notes == [Note(1, PASTED, READ_AS_1252)], doc.notes


def test_a_utf8_byte_order_mark_before_windows_1252_text_reads_it_piece_by_piece():
    doc = read_document(codecs.BOM_UTF8 + "<p>Köln</p>".encode("cp1252"), "text/html")
    assert doc.lines == ["Köln"] and doc.notes == [Note(0, "Köln", READ_AS_1252)], doc


# -- UTF-8 encoded twice: read as Latin-1, encoded again ---------------------------------------------------------

def twice(text: str) -> str:
    """What a page holds whose UTF-8 was read as Latin-1 and encoded as UTF-8 again."""
    return text.encode("utf-8").decode("latin-1")


@pytest.mark.parametrize(("text", "line", "raw"), [
    ("07743 Gießen", "07743 GieÃen", "07743 GieÃ\x9fen"),  # ß: 'Ã' and the C1 control U+009F
    ("07743 Città", "07743 CittÃ", "07743 CittÃ\xa0"),  # à: 'Ã' and a no-break space
    ("Città di Castello", "CittÃ di Castello", "CittÃ\xa0 di Castello"),
    ("Łódź", "Å\x81Ã³dÅº", "Å\x81Ã³dÅº"),  # Ł: 'Å' and U+0081 (the line as read keeps it; the line drops it)
    ("Max Mußmann, °C", "Max MuÃmann, Â°C", "Max MuÃ\x9fmann, Â°C"),
])
def test_utf8_encoded_twice_is_noted_as_mojibake_where_its_evidence_stands(text, line, raw):
    line = line.replace("\x81", "")
    doc = read_document(f"<p>Köln</p><p>{twice(text)}</p>".encode(), "text/html")
    assert doc.lines == ["Köln", line], doc.lines
    assert doc.notes == [Note(1, raw, MOJIBAKE)], doc.notes


@pytest.mark.parametrize("text", [
    "»Fuß«, »GROẞ«",  # a word's last letter before a guillemet
    "Fuß\u00adball, Spaß\u00a0machen, 3×\u00a04 m, Ä°",  # before a soft hyphen, a no-break space, a degree sign
    "São Paulo, Ãœ",  # 'Ã' before a letter
])
def test_latin_1_letters_before_latin_1_punctuation_are_no_evidence_of_double_encoding(text):
    doc = read_document(f"<p>{text}</p>".encode(), "text/html")
    assert doc.notes == [], doc.notes


def test_double_encoding_is_noted_in_every_utf8_reading():
    want = [Note(0, "GieÃ\x9fen", MOJIBAKE)]
    for page, ctype in [(f"<p>{twice('Gießen')}</p>".encode(), "text/html"),  # valid UTF-8 HTML
                        (f"{twice('Gießen')}\n".encode(), "text/plain"),  # plain text
                        (codecs.BOM_UTF8 + f"<p>{twice('Gießen')}</p>".encode(), "text/html"),  # byte-order mark
                        (f"<p>{twice('Gießen')}</p>".encode(), "text/html; charset=iso-8859-2")]:  # overruled
        assert read_document(page, ctype).notes == want, (page, ctype)
    # read piece by piece (a pasted windows-1252 line after it)
    doc = read_document(f"<p>{twice('Gießen')}</p><p>".encode() + "Müller".encode("cp1252") + b"</p>", "text/html")
    assert doc.notes == [*want, Note(1, "Müller", READ_AS_1252)], doc.notes


def test_the_marks_decoding_uses_are_no_characters_a_page_can_smuggle_in():
    """U+FDD0-FDEF are Unicode noncharacters, never in interchanged text: a page's own are removed first."""
    page = "<p>Gro\ufdd0ß\ufdd1</p><p>a\ufdd29f</p>".encode()
    doc = read_document(page, "text/html")
    assert doc.lines == ["Groß", "a9f"] and doc.notes == [], doc


# -- windows-1252 bytes that happen to be valid UTF-8, in a page read piece by piece -------------------------

@pytest.mark.parametrize("pasted", [  # each with bytes that are not UTF-8 too ('„', 'ö', 'ü', '”')
    "Gamma „Groß“ Cluster",  # 'ß“': bytes DF 93, also the UTF-8 of the NKo letter U+07D3
    "Fuß–Weg, Göttingen",  # 'ß–': NKo U+07D6
    "GRÜ… und BLÖ“ für",  # 'Ü…': the Syriac colon U+0705; 'Ö“': the Hebrew accent U+0593
    "Groß» für Spaß\u00a0und Fuß\u00adball",  # 'ß»': unassigned U+07FB; 'ß' + no-break space, + soft hyphen
    "Â“Alpha”",  # 'Â“': the C1 control U+0093
])
def test_windows_1252_bytes_that_form_utf8_of_a_script_the_page_does_not_use_are_read_as_windows_1252(pasted):
    """A page known to hold windows-1252 bytes (read piece by piece): a two-byte UTF-8 sequence whose character
    is of a script no other character of the page is written in, and whose windows-1252 reading is a letter and
    a punctuation mark or space, is windows-1252 too."""
    page = "<p>Süd – “Köln”</p><p>".encode() + pasted.encode("cp1252") + b"</p>"
    doc = read_document(page, "text/html")
    want = " ".join(pasted.replace("\u00ad", "").split())
    assert doc.lines == ["Süd – “Köln”", want], doc.lines
    assert doc.notes == [Note(1, want, READ_AS_1252)], doc.notes


@pytest.mark.parametrize("written", [
    "Ελλάδα, φ",  # φ (CF 86, 'Ï†' in windows-1252) where the page writes Greek
    "Санкт-Петербург",  # т (D1 82, 'Ñ‚') where the page writes Cyrillic
    "Jēkabs, Łódź",  # Latin letters: ē is C4 93, 'Ä“'
    "Dr. Müller · 10 µm · »Titel« · §5 · Nr.\u00a01",  # Latin-1 punctuation
    "→ ≥ “x” €",  # three-byte sequences
])
def test_utf8_characters_of_the_pages_own_scripts_stay_in_a_page_read_piece_by_piece(written):
    page = f"<p>{written}</p><p>".encode() + "Müller".encode("cp1252") + b"</p>"
    doc = read_document(page, "text/html")
    assert doc.lines == [written.replace("\u00a0", " "), "Müller"], doc.lines
    assert doc.notes == [Note(1, "Müller", READ_AS_1252)], doc.notes


@pytest.mark.parametrize("written", ["\ufffd", "&#xFFFD;", "&#0;", "&#xD800;"])
def test_a_replacement_character_is_removed_and_noted_never_kept(written):
    doc = read_document(f"<p>Beta Water{written} Network</p><p>ok</p>".encode(), "text/html")
    assert doc.lines == ["Beta Water Network", "ok"], doc.lines
    assert doc.notes == [Note(0, "Beta Water\ufffd Network", LOST)], doc.notes


CF = "42296c32302d202702273a232f322e276c2d3025"  # k.probe@example.org, as Cloudflare protects it


@pytest.mark.parametrize(("markup", "want"), [
    # Cloudflare's usual form: a link and a span, both holding the encoded address, text '[email protected]'
    (f'<p>E-Mail: <a href="/cdn-cgi/l/email-protection#{CF}"><span class="__cf_email__" data-cfemail="{CF}">'
     f'[email&#160;protected]</span></a></p>', [f"E-Mail: cfemail:{CF}"]),
    (f'<p>E-Mail: <span class="__cf_email__" data-cfemail="{CF}">[email protected]</span></p>',
     [f"E-Mail: cfemail:{CF}"]),
    (f'<p>E-Mail: <a href="https://example.org/cdn-cgi/l/email-protection#{CF}">[email protected]</a></p>',
     [f"E-Mail: cfemail:{CF}"]),
    (f'<p>Mail: <a href="/cdn-cgi/l/email-protection#{CF}">[email protected]</a>, Tel.: 0345 1</p>',
     [f"Mail: cfemail:{CF}, Tel.: 0345 1"]),
    # a protected link with words of its own shows those words, as any mailto: link does
    (f'<p>Please <a href="/cdn-cgi/l/email-protection#{CF}">write to us</a>.</p>', ["Please write to us."]),
    # the placeholder without an encoded address stays as written
    ('<p>E-Mail: <span class="__cf_email__">[email protected]</span></p>', ["E-Mail: [email protected]"]),
])
def test_cloudflare_protected_addresses_keep_their_encoded_form(markup, want):
    got = html_lines(markup)
    assert got == want, got


PAGE = b"<!DOCTYPE html><html><head><title>t</title></head><body>" + b"<p>Line of text.</p>\n" * 400 + b"</body></html>"


@pytest.mark.parametrize("after", [
    b"", b"\n", b"\n<!-- cached 12:00 -->\n",
    b"\x00", "\ufeff".encode(), "\u200b\n".encode(), b"<script>x()</script>",  # what CDNs and servers append
    b"\n<script src='/cdn-cgi/scripts/email-decode.min.js'></script><script>window.__cf=1</script>\n",
])
def test_a_page_whose_last_4_kb_hold_its_closing_html_tag_is_not_cut(after):
    assert truncation(PAGE + after, "text/html") is None


@pytest.mark.parametrize("after", [b"\x00", "\ufeff".encode(), "\u200b\n".encode(), b"<script>x()</script>"])
def test_the_bundled_directory_with_something_after_its_end_gives_every_entry(bundled_directory_html, after):
    assert len(parse_directory(bundled_directory_html + after, "x", "text/html")) == 32


@pytest.mark.parametrize("page", [
    PAGE[:len(PAGE) // 3],  # a transfer that stopped short
    PAGE[:-len(b"</body></html>")],  # all text there, the end missing
    # '</html>' in a script near the top is no end of the page
    PAGE.replace(b"<body>", b"<body><script>w.document.write('</html>')</script>")[:len(PAGE) // 2],
])
def test_a_page_cut_before_its_closing_html_tag_is_still_cut(page):
    got = truncation(page, "text/html")
    assert got is not None and got.startswith("the page ends before its closing </html>"), got


@pytest.mark.parametrize(("markup", "want"), [
    # a mailto: link whose text shows no address: the text, then the address as RFC 5322's name-addr writes it
    ('<p><a href="mailto:e.muster@example.org">E-Mail</a></p>', ["E-Mail <e.muster@example.org>"]),
    ('<p>E-Mail: <a href="mailto:e.muster@example.org">Send an <b>e-mail</b></a></p>',
     ["E-Mail: Send an e-mail <e.muster@example.org>"]),
    ('<p><a href="MAILTO:e.muster@example.org?subject=Cluster%20network">Dr. Erika Muster</a><br>Tel.: 1</p>',
     ["Dr. Erika Muster <e.muster@example.org>", "Tel.: 1"]),
    ('<p>Write to <a href="mailto:info%40example.org">our office</a>.</p>',
     ["Write to our office <info@example.org>."]),
    # a link whose text shows the address, plainly or obfuscated, stays as written
    ('<p>E-Mail: <a href="mailto:e.muster@example.org">e.muster@example.org</a></p>',
     ["E-Mail: e.muster@example.org"]),
    ('<p>E-Mail: <a href="mailto:e.muster@example.org">e.muster (at) example (dot) org</a></p>',
     ["E-Mail: e.muster (at) example (dot) org"]),
    ('<p><a href="mailto:">E-Mail</a> <a href="https://example.org/">Web</a></p>', ["E-Mail Web"]),
])
def test_a_mailto_link_that_shows_no_address_shows_its_target(markup, want):
    got = html_lines(markup)
    assert got == want, got
