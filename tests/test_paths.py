"""Field paths: one rule for writing them (positions, keys, every item), and every evidence path in the bundled
harvest's programme.json names a value that is there."""

from __future__ import annotations

import json

import pytest

from clusterharvest.paths import PathError, resolve
from clusterharvest.pipeline import open_context, run_harvest

from .conftest import ROOT

DOCUMENT = {"rounds": [{"number": 2, "year": 2016}, {"number": 3, "year": 2017}],
            "phases": [{"name": "concept", "max_years": 2}],
            "contacts": [{"phone": ["+49301234567"]}], "name": {"en": "X"}}


@pytest.mark.parametrize(("path", "want"), [
    ("name.en", ["X"]),
    ("rounds[number=3].year", [2017]),  # round 3, not position 3
    ("rounds[1].year", [2017]),  # position 1
    ("rounds[*].year", [2016, 2017]),
    ("phases[name=concept].max_years", [2]),
    ("contacts[0].phone", [["+49301234567"]]),
    ("contacts[0].phone[0]", ["+49301234567"]),
])
def test_a_path_names_its_values(path, want):
    got = resolve(DOCUMENT, path)
    assert got == want, got


@pytest.mark.parametrize("path", [
    "rounds[3].year",  # no position 3: two rounds
    "rounds[number=1].year",  # no round 1
    "phases.concept",  # phases is a list: a name on it names nothing
    "phases[name=concept].min_years",
    "name[0]",  # not a list
    "rounds[number].year",  # neither a position nor key=value
    "name..en",
])
def test_a_path_that_names_nothing_is_an_error(path):
    with pytest.raises(PathError):
        resolve(DOCUMENT, path)


def test_every_evidence_path_of_the_bundled_programme_names_a_value(tmp_path):
    result = run_harvest(open_context(ROOT / "sources.toml", tmp_path / "out", ROOT / "raw", offline=True))
    programme = json.loads((tmp_path / "out" / result.version / "programme.json").read_text(encoding="utf-8"))
    paths = {e["path"] for e in programme["evidence"]} | {i["field"] for i in programme["issues"]
                                                        if i["field"] != "sources"}
    assert {"phases[name=concept].max_years", "rounds[number=3].planned_start"} <= paths, paths
    unresolved = {}
    for path in sorted(paths):
        try:
            values = resolve(programme, path)
        except PathError as exc:
            unresolved[path] = str(exc)
            continue
        if not values or any(v is None for v in values):
            unresolved[path] = f"null: {values}"
    assert unresolved == {}, unresolved
