"""Cluster names and their stable ids."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from ..lookups import lookup

GERMAN_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
# An acronym-like token: letters/digits with at least two capitals, parts joined by '.' ("BIO.NRW").
TOKEN = r"([A-Z][A-Za-z0-9]*(?:\.[A-Z][A-Za-z0-9]*)*)"
CLUSTER_WORD = r"(?:[Cc]luster|[Nn]etwork|[Nn]etzwerk|Wachstumskern|Spitzencluster)"
CLUSTER_WORD_PATTERN = re.compile(CLUSTER_WORD)  # a word a cluster's name has and a person's never does
SELF_NAME_PATTERNS = (
    re.compile(rf"\b{CLUSTER_WORD}\s+{TOKEN}(?![\w-])"),  # "the cluster BIO.NRW"
    re.compile(rf"(?<![\w.-]){TOKEN}[\s-]{CLUSTER_WORD}\b"),  # "BIO.NRW cluster", "WIGRATEC-Cluster"
    re.compile(rf"[“”\"„][^“”\"„]{{3,80}}[“”\"]\s*\({TOKEN}\)"),  # „Wirbelschicht- und ...“ (WIGRATEC)
)


def slugify(name: str) -> str:
    """A stable, URL-safe id: German umlauts transliterated, other accents dropped, lower case, hyphens."""
    text = unicodedata.normalize("NFKC", name).translate(GERMAN_FOLD)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = text.replace("&", " and ").replace("'", "").replace("’", "")
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def is_acronym(token: str) -> bool:
    """At least two capital letters: 'BIO.NRW', 'WIGRATEC', not 'Cluster'."""
    return sum(c.isupper() for c in token) >= 2


def self_name(text: str) -> str | None:
    """The name an entry's own text uses for itself: the acronym it most often ties to 'cluster',
    'network' or a quoted name; None if the text names nothing. A legal form ('Network GmbH', an organisation
    line of the entry's contact block) is no name."""
    votes: Counter[str] = Counter()
    first: dict[str, int] = {}
    legal_forms = lookup("normalize/persons.yml", "organisation_words")
    for pattern in SELF_NAME_PATTERNS:
        for found in pattern.finditer(text):
            token = found.group(1)
            if is_acronym(token) and token not in legal_forms:
                votes[token] += 1
                first.setdefault(token, found.start())
    if not votes:
        return None
    return max(votes, key=lambda t: (votes[t], -first[t]))
