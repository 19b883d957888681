"""What the product publishes is text in canonical form (issue 21): the same records whatever invisible
characters or Unicode forms the page carries, and no published string holding U+FFFD, a control character or
an invisible format character (an issue's raw text may: it quotes the source)."""

from __future__ import annotations

import csv
import json
import re
import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterharvest.kinds import kind_of
from clusterharvest.parse.cluster_directory import parse_directory
from clusterharvest.parse.clusters import build_clusters
from clusterharvest.pipeline import open_context, run_harvest

from .conftest import ROOT
from .test_cases import CASES

# What may not stand in a published string: U+FFFD, C0/C1 controls other than tab and line breaks, and the
# invisible characters the canonical step removes (parse/canonical.py), written out again here on purpose.
# Default_Ignorable_Code_Point (DerivedCoreProperties.txt): U+00AD, U+034F, U+061C, U+115F-1160, U+17B4-17B5,
# U+180B-180F, U+200B-200F, U+202A-202E, U+2060-206F, U+3164, U+FE00-FE0F, U+FEFF, U+FFA0, U+FFF0-FFF8,
# U+1BCA0-1BCA3, U+1D173-1D17A, U+E0000-E0FFF; and the interlinear annotation characters U+FFF9-FFFB.
FORBIDDEN = re.compile("[\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5"
                       "\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0"
                       "\ufff0-\ufffb\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff\ufb00-\ufb06]")
# Inserted at random into the page's text: invisible format characters, and the controls vertical tab, form feed
# and NEL, which a browser does not draw either. (Not the Hangul fillers, which it draws as a blank: a space.)
INVISIBLE = ["\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202a", "\u202c", "\u2066", "\u2069",
             "\x0b", "\x0c", "\x85",
             "\ufe0f", "\ufe00", "\ufff9", "\ufffb", "\u17b4", "\u17b5", "\u180b", "\u180f", "\u206a", "\u206f",
             "\U000e0001", "\U000e0041", "\U000e007f", "\U000e0100", "\U0001bca0", "\U0001bca3", "\U0001d173",
             "\U0001d17a"]


def published_strings(value, path=""):
    """(path, string) of every string in a JSON value, except an issue's raw text (``issues[n].value``)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if not (key == "value" and re.search(r"issues\[\d+\]$", path)):
                yield from published_strings(item, f"{path}.{key}" if path else key)
    elif isinstance(value, list):
        for n, item in enumerate(value):
            yield from published_strings(item, f"{path}[{n}]")


def offending(value) -> list[tuple[str, str]]:
    return [(path, ascii(text)) for path, text in published_strings(value)
            if FORBIDDEN.search(text) or not unicodedata.is_normalized("NFC", text)]


@pytest.fixture(scope="module")
def bundled_version(tmp_path_factory):
    out = tmp_path_factory.mktemp("published") / "normalized"
    run_harvest(open_context(ROOT / "sources.toml", out, ROOT / "raw", offline=True))
    return out / "latest"


@pytest.mark.parametrize("name", ["clusters.json", "programme.json", "manifest.json"])
def test_every_published_string_of_the_bundled_harvest_is_canonical(bundled_version, name):
    data = json.loads((bundled_version / name).read_text(encoding="utf-8"))
    if name == "manifest.json":  # quarantined entries' lines are the source's raw text, like an issue's value
        data = {k: v for k, v in data.items() if k != "quarantined"}
    assert offending(data) == []


def test_every_cell_of_the_bundled_harvests_csv_files_is_canonical(bundled_version):
    for path in sorted(bundled_version.glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.DictReader(f))
        cells = [(f"{path.name}:{n}.{k}", v) for n, row in enumerate(rows) for k, v in row.items() if k != "value"]
        assert [c for c in cells if FORBIDDEN.search(c[1] or "")] == [], path.name


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.suffix in (".html", ".pdf")))
def test_every_published_string_of_each_case_is_canonical(case):
    kind = kind_of("flyer" if case.endswith(".pdf") else "cluster-directory")
    found = kind.read((CASES / case).read_bytes(), "application/pdf" if case.endswith(".pdf") else "text/html",
                      case, None)
    out = kind.extract(found, case)
    assert offending(list(out) if not isinstance(out, dict) else out) == []


@pytest.fixture(scope="module")
def reference_records(bundled_directory_html):
    return [r.model_dump() for r in build_clusters(parse_directory(bundled_directory_html), "s")]


TEXT = re.compile(r">([^<>]+)<")  # text between tags (the page's chrome included)
REFERENCE = re.compile(r"&#?\w+;")


def text_positions(page: str) -> list[int]:
    """Offsets inside the page's text nodes where a character may be inserted: not inside a tag, a character
    reference, or a <script>/<style>."""
    blocked = {i for m in REFERENCE.finditer(page) for i in range(m.start() + 1, m.end())}
    head_end = page.index("<body")
    return [i for m in TEXT.finditer(page) if m.start() > head_end for i in range(m.start(1), m.end(1) + 1)
            if i not in blocked]


def nfd_forms(page: str) -> list[int]:
    """Offsets of characters that decompose under NFD (umlauts, accents) in the page's text."""
    return [i for i in text_positions(page) if i < len(page) and unicodedata.normalize("NFD", page[i]) != page[i]]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(inserts=st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.sampled_from(INVISIBLE)), min_size=1,
                        max_size=60),
       decompose=st.lists(st.floats(0, 1, exclude_max=True), max_size=40))
def test_invisible_characters_and_nfd_anywhere_in_the_text_give_the_same_records(
        bundled_directory_html, reference_records, inserts, decompose):
    page = bundled_directory_html.decode("utf-8")
    for fraction in decompose:  # decompose some precomposed characters (a page pasted from macOS or a PDF)
        spots = nfd_forms(page)
        if spots:
            i = spots[int(fraction * len(spots))]
            page = page[:i] + unicodedata.normalize("NFD", page[i]) + page[i + 1:]
    spots = text_positions(page)
    for fraction, char in sorted(inserts, reverse=True):  # from the end, so earlier offsets stay valid
        i = spots[int(fraction * len(spots))]
        page = page[:i] + char + page[i:]
    got = [r.model_dump() for r in build_clusters(parse_directory(page.encode("utf-8")), "s")]
    assert got == reference_records, [(a["id"], {k: (a[k], b[k]) for k in a if a[k] != b[k]})
                                      for a, b in zip(got, reference_records, strict=False) if a != b][:3]
