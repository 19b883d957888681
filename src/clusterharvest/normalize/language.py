"""Language of description text (English or German): cheap evidence first, then langdetect (seeded)."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

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
    from langdetect import LangDetectException

    detector = detectors().create()
    detector.append(text)
    try:
        ranked = [c.lang for c in detector.get_probabilities()]
    except LangDetectException:
        ranked = []
    for lang in ranked:
        if lang in STOPWORDS:
            return lang
    return "de" if de > en else "en"


@cache
def detectors() -> Any:
    """A langdetect factory that knows English and German only, seeded (deterministic).

    The question is only ever "English or German?": weighing 55 languages' profiles made each detection
    about 25 times dearer (and let a third language outrank both).
    """
    from langdetect import DetectorFactory
    from langdetect.detector_factory import PROFILES_DIRECTORY

    factory = DetectorFactory()
    factory.load_json_profile([(Path(PROFILES_DIRECTORY) / lang).read_text("utf-8") for lang in STOPWORDS])
    factory.set_seed(0)
    return factory
