"""Language of description text (English or German): cheap evidence first, then langdetect (seeded)."""

from __future__ import annotations

import re

STOPWORDS = {
    "en": frozenset(
        ["the", "and", "of", "to", "in", "is", "are", "with", "for", "on", "by", "as", "that", "this", "be",
         "will", "from", "an", "which", "their"]
    ),
    "de": frozenset(
        ["der", "die", "das", "und", "ist", "sind", "mit", "für", "von", "zu", "im", "den", "des", "ein", "eine",
         "auf", "werden", "wird", "dem", "sich"]
    ),
}
WORD = re.compile(r"[a-zäöüß]+")
CLEAR_MARGIN = 3  # stopword hits one language must lead by to decide without langdetect


def stopword_votes(text: str) -> dict[str, int]:
    """Stopword hits per language."""
    words = WORD.findall(text.lower())
    return {lang: sum(map(stop.__contains__, words)) for lang, stop in STOPWORDS.items()}


def detect_language(text: str) -> str | None:
    """'en' or 'de' for a paragraph; None if it has no words."""
    votes = stopword_votes(text)
    en, de = votes["en"], votes["de"]
    if abs(en - de) >= CLEAR_MARGIN:
        return "en" if en > de else "de"
    if not WORD.search(text.lower()):
        return None
    from langdetect import DetectorFactory, LangDetectException, detect_langs

    DetectorFactory.seed = 0  # deterministic
    try:
        ranked = [c.lang for c in detect_langs(text)]
    except LangDetectException:
        ranked = []
    for lang in ranked:
        if lang in STOPWORDS:
            return lang
    return "de" if de > en else "en"
