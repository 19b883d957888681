"""From bytes to visible text lines: charset decoding and HTML text extraction.

Parsers work on lines of visible text, so a page gives the same lines whether its markup
puts each line in its own element, separates lines with ``<br>``, or is a plain-text
capture. Page chrome (navigation, header and footer bars, cookie notices, forms, scripts)
is dropped by its semantic element or ARIA role, the way readers and extractors do.
"""

from __future__ import annotations

import codecs
import re

import lxml.etree
import lxml.html

from ..errors import ParseError

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
WHITESPACE = re.compile(r"[\s\u00a0\u200b\u2009\u202f]+")


def encoding_label(label: str) -> str | None:
    """A Python codec name for a charset label, or None if unknown."""
    label = label.strip().lower()
    if label in WINDOWS_1252_LABELS:
        return "cp1252"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def sniff_encoding(data: bytes, content_type: str | None = None) -> str:
    """The encoding of a document: BOM, then the HTTP header, then ``<meta charset>``, then UTF-8 if it
    decodes, else windows-1252 (the BOM wins over the header, as in the HTML standard)."""
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
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def is_utf8(data: bytes) -> bool:
    """Whether bytes are valid UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def decode(data: bytes, content_type: str | None = None) -> str:
    """Bytes to text by the sniffed encoding; undecodable bytes become U+FFFD, never an exception."""
    return data.decode(sniff_encoding(data, content_type), errors="replace")


def clean_line(text: str) -> str:
    """Collapse whitespace (including no-break and thin spaces) to single spaces and strip."""
    return WHITESPACE.sub(" ", text).strip()


def text_lines(text: str) -> list[str]:
    """Non-empty, whitespace-collapsed lines of plain text."""
    return [line for line in (clean_line(raw) for raw in text.splitlines()) if line]


def looks_like_html(data: bytes | str) -> bool:
    """True if a document is HTML rather than plain text."""
    head = (data[:2048].decode("latin-1") if isinstance(data, bytes) else data[:2048]).lower()
    return bool(re.search(r"<(!doctype html|html|body|div|p|h[1-6]|br)\b", head))


def is_chrome(el: lxml.html.HtmlElement, in_content: bool) -> bool:
    """Whether an element is page chrome rather than content."""
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in CHROME_TAGS:
        return True
    if tag in ("header", "footer") and not in_content:
        return True
    role = (el.get("role") or "").lower()
    return role in CHROME_ROLES or el.get("hidden") is not None or el.get("aria-hidden") == "true"


def list_marker(li: lxml.html.HtmlElement) -> str:
    """'- ' for a bullet item, 'N. ' for an item of an ordered list (as text captures write them)."""
    parent = li.getparent()
    if parent is None or parent.tag != "ol":
        return "- "
    start = int(parent.get("start", "1")) if (parent.get("start") or "1").isdigit() else 1
    items = [c for c in parent if c.tag == "li"]
    return f"{start + items.index(li)}. "


def html_lines(html: str | bytes, encoding: str | None = None) -> list[str]:
    """Visible text lines of an HTML page without its chrome: block elements and ``<br>`` break
    lines, list items read as '- item' or 'N. item' (as text captures write them).

    ``html`` is text, or bytes in ``encoding`` (parsed without decoding them to a str first: less memory).

    Raises:
        ParseError: if the markup cannot be parsed at all.
    """
    parser = lxml.html.HTMLParser(huge_tree=True, encoding=encoding if isinstance(html, bytes) else None)
    try:
        root = lxml.html.document_fromstring(html, parser=parser)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise ParseError(f"HTML could not be parsed: {exc}") from None
    # libxml2 drops what lies past its limits (nesting depth) with only a logged error:
    # fail loudly rather than return a page with text silently missing.
    limits = [e.message for e in parser.error_log if e.type_name == "ERR_RESOURCE_LIMIT"]
    if limits:
        raise ParseError(f"HTML exceeds the parser's limits ({limits[0]}); its text would be incomplete")
    mains = root.xpath("//main | //*[@role='main']")
    top = mains[0] if mains else root
    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        line = clean_line("".join(buf))
        buf.clear()
        if line:
            lines.append(line)

    # Iterative walk (no recursion limit on deeply nested pages).
    stack: list[tuple[lxml.html.HtmlElement, bool, bool]] = [(top, False, top is not root)]
    while stack:
        el, closing, in_content = stack.pop()
        tag = el.tag if isinstance(el.tag, str) else ""
        if closing:
            if tag in BLOCK_TAGS:
                flush()
            if el.tail:
                buf.append(el.tail)
            continue
        if not isinstance(el.tag, str):  # comments and processing instructions: skip, keep the tail
            if el.tail:
                buf.append(el.tail)
            continue
        if is_chrome(el, in_content):
            if el.tail:
                buf.append(el.tail)
            continue
        if tag == "br":
            flush()
            if el.tail:
                buf.append(el.tail)
            continue
        if tag in BLOCK_TAGS:
            flush()
        if tag == "li":
            buf.append(list_marker(el))
        if el.text:
            buf.append(el.text)
        inside = in_content or tag in ("main", "article")
        stack.append((el, True, in_content))
        stack.extend((child, False, inside) for child in reversed(el))
    flush()
    return [line for line in lines if line != "-"]


def document_lines(data: bytes | str, content_type: str | None = None) -> list[str]:
    """Lines of visible text of an HTML page or a plain-text document."""
    if isinstance(data, bytes) and sniff_encoding(data, content_type) == "utf-8" and is_utf8(data) and (
            "html" in (content_type or "") or looks_like_html(data)):
        return html_lines(data, "utf-8")  # valid UTF-8: lxml reads the bytes directly, no str copy
    text = decode(data, content_type) if isinstance(data, bytes) else data
    if "html" in (content_type or "") or looks_like_html(text):
        return html_lines(text)
    return text_lines(text)
