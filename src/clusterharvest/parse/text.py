"""From bytes to visible text lines: charset decoding and HTML text extraction.

Parsers work on lines of visible text, so a page gives the same lines whether its markup
puts each line in its own element, separates lines with ``<br>``, or is a plain-text
capture. Page chrome (navigation, header and footer bars, cookie notices, forms, scripts)
is dropped by its semantic element or ARIA role, the way readers and extractors do.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import unquote

import lxml.etree
import lxml.html
from ftfy.badness import badness

from ..errors import ParseError
from .canonical import canonical_text

log = logging.getLogger("clusterharvest.parse")

BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# WHATWG: labels that browsers decode as windows-1252.
WINDOWS_1252_LABELS = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii",
                       "windows-1252", "cp1252", "x-cp1252"}
META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)

BLOCK_TAGS = frozenset(
    [
        "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "dialog", "div",
        "dl", "dt", "fieldset", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "html",
        "li", "main", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul"
    ]
)
CHROME_TAGS = frozenset(
    [
        "script", "style", "noscript", "template", "nav", "aside", "form", "button", "select", "textarea",
        "iframe", "svg", "canvas", "object", "embed", "head", "title"
    ]
)
CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo", "dialog", "alertdialog", "search",
                          "complementary", "menu", "menubar", "tablist"})


def encoding_label(label: str) -> str | None:
    """A Python codec name for a charset label, or None if unknown."""
    label = label.strip().lower()
    if label in WINDOWS_1252_LABELS:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_encoding(data: bytes, content_type: str | None) -> str | None:
    """The encoding a document declares: BOM, then the HTTP header, then ``<meta charset>`` (the BOM wins over
    the header, as in the HTML standard); None if it declares none we know."""
    for bom, codec in BOMS:
        if data.startswith(bom):
            return codec
    if content_type:
        in_header = HEADER_CHARSET.search(content_type)
        if in_header and (name := encoding_label(in_header.group(1))):
            return name
    in_meta = META_CHARSET.search(data[:4096])
    if in_meta and (name := encoding_label(in_meta.group(1).decode("ascii", "replace"))):
        return name
    return None


# The decoding that a page declared (or sniffed as) UTF-8 gets when a few of its bytes are not UTF-8: a fragment
# pasted from a word processor. Valid UTF-8 stays UTF-8; each invalid byte is read as windows-1252.
UTF8_WITH_1252 = "utf-8+windows-1252"
UTF8_READINGS = ("utf-8", "utf-8-sig", UTF8_WITH_1252)
VALID_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
INVALID_UTF8 = re.compile(rb"[\x80-\xff]")


class Sniffed(NamedTuple):
    """What ``sniff_encoding`` found: the encoding to read the bytes in; whether they were found to be valid UTF-8
    on the way; and the encoding the page declared where its bytes, valid UTF-8, overruled it."""

    encoding: str
    valid_utf8: bool
    overruled: str | None = None


def sniff_encoding(data: bytes, content_type: str | None = None) -> Sniffed:
    """The encoding of a page's bytes (a Python codec name, or ``UTF8_WITH_1252``).

    A byte-order mark decides: UTF-16 is UTF-16; UTF-8 is UTF-8, read piece by piece (``UTF8_WITH_1252``) where
    bytes behind it are not UTF-8. Any other declaration (HTTP charset, ``<meta charset>``) is checked against
    the bytes, since pages lie about their charset: bytes that are valid UTF-8 with characters beyond ASCII are
    UTF-8 whatever encoding, single- or multi-byte, the page declares (``overruled`` then names it), since valid
    multi-byte UTF-8 sequences all but never occur in text in another encoding (windows-1252 would turn 'ä' into
    'Ã¤', ISO-8859-2 into 'Ă¤'). Bytes that are not valid UTF-8 are read as declared; declared UTF-8,
    windows-1252 or nothing, they are ``UTF8_WITH_1252`` when they hold valid multi-byte UTF-8 sequences too (a UTF-8
    page with a fragment pasted in windows-1252, or the reverse) and read better that way
    (``utf8_with_1252_reads_better``), else windows-1252 throughout.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Sniffed("utf-16", False)
    if data.startswith(codecs.BOM_UTF8):
        return Sniffed("utf-8-sig", True) if is_utf8(data) else Sniffed(UTF8_WITH_1252, False)
    declared = declared_encoding(data, content_type)
    if data.isascii():
        return Sniffed(declared or "utf-8", True)
    if is_utf8(data):
        return Sniffed("utf-8", True, declared if declared not in (None, "utf-8") else None)
    if declared not in ("utf-8", "cp1252", None):
        return Sniffed(declared, False)
    mixed = VALID_MULTIBYTE.search(data) and utf8_with_1252_reads_better(data)
    return Sniffed(UTF8_WITH_1252 if mixed else "cp1252", False)


