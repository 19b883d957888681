"""One lookup mechanism: every lookup file in one format, and a report of the entries a run did not use
(zavod's debug_lookups), checked on the bundled snapshot and the synthetic German directory."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from clusterharvest.lookups import LOOKUP_FILES, Lookup, Option, lookups, read_option

from .conftest import ROOT

RUN = """
import json, sys
from clusterharvest.pipeline import open_context, run_harvest
from clusterharvest.lookups import unused_options
run_harvest(open_context(sys.argv[1] + "/sources.toml", sys.argv[2], sys.argv[1] + "/raw", offline=True))
after_english = unused_options()
from clusterharvest.parse.clusters import build_clusters
from clusterharvest.parse.cluster_directory import parse_directory
build_clusters(parse_directory(open(sys.argv[1] + "/tests/fixtures/synthetic/directory_de.html", "rb").read()), "de")
print(json.dumps({"english": after_english, "german": unused_options()}))
"""


@pytest.fixture(scope="module")
def unused(tmp_path_factory) -> dict[str, dict[str, list[str]]]:
    """What a fresh process running the bundled harvest (then the German page) left unused."""
    out = tmp_path_factory.mktemp("lookups") / "out"
    res = subprocess.run([sys.executable, "-c", RUN, str(ROOT), str(out)], capture_output=True, text=True,
                         timeout=300, check=True)
    return dict(json.loads(res.stdout))


def test_every_lookup_file_is_in_the_one_format():
    for file in LOOKUP_FILES:
        found = lookups(file)
        assert found and all(isinstance(v, Lookup) and v.options for v in found.values() if v.name != "aliases"), file


def test_an_option_is_a_string_or_match_and_value():
    assert read_option("f", "l", "Dr.") == Option(("Dr.",))
    assert read_option("f", "l", {"match": ["uk", "u.k."], "value": "GB"}) == Option(("uk", "u.k."), "GB")
    with pytest.raises(ValueError, match="an option is a string or"):
        read_option("f", "l", {"uk": "GB"})  # the old mapping form is not the format


def test_matching_ignores_case_and_spacing_and_records_use():
    found = Lookup("countries", [Option(("great britain",), "GB"), Option(("holland",), "NL")])
    assert found.get("Great   Britain") == "GB" and "HOLLAND" in found and found.get("France") is None
    assert found.unused() == []
    assert Lookup("x", [Option(("a",))]).unused() == ["a"]


def test_the_report_names_what_the_english_directory_never_needed(unused):
    english = unused["english"]
    concept = english["parse/labels.yml:concept"]
    assert "Zielländer Konzeptionsphase" in concept and "Target countries concept phase" not in concept
    fixes = english["normalize/countries.yml:countries"]
    for written in ("sinapore", "korea"):  # the capture's own spellings
        assert written not in fixes, written
    assert "pr china" in fixes and "elfenbeinküste" in fixes  # no source writes these
    assert "england" not in english["normalize/countries.yml:notes"]


def test_the_german_page_uses_the_german_labels(unused):
    german = unused["german"]
    assert "Zielländer Konzeptionsphase" not in german["parse/labels.yml:concept"]
    assert "Zielländer Umsetzungsphase" not in german["parse/labels.yml:implementation"]
    assert "Telefon" not in german.get("parse/labels.yml:phone", [])
