"""Field paths: one rule for writing them (positions, keys, every item), and every evidence path in the bundled
harvest's programme.json names a value that is there."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from clusterharvest.exporters.public import public_variant
from clusterharvest.paths import PathError, resolve
from clusterharvest.pipeline import open_context, run_harvest
from clusterharvest.publish import read_version, verified_bytes

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


def unresolved_paths(programme: dict) -> dict[str, str]:
    """The evidence paths and issue fields of a programme.json that name nothing, or only nulls, and why."""
    paths = {e["path"] for e in programme["evidence"]} | {i["field"] for i in programme["issues"]
                                                        if i["field"] != "sources"}
    unresolved = {}
    for path in sorted(paths):
        try:
            values = resolve(programme, path)
        except PathError as exc:
            unresolved[path] = str(exc)
            continue
        if not values or any(v is None for v in values):
            unresolved[path] = f"null: {values}"
    return unresolved


@dataclass(frozen=True)
class Bundled:
    out: Path
    version: str


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    """The bundled harvest's dataset root and version."""
    out = tmp_path_factory.mktemp("paths") / "out"
    return Bundled(out, run_harvest(open_context(ROOT / "sources.toml", out, ROOT / "raw", offline=True)).version)


def test_every_evidence_path_of_the_bundled_programme_names_a_value(bundled):
    programme = json.loads(verified_bytes(bundled.out, bundled.version, "programme.json"))
    paths = {e["path"] for e in programme["evidence"]}
    # keyed list items, every round's approximate figure, each contact field apart
    assert {"phases[name=concept].max_years", "rounds[number=3].planned_start", "rounds[*].projects_selected_approx",
            "contact.email", "contact.phone", "contact.organisation"} <= paths, paths
    assert unresolved_paths(programme) == {}


def test_every_evidence_path_of_the_public_programme_names_a_value(bundled):
    programme = json.loads(public_variant(read_version(bundled.out, bundled.version))["programme.json"])
    paths = {e["path"] for e in programme["evidence"]}
    assert "contact.organisation" in paths and not {"contact.name", "contact.email", "contact.phone"} & paths, paths
    assert unresolved_paths(programme) == {}
