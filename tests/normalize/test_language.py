"""Language of description paragraphs: stopword evidence first, langdetect (seeded) for the rest."""

from __future__ import annotations

import pytest

from clusterharvest.normalize.language import detect_language, stopword_votes


@pytest.mark.parametrize(("text", "want"), [
    ("The cluster works with partners in the USA and is supported by the ministry for the project.", "en"),
    ("Das Netzwerk arbeitet mit Partnern in Polen und wird für die Umsetzung von dem Ministerium gefördert.", "de"),
    ("Kooperationen mit Hochschulen in Brasilien", "de"),  # too few stopwords: langdetect decides
    ("Cooperation with universities in Brazil", "en"),
    ("12345 – 67", None),  # no words at all
])
def test_detect_language(text, want):
    assert detect_language(text) == want


def test_stopword_votes_count_each_language():
    assert stopword_votes("The cluster and the network of the region") == {"en": 5, "de": 0}
    assert stopword_votes("Der Cluster und die Region mit dem Netzwerk") == {"en": 0, "de": 5}


def test_detection_is_deterministic():
    text = "Innovation in Mecklenburg-Vorpommern"
    first = detect_language(text)
    assert detect_language(text) == first
