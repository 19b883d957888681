"""A German and an English directory configured together: one record per cluster, merged by id.

The German page is the synthetic one (tests/fixtures/synthetic/directory_de.html, see its README); the
English page is the bundled snapshot.
"""

from __future__ import annotations

import json

import pytest

from clusterharvest.pipeline import open_context, run_harvest

from .conftest import ROOT

GERMAN = (ROOT / "tests" / "fixtures" / "synthetic" / "directory_de.html").read_text(encoding="utf-8")


def harvest(tmp_path, bundled_directory_html, german: str) -> dict[str, dict]:
    (tmp_path / "directory_en.html").write_bytes(bundled_directory_html)
    (tmp_path / "directory_de.html").write_text(german, encoding="utf-8")
    (tmp_path / "sources.toml").write_text(
        '[[source]]\nid = "directory-en"\nurl = "directory_en.html"\nkind = "cluster-directory"\nlang = "en"\n\n'
        '[[source]]\nid = "directory-de"\nurl = "directory_de.html"\nkind = "cluster-directory"\nlang = "de"\n',
        encoding="utf-8")
    ctx = open_context(tmp_path / "sources.toml", tmp_path / "out", tmp_path / "raw", offline=True)
    result = run_harvest(ctx)
    assert result.version is not None
    clusters = json.loads((tmp_path / "out" / result.version / "clusters.json").read_text(encoding="utf-8"))
    return {c["id"]: c for c in clusters}


@pytest.fixture(scope="module")
def merged(tmp_path_factory, bundled_directory_html):
    return harvest(tmp_path_factory.mktemp("merge"), bundled_directory_html, GERMAN)


def test_entries_of_both_pages_are_one_record_each(merged):
    assert len(merged) == 32
    for rid in ("amz-sachsen", "medical-mountains", "wigratec"):
        assert merged[rid]["sources"] == ["directory-de", "directory-en"], rid
    assert merged["arena-2036"]["sources"] == ["directory-en"]


def test_descriptions_are_kept_per_language(merged):
    mm = merged["medical-mountains"]["description"]
    assert mm["en"].startswith("The cluster management of Medical Mountain offers")
    assert mm["de"].startswith("Das Clustermanagement von Medical Mountains bietet")


def test_a_german_text_from_the_german_page_wins_and_the_other_is_kept_in_issues(merged):
    wig = merged["wigratec"]
    assert wig["description"]["de"].endswith("die Weltmarktführerschaft bei der Anlagentechnik.")
    dropped = [i for i in wig["issues"] if i["field"] == "description.de"]
    assert len(dropped) == 1 and "directory-en" in dropped[0]["message"]
    assert dropped[0]["value"].startswith("Der regionale Wachstumskern")


def test_agreeing_facts_raise_no_issue(merged):
    amz = merged["amz-sachsen"]
    assert amz["target_countries"] == {"concept": ["US"], "implementation": ["US"]}
    assert [i for i in amz["issues"] if "different" in i["message"]] == []
    assert amz["contacts"][0]["phone"] == ["+491728380024"]


def test_facts_that_disagree_are_issues_with_the_other_value(tmp_path, bundled_directory_html):
    german = GERMAN.replace("Zielländer Umsetzungsphase: Niederlande", "Zielländer Umsetzungsphase: Belgien")
    german = german.replace("+49 (0) 7461 96 97 211", "+49 (0) 7461 96 97 299")
    assert german != GERMAN
    records = harvest(tmp_path, bundled_directory_html, german)
    wig = records["wigratec"]
    assert wig["target_countries"]["implementation"] == ["NL"]  # the primary (first configured) source's
    assert {"field": "target_countries.implementation", "value": '["BE"]'} in [
        {"field": i["field"], "value": i["value"]} for i in wig["issues"]]
    mm = records["medical-mountains"]
    assert mm["contacts"][0]["phone"] == ["+4974619697211"]
    contact_issues = [i for i in mm["issues"] if i["field"] == "contacts"]
    assert len(contact_issues) == 1 and "+4974619697299" in contact_issues[0]["value"]


def test_the_registry_language_reaches_the_country_readings(merged):
    """directory-de is registered with lang = "de": its German ISO names ('Niederlande') give no issue."""
    wig = merged["wigratec"]
    assert wig["target_countries"] == {"concept": ["NL"], "implementation": ["NL"]}
    assert [i for i in wig["issues"] if i["value"] == "Niederlande"] == [], wig["issues"]