def utf8_with_1252_reads_better(data: bytes) -> bool:
    """Whether bytes holding both valid multi-byte UTF-8 and bytes that are not UTF-8 read better as UTF-8 with
    windows-1252 pieces than as windows-1252 throughout: less mojibake by ftfy's measure, and on a tie more
    valid UTF-8 sequences than stray bytes."""
    pieces, whole = as_read(decode(data, UTF8_WITH_1252)), as_read(windows_1252(data))
    if (a := badness(pieces)) != (b := badness(whole)):
        return a < b
    valid = sum(1 for _ in VALID_MULTIBYTE.finditer(data))
    return valid > len(INVALID_UTF8.findall(VALID_MULTIBYTE.sub(b"", data)))


def is_utf8(data: bytes) -> bool:
    """Whether bytes are valid UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# Marks that decoding leaves in the text for ``noted``, which takes them out again: Unicode noncharacters, which
# never stand in interchanged text (any in a page itself are removed first, ``marked_utf8``).
REPAIRED = "\ufdd0"  # around what the windows-1252 fallback read
NO_CHARACTER_MARK = "\ufdd1"  # a byte windows-1252 leaves undefined: a character lost
TWICE_MARK = "\ufdd2"  # UTF-8 encoded twice: stands for the pair's second character, written after it in hex
MARKS = (REPAIRED, NO_CHARACTER_MARK, TWICE_MARK, "\ufffd")  # what ``noted`` has something to say about
TWICE_WRITTEN = re.compile(f"{TWICE_MARK}([0-9a-f]{{2}})")
PAGE_MARKS = re.compile(rb"\xef\xb7[\x90-\xaf]")  # U+FDD0-FDEF in UTF-8
# UTF-8 encoded twice (its bytes read as Latin-1 and encoded as UTF-8 again), where the evidence is sure: a UTF-8
# lead byte read as Latin-1 (U+00C2-00DF) followed by a C1 control (a continuation byte 0x80-0x9F read as
# Latin-1), which no text holds; or 'Â' or 'Ã' (the leads of U+0080-00FF) followed by U+00A0-00BF ('Ã\xa0' is 'à',
# 'Â°' is '°'). Not another Latin-1 letter before Latin-1 punctuation: '»Fuß«', 'Fuß' and a soft hyphen, '3×' and a
# no-break space are text.
TWICE = re.compile(rb"\xc3(?:[\x82-\x9f]\xc2[\x80-\x9f]|[\x82\x83]\xc2[\xa0-\xbf])")


def marked_utf8(data: bytes) -> bytes:
    """UTF-8 bytes without the noncharacters U+FDD0-FDEF (the marks of this module), each pair of characters that
    is UTF-8 encoded twice (``TWICE``) marked for ``noted``: its second character written as ``TWICE_MARK`` and two
    hex digits (so that the canonical text step, which removes a C1 control, cannot remove the evidence)."""
    if b"\xef\xb7" in data:
        data = PAGE_MARKS.sub(b"", data)
    if TWICE.search(data):
        data = TWICE.sub(lambda m: m[0][:2] + TWICE_MARK.encode() + b"%02x" % m[0][3], data)
    return data


def as_read(text: str) -> str:
    """Text with the marks of decoding resolved as the source has it: a pair encoded twice as written, a byte
    windows-1252 leaves undefined as U+FFFD."""
    if TWICE_MARK in text:
        text = TWICE_WRITTEN.sub(lambda m: chr(int(m[1], 16)), text)
    return text.replace(REPAIRED, "").replace(NO_CHARACTER_MARK, "\ufffd")


def no_character(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: each byte windows-1252 leaves undefined as ``NO_CHARACTER_MARK``."""
    assert isinstance(error, UnicodeDecodeError)
    return NO_CHARACTER_MARK * (error.end - error.start), error.end


def windows_1252(data: bytes) -> str:
    """Bytes as browsers read windows-1252 (WHATWG Encoding), but for its five undefined bytes (0x81, 0x8D, 0x8F,
    0x90, 0x9D), which browsers read as C1 controls and the canonical text step would remove: each is
    ``NO_CHARACTER_MARK``, a character lost."""
    return data.decode("cp1252", errors="clusterharvest-no-character")


