"""Linking announced names to directory records: the variants the sources use, and no guessing."""

from __future__ import annotations

from dataclasses import replace

import pytest

from clusterharvest.link import link_name, link_table, name_key
from clusterharvest.lookups import Lookup, Option
from clusterharvest.models import Cluster
from clusterharvest.parse.cluster_directory import parse_directory
from clusterharvest.parse.clusters import build_clusters


@pytest.fixture(scope="module")
def records(directory_capture):
    return build_clusters(parse_directory(directory_capture), "s")


@pytest.mark.parametrize(("announced", "cluster_id"), [
    ("Cluster Mechatronics & Automation", "cluster-mechatronik-and-automation"),  # English / German
    ("Cluster Mechatronik & Automation", "cluster-mechatronik-and-automation"),
    ("Forschungscampus ARENA2036", "arena-2036"),
    ("ARENA 2036", "arena-2036"),
    ("ResearchCampus OpenHybrid LabFactory", "open-hybrid-labfactory-e-v"),
    ("Open Hybrid LabFactory e.V.", "open-hybrid-labfactory-e-v"),
    ("It’s OWL – Intelligent Technical Systems OstWestfalenLippe", "its-owl"),
    ("it's OWL", "its-owl"),
    ("Optence", "optence-e-v"),
    ("BIO.NRW", "bio-nrw"),
    ("Elektromobilitaet Sued-West", "elektromobilitaet-sued-west"),  # umlauts written out
    ("Hamburg Aviaton", "hamburg-aviation"),  # a typo: fuzzy
])
def test_variants_link(records, announced, cluster_id):
    found = link_name(announced, records)
    assert (found.cluster_id, found.method) == (cluster_id, "fuzzy"), found


@pytest.mark.parametrize("announced", ["Northern Lights Photonics Alliance", "Medical", "Organic Organic Saxony"])
def test_no_close_name_is_missing_not_guessed(records, announced):
    found = link_name(announced, records)
    assert found.cluster_id is None and found.method == "missing"
    assert found.candidates  # the best candidates are reported for a person to decide


def test_two_equally_close_records_are_ambiguous():
    twins = [Cluster(id="medical-valley-emn", name="Medical Valley EMN"),
             Cluster(id="medical-valley-ems", name="Medical Valley EMS")]
    found = link_name("Medical Valley EM", twins)
    assert found.cluster_id is None and found.method == "ambiguous"
    assert {c for c, _ in found.candidates} == {"medical-valley-emn", "medical-valley-ems"}
    assert link_name("Medical Valley EMN", twins).cluster_id == "medical-valley-emn"  # exact: a clear lead


def test_an_alias_links_what_no_spelling_rule_can(records):
    base = link_table()
    table = replace(base, aliases=Lookup("aliases", [Option(("Spitzencluster m4",),
                                                            "biom-biotech-cluster-development-gmbh")]))
    assert link_name("Spitzencluster m4", records).cluster_id is None
    found = link_name("Spitzencluster m4", records, table)
    assert (found.cluster_id, found.method) == ("biom-biotech-cluster-development-gmbh", "alias")


def test_keys_drop_legal_forms_and_generic_words():
    assert name_key("Cluster Mechatronik & Automation Management gGmbH") == "mechatronikandautomationmanagement"
    assert name_key("Forschungscampus ARENA2036") == name_key("ARENA 2036 e.V.") == "arena2036"
