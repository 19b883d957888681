"""Control characters made visible in what the commands print and in the JSON files written: a second line of
defence behind the canonical text step (``parse/canonical.py``), which removes them from every text a parser
sees.

A value holding ESC, BEL, an 8-bit CSI (U+009B) or a bidi override could set a terminal's title, clear its
screen or reverse the text after it. Each such character is written as ``\\uXXXX``, its code point in four
lower-case hex digits, as JSON writes an escape: in JSON that is JSON's own escape, so the value reads back
unchanged; in Markdown, CSV and plain text it is visible text (``\\u001b``).

Escaped: the C0 controls but tab and line feed (a carriage return could overwrite a line); DEL; the C1 controls
(U+0080-009F); the invisible format characters the canonical step removes (soft hyphen, combining grapheme
joiner, U+061C, Mongolian vowel separator, zero-width space, non-joiner and joiner, the bidi marks, embeddings,
overrides and isolates, word joiner and invisible operators, byte-order mark); and the line and paragraph
separators U+2028 and U+2029.
"""

from __future__ import annotations

import re

CONTROLS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u034f\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)


def escape_controls(text: str) -> str:
    """``text`` with every control and invisible format character (see the module docstring) as ``\\uXXXX``;
    tab, line feed and every visible character unchanged. Idempotent on its output; never raises."""
    if not CONTROLS.search(text):
        return text
    return CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def escape_controls_utf8(body: bytes) -> bytes:
    """UTF-8 bytes (JSON, CSV) with their control characters escaped as ``escape_controls`` does."""
    text = body.decode("utf-8")
    return escape_controls(text).encode("utf-8") if CONTROLS.search(text) else body