def read_as_windows_1252(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: the bytes that are not UTF-8, read as windows-1252 and marked with ``REPAIRED``."""
    assert isinstance(error, UnicodeDecodeError)
    return f"{REPAIRED}{windows_1252(error.object[error.start:error.end])}{REPAIRED}", error.end


codecs.register_error("clusterharvest-no-character", no_character)
codecs.register_error("clusterharvest-windows-1252", read_as_windows_1252)

# Characters of two-byte UTF-8 sequences beyond Latin-1, and the C1 controls: a windows-1252 letter followed by
# one of its punctuation marks can make such a sequence ('ß“' is DF 93, the NKo letter U+07D3).
TWO_BYTE = re.compile("[\x80-\x9f\u0100-\u07ff]")


def script(char: str) -> str | None:
    """The script a character belongs to as its Unicode name begins with it ('LATIN', 'GREEK', 'NKO', 'SYRIAC'), or
    None for one without a name (a control, an unassigned code point)."""
    return unicodedata.name(char, "").split(" ", 1)[0] or None


def looks_like_1252(char: str) -> bool:
    """Whether a character's two UTF-8 bytes read in windows-1252 as a letter and a punctuation mark, a no-break
    space or a soft hyphen: a word's last letter and what a word processor writes after it."""
    after = windows_1252(char.encode("utf-8")[1:])
    return unicodedata.category(after)[0] == "P" or after in "\xa0\xad"


def reread_lookalikes(text: str) -> str:
    """Text decoded as ``UTF8_WITH_1252`` with the valid UTF-8 sequences that are windows-1252 too read as such
    (and marked with ``REPAIRED``): in a page known to hold windows-1252 bytes, a two-byte sequence whose bytes read
    as windows-1252 like a word's end (``looks_like_1252``) and whose character is of a script no other character
    of the page is written in (a control, an unassigned code point, an NKo letter in a German page)."""
    parts = text.split(REPAIRED)  # what was UTF-8, what was read as windows-1252, what was UTF-8, ...
    suspects = {char for part in parts[::2] for char in TWO_BYTE.findall(part) if looks_like_1252(char)}
    if not suspects:
        return text
    scripts = {name for char in set(text) - suspects if not char.isascii() and (name := script(char))} | {"LATIN"}
    foreign = "".join(char for char in suspects if script(char) not in scripts)
    if not foreign:
        return text
    pattern = re.compile(f"[{re.escape(foreign)}]")
    parts[::2] = [pattern.sub(lambda m: f"{REPAIRED}{windows_1252(m[0].encode())}{REPAIRED}", part)
                  for part in parts[::2]]
    return REPAIRED.join(parts)


def decode(data: bytes, encoding: str) -> str:
    """Bytes as text in a ``sniff_encoding`` result, with the marks ``noted`` reads: ``UTF8_WITH_1252`` marks what it
    read as windows-1252; windows-1252 marks a byte it leaves undefined; UTF-8 marks text encoded twice."""
    if encoding in UTF8_READINGS:
        data = marked_utf8(data)
        if encoding == UTF8_WITH_1252:
            return reread_lookalikes(data.decode("utf-8", errors="clusterharvest-windows-1252"))
        return data.decode(encoding, errors="replace")
    if encoding == "cp1252":
        return windows_1252(data) if not data.isascii() else data.decode("ascii")
    return data.decode(encoding, errors="replace")


def clean_line(text: str) -> str:
    """A line in canonical form (``canonical_text``), whitespace (including no-break and thin spaces) collapsed
    to single spaces and stripped."""
    return " ".join(canonical_text(text).split())  # str.split() splits on all Unicode whitespace; faster than a regex


def text_lines(text: str) -> list[str]:
    """Non-empty, whitespace-collapsed lines of plain text."""
    return [line for line in (clean_line(raw) for raw in text.splitlines()) if line]


def looks_like_html(data: bytes | str) -> bool:
    """True if a document is HTML rather than plain text."""
    head = (data[:2048].decode("latin-1") if isinstance(data, bytes) else data[:2048]).lower()
    return bool(re.search(r"<(!doctype html|html|body|div|p|h[1-6]|br)\b", head))


def is_chrome(tag: str, attrib: Any, in_content: bool) -> bool:
    """Whether an element is page chrome rather than content."""
    if tag in CHROME_TAGS:
        return True
    if tag in ("header", "footer") and not in_content:
        return True
    if not attrib:
        return False
    role = (attrib.get("role") or "").lower()
    return role in CHROME_ROLES or attrib.get("hidden") is not None or attrib.get("aria-hidden") == "true"


MAIN = re.compile(rb"<main\b|role\s*=\s*[\"']?main\b", re.I)


MAIN_MARK = "#main"  # stack tag of the (first) main element
# An open element while streaming: (tag, skip: chrome or outside the main content, in_content: inside
# main/article, ol: [start, items seen] for an <ol>, else None). Tuples: this runs for every element.
Open = tuple[str, bool, bool, "list[int] | None"]


def mailto_address(href: str | None) -> str | None:
    """The address a ``mailto:`` link points to (RFC 6068: percent-decoded, without its '?' header fields), if
    it has one with an '@'; else None."""
    if not href or href[:7].lower() != "mailto:":
        return None
    address = unquote(href[7:].split("?", 1)[0]).strip()
    return address if "@" in address else None


def shows_address(text: str, address: str) -> bool:
    """Whether a link's text shows an address: an '@', Cloudflare's encoded form, or the address's local part and
    domain name written some other way ('e.muster (at) example (dot) org')."""
    if "@" in text or text.strip().startswith("cfemail:"):
        return True
    local, _, domain = address.casefold().rpartition("@")
    folded = text.casefold()
    return local in folded and domain.split(".")[0] in folded


class LineCollector:
    """lxml parser target: builds the visible lines while the parser streams, without building a tree
    (constant memory per open element, however large the page).

    An address behind Cloudflare's e-mail protection shows as the placeholder '[email protected]' in an element
    holding the encoded address (``data-cfemail="<hex>"``, or a link to ``/cdn-cgi/l/email-protection#<hex>``);
    the placeholder is written as ``cfemail:<hex>``, the address as the page holds it, which
    ``normalize.emails.read_email`` decodes. Any other text of such an element stays as written.

    A ``mailto:`` link whose text shows no address ('E-Mail', 'Send an e-mail', a person's name) is written as its
    text followed by the address in angle brackets, RFC 5322's name-addr form ('E-Mail <e.muster@example.org>'),
    which ``read_email`` and the contact reader take; a link whose text shows the address, plainly or obfuscated,
    stays as written.
    """

    CF_HREF = re.compile(r"/cdn-cgi/l/email-protection#([0-9A-Fa-f]+)")
    CF_PLACEHOLDER = "[email protected]"

    def __init__(self, main_only: bool) -> None:
        self.main_state = "before" if main_only else "inside"  # before / inside / after the first <main>
        self.stack: list[Open] = []
        self.lines: list[str] = []
        self.buf: list[str] = []
        # The Cloudflare-protected element being read: (its depth in the stack, the encoded address, its text).
        self.protected: tuple[int, str, list[str]] | None = None
        # The mailto: link being read: (its depth in the stack, the address it links to, its text).
        self.linked: tuple[int, str, list[str]] | None = None

    def flush(self) -> None:
        line = clean_line("".join(self.buf))
        self.buf.clear()
        if line:
            self.lines.append(line)

    def start(self, tag: str, attrib: Any, *_: Any) -> None:  # libxml2 gives HTML tag names in lower case
        stack = self.stack
        parent_skip, parent_in, parent_ol = (stack[-1][1], stack[-1][2], stack[-1][3]) if stack else (False, False,
                                                                                                      None)
        if self.main_state != "inside":
            if self.main_state == "before" and (
                    tag == "main" or attrib and (attrib.get("role") or "").lower() == "main"):
                self.main_state = "inside"
                stack.append((MAIN_MARK, False, True, None))
            else:
                stack.append((tag, True, False, None))
            return
        if parent_skip or is_chrome(tag, attrib, parent_in):
            stack.append((tag, True, parent_in, None))
            return
        ol = None
        if tag == "ol":
            ol = [int(attrib["start"]) if (attrib.get("start") or "").isdigit() else 1, 0]
        stack.append((tag, False, parent_in or tag in ("main", "article"), ol))
        if self.protected is None and attrib and (encoded := attrib.get("data-cfemail") or (
                (found := self.CF_HREF.search(attrib.get("href") or "")) and found.group(1))):
            self.protected = (len(stack), encoded, [])
        elif self.linked is None and tag == "a" and attrib and (address := mailto_address(attrib.get("href"))):
            self.linked = (len(stack), address, [])
        if tag == "br" or tag in BLOCK_TAGS:
            self.flush()
        if tag == "li":
            if parent_ol is not None:
                self.buf.append(f"{parent_ol[0] + parent_ol[1]}. ")
                parent_ol[1] += 1
            else:
                self.buf.append("- ")

    def end(self, tag: str) -> None:
        if not self.stack:
            return
        closed, skipped, _, _ = self.stack.pop()
        if self.protected and len(self.stack) < self.protected[0]:  # the protected element closes
            _, encoded, text = self.protected
            self.protected = None
            shown = "".join(text)
            (self.linked[2] if self.linked else self.buf).append(
                f"cfemail:{encoded}" if " ".join(shown.split()) == self.CF_PLACEHOLDER else shown)
        if self.linked and len(self.stack) < self.linked[0]:  # the mailto: link closes
            _, address, text = self.linked
            self.linked = None
            shown = "".join(text)
            self.buf.append(shown if shows_address(shown, address) else f"{shown} <{address}>")
        if closed == MAIN_MARK:  # the first <main> closes: nothing after it is read
            self.flush()
            self.main_state = "after"
        elif not skipped and closed in BLOCK_TAGS:
            self.flush()

    def data(self, text: str) -> None:
        if self.main_state == "inside" and not (self.stack and self.stack[-1][1]):
            (self.protected[2] if self.protected else self.linked[2] if self.linked else self.buf).append(text)

    def close(self) -> list[str]:
        self.flush()
        return [line for line in self.lines if line != "-"]


def html_lines(html: str | bytes, encoding: str | None = None) -> list[str]:
    """Visible text lines of an HTML page without its chrome: block elements and ``<br>`` break
    lines, list items read as '- item' or 'N. item' (as text captures write them). Only the first
    ``<main>`` (or ``role="main"``) is read where the page has one.

    ``html`` is text, or bytes in ``encoding`` (parsed without decoding them to a str first). The parser
    streams into ``LineCollector``: no element tree is built, so memory does not grow with the page.

    Raises:
        ParseError: if the markup cannot be parsed at all, or exceeds the parser's limits.
    """
    raw = html if isinstance(html, bytes) else html.encode("utf-8")
    collector = LineCollector(main_only=MAIN.search(raw) is not None)
    parser = lxml.etree.HTMLParser(target=collector, huge_tree=True,
                                   encoding=(encoding or "utf-8") if isinstance(html, bytes) else "utf-8")
    try:
        lines: list[str] = lxml.etree.fromstring(raw, parser=parser) if raw.strip() else []
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError) as exc:
        raise ParseError(f"HTML could not be parsed: {exc}") from None
    # libxml2 drops what lies past its limits (nesting depth) with only a logged error:
    # fail loudly rather than return a page with text silently missing.
    limits = [e.message for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"]
    if limits:
        raise ParseError(f"HTML exceeds the parser's limits ({limits[0]}); its text would be incomplete")
    return lines


HTML_END = re.compile(rb"</html\s*>", re.I)
END_WINDOW = 4096  # bytes at the end of a page in which its closing </html> is looked for


def truncation(data: bytes | str, content_type: str | None = None) -> str | None:
    """Why an HTML page looks cut off (it ends before its closing ``</html>``: a transfer that stopped short, a
    server that sent part of the page), or None. A ``</html>`` in the page's last 4 KB is its end, whatever
    follows it: CDNs and servers append scripts, comments, a NUL or a stray byte-order mark after it. Plain text
    cannot tell, so it never looks cut."""
    raw = data if isinstance(data, bytes) else data.encode("utf-8")
    if not ("html" in (content_type or "") or looks_like_html(raw)) or HTML_END.search(raw[-END_WINDOW:]):
        return None
    tail = " ".join(raw[-200:].decode("utf-8", "replace").split())
    return f"the page ends before its closing </html> (it ends with {tail[-60:]!r})"


# C0 controls the HTML parser would turn into U+FFFD (NUL) or keep (the rest), in bytes of an ASCII-compatible
# encoding, where these bytes are never part of another character. Vertical tab and form feed stay for the parser
# (a form feed separates attributes in markup); the canonical step removes them from the text.
CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f\x7f]")


