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
- every character Unicode says to ignore where it cannot be shown (Default_Ignorable_Code_Point, from
  DerivedCoreProperties.txt), and the interlinear annotation characters U+FFF9-FFFB, removed: soft hyphen, zero-width
  space, non-joiner and joiner, word joiner, the invisible operators, the byte-order mark, the combining grapheme
  joiner, every Bidi_Control character (U+061C, U+200E-200F, U+202A-202E, U+2066-2069), the deprecated format
  characters U+206A-206F, the variation selectors (U+180B-180F, U+FE00-FE0F, U+E0100-E01EF), the Khmer inherent
  vowels U+17B4-17B5, the tag characters U+E0000-E007F, the shorthand format controls U+1BCA0-1BCA3 and the
  musical format characters U+1D173-1D17A (with the code points Unicode reserves as ignorable: U+2065, U+FFF0-FFF8,
  U+E0000-E0FFF); none is drawn, yet inside a word each makes another string of it (a tag character in a name
  gave its id a hyphen). The four ignorable Hangul fillers (U+115F, U+1160, U+3164, U+FFA0) become a space
  instead: browsers draw them as a blank as wide as a character (HarfBuzz exempts them from hiding, as Uniscribe
  draws them), and that is how pages use them, in place of a space;
- the Latin ligatures U+FB00-FB06 spelled out ("ﬁ" -> "fi").

Deliberately not NFKC for all text: compatibility forms carry meaning in names ("CLIB ²021").
"""

from __future__ import annotations

import re
import unicodedata

# Default_Ignorable_Code_Point as the Unicode Character Database lists it (DerivedCoreProperties.txt), written out:
# the standard library has no such property, and written here the canonical form does not move with a library's
# Unicode release (tests/parse/test_canonical.py checks it against the `regex` package's data); and U+FFF9-FFFB.
IGNORABLE = ("\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164"
             "\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufffb\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff")
HANGUL_FILLERS = "\u115f\u1160\u3164\uffa0"  # ignorable, but drawn as a blank: read as a space
FILLERS = re.compile(f"[{HANGUL_FILLERS}]")
# Characters removed outright: C0 controls but tab, LF and CR; DEL and the C1 controls; and the ignorables (once
# the Hangul fillers are spaces).
INVISIBLE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{IGNORABLE}]")
LINE_BREAKS = re.compile("[\u2028\u2029]")
LIGATURES = re.compile("[\ufb00-\ufb06]")
NEEDS_WORK = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{IGNORABLE}\u2028\u2029\ufb00-\ufb06]")


def canonical_text(text: str) -> str:
    """``text`` in the project's canonical form (see the module docstring); idempotent, never raises.

    Args:
        text: decoded text of any length.

    Returns:
        The same text in NFC, without control or invisible format characters, ligatures spelled out.
    """
    if NEEDS_WORK.search(text):
        text = INVISIBLE.sub("", FILLERS.sub(" ", text))
        text = LINE_BREAKS.sub("\n", text)
        text = LIGATURES.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def is_canonical(text: str) -> bool:
    """Whether ``text`` is already in canonical form."""
    return canonical_text(text) == text
