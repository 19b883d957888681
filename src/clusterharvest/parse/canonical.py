"""The one canonical form of every text the parsers see.

Web pages and PDFs carry characters that no reader sees but every comparison does: a soft hyphen (``&shy;``,
common on German sites) or a word joiner inside "Singapore" makes it an unknown country; a NUL byte or a bidi
control ends up in a published name; "u" plus a combining diaeresis is not the "ü" a lookup knows. So the text
of every document is put into one form right after decoding (HTML) or extraction (PDF), before any line is
classified:

- Unicode NFC (Unicode Standard Annex #15), so composed and decomposed umlauts are one string;
- C0 and C1 control characters removed, vertical tab, form feed and NEL too (tab, line feed and carriage return
  stay): pasted into a word ("Te<VT>l.:", "Max Bei<FF>spiel") they would split it, and a browser draws none of
  them (CSS Text 3 renders a form feed with no width), so a reader sees the word whole; the Unicode line and
  paragraph separators (U+2028, U+2029), which are no controls but say "break here", become a line feed;
- the invisible format characters removed: soft hyphen, zero-width space, non-joiner and joiner, word joiner,
  the invisible operators, the byte-order mark, the combining grapheme joiner and every Bidi_Control character
  (U+061C, U+200E-200F, U+202A-202E, U+2066-2069);
- the Latin ligatures U+FB00-FB06 spelled out ("ﬁ" -> "fi").

Deliberately not NFKC for all text: compatibility forms carry meaning in names ("CLIB ²021").
"""

from __future__ import annotations

import re
import unicodedata

# Characters removed outright: C0 controls but tab, LF and CR; DEL and the C1 controls; and the invisible format
# characters listed in the module docstring.
INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    "\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)
LINE_BREAKS = re.compile("[\u2028\u2029]")
LIGATURES = re.compile("[\ufb00-\ufb06]")
NEEDS_WORK = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\u00ad\u034f\u061c\u180e\u200b-\u200f\u2028-\u202e"
                        "\u2060-\u2064\u2066-\u2069\ufb00-\ufb06\ufeff]")


def canonical_text(text: str) -> str:
    """``text`` in the project's canonical form (see the module docstring); idempotent, never raises.

    Args:
        text: decoded text of any length.

    Returns:
        The same text in NFC, without control or invisible format characters, ligatures spelled out.
    """
    if NEEDS_WORK.search(text):
        text = INVISIBLE.sub("", text)
        text = LINE_BREAKS.sub("\n", text)
        text = LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def is_canonical(text: str) -> bool:
    """Whether ``text`` is already in canonical form."""
    return canonical_text(text) == text