READ_AS_1252 = "bytes in this line are not UTF-8, the page's encoding; read as windows-1252"
LOST = "the source has a replacement character (U+FFFD) in this line, where a character was lost before it reached us"
NO_CHARACTER = ("a byte in this line stands for no character (0x81, 0x8D, 0x8F, 0x90 or 0x9D, which windows-1252 "
                "leaves undefined), where a character was lost before it reached us (shown as U+FFFD)")
MOJIBAKE = "looks like mojibake: text decoded in the wrong encoding"


@dataclass(frozen=True)
class Note:
    """Something said about one line of a document while reading it (``READ_AS_1252``, ``LOST``, ``NO_CHARACTER``,
    ``MOJIBAKE``)."""

    line: int  # position in ``Document.lines``
    raw: str  # the line as read (a U+FFFD kept, a byte that is no character as U+FFFD, text encoded twice as is)
    reason: str


@dataclass
class Document:
    """A document's visible lines, in canonical form, and notes on lines that needed more than decoding: bytes
    that were not UTF-8 in a UTF-8 page (read as windows-1252, so nothing is garbled); a character lost, as a
    U+FFFD in the text or a byte that stands for no character (removed from the line, so none is published; the
    note keeps the line with it); or UTF-8 encoded twice (mojibake). The caller decides what such a line may still
    give, and says so in the records' issues."""

    lines: list[str]
    notes: list[Note] = field(default_factory=list)


