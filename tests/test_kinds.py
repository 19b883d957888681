"""Source kinds come from one registry: a new kind is a parser and one ``register`` line, and it flows
through ``sources.toml``, ``extract`` and a harvest with no other change."""

from __future__ import annotations

import json

import pytest

from clusterharvest.cli import main
from clusterharvest.kinds import REGISTRY, Found, SourceKind, kind_names, kind_of, register
from clusterharvest.parse.facts import prose_facts
from clusterharvest.parse.text import document_lines
from clusterharvest.pipeline import open_context, run_harvest
from clusterharvest.publish import read_data

from .conftest import DIRECTORY_CAPTURE


def read_note(data: bytes, content_type: str | None, url: str, configured_round: int | None) -> Found:
    """A toy kind: a short funding note in prose (synthetic, for the test only)."""
    return Found(facts=prose_facts("\n\n".join(document_lines(data, content_type))))


@pytest.fixture
def funding_note():
    register(SourceKind("funding-note", read_note, fact_rank=5, name_rank=5))
    yield
    REGISTRY.pop("funding-note")


def test_the_shipped_kinds_are_registered():
    assert kind_names() == ("programme-page", "flyer", "announcement", "cluster-directory")
    assert [k for k in kind_names() if kind_of(k).gives_records] == ["cluster-directory"]


def test_a_registered_kind_flows_through_extract_and_a_harvest(tmp_path, funding_note, capsys):
    note = tmp_path / "note.txt"
    note.write_text("Each project receives funding of up to 3 million euros.\n", encoding="utf-8")
    assert main(["extract", str(note), "--kind", "funding-note"]) == 0
    facts = json.loads(capsys.readouterr().out)["facts"]
    assert [(f["path"], f["value"]) for f in facts] == [("max_funding_eur", 3_000_000)]

    (tmp_path / "sources.toml").write_text(
        f'[[source]]\nid = "note"\nurl = "{note}"\nkind = "funding-note"\nlang = "en"\n'
        f'[[source]]\nid = "dir"\nurl = "{DIRECTORY_CAPTURE}"\nkind = "cluster-directory"\nlang = "en"\n',
        encoding="utf-8")
    result = run_harvest(open_context(tmp_path / "sources.toml", tmp_path / "out", tmp_path / "raw"))
    data = read_data(tmp_path / "out", result.version)
    assert data["programme.json"]["max_funding_eur"] == 3_000_000
    assert data["programme.json"]["sources"] == ["note"] and len(data["clusters.json"]) == 32
