"""Field-level diffs: set semantics where order means nothing, item by item for contacts, renames."""

from __future__ import annotations

import pytest

from clusterharvest.dataset import Change
from clusterharvest.diff import diff_records, diff_versions, field_changes, is_empty, to_markdown


def as_json(changes: list[Change]) -> list[dict]:
    return [c.model_dump(mode="json") for c in changes]


def record(rid: str, name: str, **fields) -> dict:
    base = {"id": rid, "name": name, "aliases": [], "sources": ["s"], "issues": [],
            "target_countries": {"concept": ["FR", "NL"], "implementation": ["FR"]},
            "contacts": [{"name": "Erika Muster", "phone": ["+49711123456"], "fax": []}],
            "addresses": [{"city": "Stuttgart", "postcode": "70174"}],
            "description": {"en": "A cluster.", "de": None}}
    return {**base, **fields}


def test_country_lists_compare_as_sets():
    old = record("a", "A")
    new = record("a", "A", target_countries={"concept": ["NL", "FR"], "implementation": ["FR"]})
    assert field_changes(old, new) == []
    new["target_countries"]["implementation"] = ["FR", "ES"]
    assert as_json(field_changes(old, new)) == [{"path": "target_countries.implementation", "old": ["FR"],
                                                 "new": ["FR", "ES"], "added": ["ES"], "removed": []}]


def test_contacts_compare_item_by_item():
    old = record("a", "A")
    new = record("a", "A", contacts=[{"name": "Erika Muster", "phone": ["+49711999999"], "fax": []},
                                     {"name": "Max Muster", "phone": [], "fax": []}])
    assert as_json(field_changes(old, new)) == [
        {"path": "contacts[0].phone", "old": ["+49711123456"], "new": ["+49711999999"], "added": ["+49711999999"],
         "removed": ["+49711123456"]},
        {"path": "contacts[1]", "old": None, "new": {"name": "Max Muster", "phone": [], "fax": []}}]


def test_added_removed_modified():
    old = [record("a", "A"), record("b", "B", description={"en": "Bee.", "de": None})]
    new = [record("a", "A", description={"en": "Changed.", "de": None}),
           record("c", "C", description={"en": "Sea.", "de": None}, addresses=[], contacts=[])]
    out = diff_records(old, new)
    assert (out["added"], out["removed"], out["renamed"]) == (["c"], ["b"], [])
    assert [m.model_dump(mode="json") for m in out["modified"]] == [{"id": "a", "name": "A", "changes": [
        {"path": "description.en", "old": "A cluster.", "new": "Changed."}]}]


def test_a_new_name_with_everything_else_unchanged_is_a_rename():
    old = [record("cluster-old", "Cluster Old")]
    new = [record("cluster-new", "Cluster New", aliases=["Cluster Old"])]
    out = diff_records(old, new)
    assert (out["added"], out["removed"]) == ([], [])
    [renamed] = out["renamed"]
    assert (renamed.from_, renamed.to) == ("cluster-old", "cluster-new")
    assert {c.path for c in renamed.changes} == {"id", "name", "aliases"}


def test_programme_changes_and_markdown():
    old = {"clusters.json": [record("a", "A")], "programme.json": {"max_funding_eur": 4000000}}
    new = {"clusters.json": [record("a", "A", target_countries={"concept": ["FR"], "implementation": ["FR"]})],
           "programme.json": {"max_funding_eur": 5000000}}
    changes = diff_versions("v1", "v2", old, new)
    assert as_json(changes.programme) == [{"path": "programme.max_funding_eur", "old": 4000000, "new": 5000000}]
    text = to_markdown(changes)
    assert "# Changes from v1 to v2" in text and "- `target_countries.concept`: removed NL\n" in text
    assert "- `programme.max_funding_eur`: 4000000 → 5000000\n" in text


def test_markdown_cuts_nothing_and_reads_as_text():
    long = "A cluster. " * 40
    old = {"clusters.json": [record("a", "A")]}
    new = {"clusters.json": [record("a", "A", description={"en": long, "de": None},
                                    issues=[{"field": "name", "message": "read as X", "value": "X!"}])]}
    text = to_markdown(diff_versions("v1", "v2", old, new))
    assert long.strip() in text and "…" not in text
    assert "- `issues`: added name: read as X ('X!')" in text and "{" not in text
    same = diff_versions("v1", "v2", old, old)
    assert is_empty(same) and "No changes." in to_markdown(same)


# Every list whose order means nothing, by hand: reordered it is no change, one item more is one change naming it.
ISSUE_A = {"field": "name", "message": "read as A", "value": "A!"}
ISSUE_B = {"field": "organisation", "message": "read as B", "value": None}
EVIDENCE_A = {"path": "max_funding_eur", "source": "flyer", "quote": "Up to 4 million.", "source_date": None}
EVIDENCE_B = {"path": "funder", "source": "page", "quote": "The BMBF funds it.", "source_date": None}
SET_LIKE = [  # (path, two items, a third)
    ("target_countries.concept", ["FR", "NL"], "JP"),
    ("target_countries.implementation", ["FR", "NL"], "JP"),
    ("target_regions.concept", ["Asia-Pacific", "Europe"], "Africa"),
    ("target_regions.implementation", ["Asia-Pacific", "Europe"], "Africa"),
    ("aliases", ["Cluster A", "A e.V."], "A Network"),
    ("sources", ["directory", "announcement"], "flyer"),
    ("issues", [ISSUE_A, ISSUE_B], {"field": "city", "message": "read as C", "value": "C"}),
    ("contacts[0].phone", ["+49711123456", "+49711123457"], "+49711123458"),
    ("contacts[0].fax", ["+49711123456", "+49711123457"], "+49711123458"),
    ("contacts[0].mobile", ["+491511234567", "+491511234568"], "+491511234569"),
    ("programme.sources", ["flyer", "page"], "announcement"),
    ("programme.aliases", ["Name A", "Name B"], "Name C"),
    ("programme.issues", [ISSUE_A, ISSUE_B], {"field": "funder", "message": "two funders", "value": None}),
    ("programme.evidence", [EVIDENCE_A, EVIDENCE_B],
     {"path": "phases[name=concept].max_years", "source": "flyer", "quote": "Two years.", "source_date": "2016-10"}),
]


def with_list(path: str, items: list) -> dict:
    """clusters.json and programme.json payloads whose list at ``path`` holds ``items``."""
    cluster = record("a", "A")
    programme: dict = {"sources": [], "aliases": [], "issues": [], "evidence": []}
    target, _, rest = path.partition(".") if path.startswith("programme.") else ("", "", path)
    holder: dict = programme if target else cluster
    *parents, last = rest.replace("[0]", ".0").split(".")
    for part in parents:
        holder = holder[int(part)] if part.isdigit() else holder.setdefault(part, {})
    holder[last] = list(items)
    return {"clusters.json": [cluster], "programme.json": programme}


@pytest.mark.parametrize(("path", "items", "more"), SET_LIKE, ids=[p for p, _, _ in SET_LIKE])
def test_a_set_like_list_reordered_is_no_change_and_one_more_item_is_one(path, items, more):
    before = with_list(path, items)
    reordered = diff_versions("v1", "v2", before, with_list(path, list(reversed(items))))
    assert reordered.is_empty(), reordered
    grown = diff_versions("v1", "v2", before, with_list(path, [*items, more]))
    changes = grown.programme if path.startswith("programme.") else [c for m in grown.modified for c in m.changes]
    assert [(c.path, c.added, c.removed) for c in changes] == [(path, [more], [])], changes