def read_document(data: bytes | str, content_type: str | None = None) -> Document:
    """The visible lines of an HTML page or a plain-text document.

    Bytes are decoded as ``sniff_encoding`` says (BOM, HTTP charset, ``<meta charset>``, checked against the
    bytes: a declaration the bytes overrule is logged as a warning), a UTF-8 page with stray windows-1252 bytes
    piece by piece; every line is in canonical form (``canonical.canonical_text``: also the text of character
    references, which only the HTML parser decodes).

    Raises:
        ParseError: if HTML markup cannot be parsed at all, or exceeds the parser's limits.
    """
    declared_html = "html" in (content_type or "")
    if isinstance(data, bytes):
        sniffed = sniff_encoding(data, content_type)
        if sniffed.overruled:
            log.warning("the page declares the charset %s, but its bytes are UTF-8 (valid, with characters beyond "
                        "ASCII): read as UTF-8", sniffed.overruled)
        if sniffed.encoding == "utf-8" and sniffed.valid_utf8 and (declared_html or looks_like_html(data)):
            if CONTROL_BYTES.search(data):
                data = CONTROL_BYTES.sub(b"", data)
            # valid UTF-8: lxml reads the bytes directly, no str copy
            return noted(html_lines(marked_utf8(data), "utf-8"))
        data = decode(data, sniffed.encoding)  # (other encodings: markup is looked for once decoded)
    data = canonical_text(data)
    return noted(html_lines(data) if declared_html or looks_like_html(data) else text_lines(data))


