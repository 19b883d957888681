"""Control characters made visible in what the commands print and in the JSON files written: a second line of
defence behind the canonical text step (``parse/canonical.py``), which removes them from every text a parser
sees.

A value holding ESC, BEL, an 8-bit CSI (U+009B) or a bidi override could set a terminal's title, clear its
screen or reverse the text after it. Each such character is written as ``\\uXXXX``, its code point in four
lower-case hex digits, as JSON writes an escape (a character beyond U+FFFF, such as a tag character, as its
UTF-16 surrogate pair ``\\udb40\\udc41``, as JSON does): in JSON that is JSON's own escape, so the value reads back
unchanged; in Markdown, CSV and plain text it is visible text (``\\u001b``).

Escaped: the C0 controls but tab and line feed (a carriage return could overwrite a line); DEL; the C1 controls
(U+0080-009F); every invisible character the canonical step removes (``canonical.IGNORABLE``: Unicode's
Default_Ignorable_Code_Point, such as the soft hyphen, the zero-width characters, the bidi controls, the variation
selectors and the tag characters, and the interlinear annotation characters U+FFF9-FFFB), also the Hangul fillers
among them, which it reads as spaces; and the line and paragraph separators U+2028 and U+2029.
"""

from __future__ import annotations

import re

from .parse.canonical import IGNORABLE

CONTROLS = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{IGNORABLE}\u2028\u2029]")


def escaped(char: str) -> str:
    """A character as JSON escapes it: ``\\uXXXX``, or the two escapes of its UTF-16 surrogate pair beyond U+FFFF."""
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def escape_controls(text: str) -> str:
    """``text`` with every control and invisible format character (see the module docstring) as ``\\uXXXX``;
    tab, line feed and every visible character unchanged. Idempotent on its output; never raises."""
    if not CONTROLS.search(text):
        return text
    return CONTROLS.sub(lambda m: escaped(m.group()), text)


def escape_controls_utf8(body: bytes) -> bytes:
    """UTF-8 bytes (JSON, CSV) with their control characters escaped as ``escape_controls`` does."""
    text = body.decode("utf-8")
    return escape_controls(text).encode("utf-8") if CONTROLS.search(text) else body
