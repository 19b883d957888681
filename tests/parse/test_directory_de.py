"""German labels and country names (synthetic German page: the German site was never captured)."""

from __future__ import annotations

from clusterharvest.parse.cluster_directory import parse_directory
from clusterharvest.parse.clusters import build_clusters

from ..conftest import ROOT

PAGE = (ROOT / "tests" / "fixtures" / "synthetic" / "directory_de.html").read_bytes()


def test_german_page_gives_the_same_codes_as_the_english_one():
    records = {r.id: r for r in build_clusters(parse_directory(PAGE, "de"), "interspin-directory-de")}
    assert sorted(records) == ["amz-sachsen", "medical-mountains", "wigratec"]
    amz = records["amz-sachsen"]
    assert (amz.target_countries.concept, amz.target_countries.implementation) == (["US"], ["US"])
    assert amz.contacts[0].phone == ["+491728380024"] and amz.contacts[0].role == "Projektleiter TADA"
    mm = records["medical-mountains"]
    assert mm.target_countries.concept == ["FI", "US"] and mm.target_countries.implementation is None
    assert mm.description.de and not mm.description.en
    wig = records["wigratec"]
    assert wig.target_countries.concept == ["NL"] == wig.target_countries.implementation
    assert wig.contacts[0].name == "Mirko Peglow" and wig.contacts[0].academic_title == "Hon.-Prof. Dr.-Ing."


def test_german_chrome_stays_out():
    for entry in parse_directory(PAGE, "de"):
        text = " ".join(entry.lines)
        for chrome in ("Startseite", "Impressum", "Datenschutz", "Cookies", "Alle"):
            assert chrome not in text, chrome


def test_german_iso_names_need_no_issue_on_a_german_source():
    """The page writes 'Vereinigte Staaten', 'Finnland', 'Niederlande': its own standard names, not readings."""
    german = build_clusters(parse_directory(PAGE, "de"), "interspin-directory-de", lang="de")
    assert [(r.id, i.value) for r in german for i in r.issues if i.field.startswith("target_countries")
            and i.value] == [], [r.issues for r in german]
    english = build_clusters(parse_directory(PAGE, "de"), "interspin-directory-de")  # the language not given
    assert sorted(i.value for r in english for i in r.issues if i.field.startswith("target_countries") and i.value) \
        == ["Finnland", "Niederlande", "Niederlande", "Vereinigte Staaten"]