def marked(text: str) -> bool:
    """Whether a text holds a mark of decoding or a U+FFFD."""
    return any(mark in text for mark in MARKS)


def noted(lines: list[str]) -> Document:
    """Lines with the marks of decoding (``decode``) and any U+FFFD removed, each such line noted: read as
    windows-1252 (where a byte was read as a character), UTF-8 encoded twice, a byte that is no character, a
    U+FFFD."""
    if not marked("\n".join(lines)):  # (one string: `in` is many times faster than a regex's character class)
        return Document(lines)
    doc = Document([])
    for n, line in enumerate(lines):
        if not marked(line):
            doc.lines.append(line)
            continue
        raw = as_read(line)
        if REPAIRED in line and any(part.replace(NO_CHARACTER_MARK, "") for part in line.split(REPAIRED)[1::2]):
            doc.notes.append(Note(n, raw, READ_AS_1252))
        if TWICE_MARK in line:
            doc.notes.append(Note(n, raw, MOJIBAKE))
        if NO_CHARACTER_MARK in line:
            doc.notes.append(Note(n, raw, NO_CHARACTER))
        if "\ufffd" in line:
            doc.notes.append(Note(n, raw, LOST))
        doc.lines.append(clean_line(raw.replace("\ufffd", "")))
    return doc


def document_lines(data: bytes | str, content_type: str | None = None) -> list[str]:
    """``read_document``'s lines (a U+FFFD removed); its notes are logged as warnings."""
    doc = read_document(data, content_type)
    for note in doc.notes[:5]:
        log.warning("%s%s: %r", note.reason, "; the character removed" if note.reason in (LOST, NO_CHARACTER) else "",
                    note.raw[:80])
    return doc.lines
