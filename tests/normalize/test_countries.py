"""Country and region normalisation: table tests and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterharvest.normalize.countries import normalize_country, normalize_region, parse_targets


@pytest.mark.parametrize(("name", "code"), [
    ("USA", "US"), ("Australia", "AU"), ("England", "GB"), ("UK", "GB"), ("Great Britain", "GB"),
    ("Finnland", "FI"), ("Finland", "FI"), ("Brasil", "BR"), ("Brazil", "BR"), ("Sinapore", "SG"),
    ("Singapore", "SG"), ("Korea", "KR"), ("South Korea", "KR"), ("Czech Republic", "CZ"),
    ("Netherlands", "NL"), ("the Netherlands", "NL"), ("Colombia", "CO"), ("South Africa", "ZA"),
    # German names, from pycountry's German catalogue and the lookup
    ("Niederlande", "NL"), ("Frankreich", "FR"), ("Südkorea", "KR"), ("Tschechien", "CZ"),
    ("Vereinigte Staaten", "US"), ("Brasilien", "BR"), ("Großbritannien", "GB"), ("Suedkorea", None),
    ("  usa  ", "US"), ("Asia-Pacific", None), ("", None), ("Atlantis", None),
])
def test_normalize_country(name, code):
    assert normalize_country(name) == code, name


@pytest.mark.parametrize(("name", "region"), [
    ("Economic area: Asia-Pacific", "Asia-Pacific"), ("Asia-Pacific", "Asia-Pacific"),
    ("Wirtschaftsraum: Asien-Pazifik", "Asia-Pacific"), ("Europe", "Europe"), ("France", None),
])
def test_normalize_region(name, region):
    assert normalize_region(name) == region, name


def test_parse_targets_splits_codes_regions_and_issues():
    raw = "China, England and Finnland; Economic area: Asia-Pacific, Atlantis"
    got = parse_targets(raw, "target_countries.concept")
    assert got.countries == ["CN", "GB", "FI"], got.countries
    assert got.regions == ["Asia-Pacific"], got.regions
    assert [(i.value, i.field) for i in got.issues] == [
        ("England", "target_countries.concept"), ("Finnland", "target_countries.concept"),
        ("Economic area: Asia-Pacific", "target_countries.concept"), ("Atlantis", "target_countries.concept")]


@pytest.mark.parametrize(("name", "issue"), [
    # read by a fix of ours: an issue with the raw text, whatever kind of fix
    ("Finnland", True), ("Brasil", True), ("Sinapore", True), ("UK", True), ("England", True), ("Korea", True),
    ("Great Britain", True), ("Economic area: Asia-Pacific", True),
    # ISO 3166-1 names and codes (English), and a region as its own name: nothing to say
    ("Finland", False), ("USA", False), ("United Kingdom", False), ("Czech Republic", False), ("Asia-Pacific", False),
])
def test_every_reading_by_a_fix_gets_an_issue_with_the_raw_text(name, issue):
    got = parse_targets(name, "target_countries.concept")
    assert got.countries or got.regions
    assert [i.value for i in got.issues] == ([name] if issue else []), got.issues


def test_issue_messages_say_only_what_sources_and_iso_say():
    [korea] = parse_targets("Korea", "f").issues
    assert "partner country" not in korea.message and "does not say which Korea" in korea.message


def test_parse_targets_keeps_order_and_drops_repeats():
    assert parse_targets("USA, UK, United Kingdom, USA", "f").countries == ["US", "GB"]


@given(st.text(max_size=200))
def test_normalisers_never_raise(text):
    normalize_country(text)
    normalize_region(text)
    parse_targets(text, "target_countries.concept")


@given(st.sampled_from(["USA", "Finnland", "Brasil", "Korea", "UK", "Niederlande", "Japan"]))
def test_country_codes_are_idempotent(name):
    code = normalize_country(name)
    assert code is not None
    assert normalize_country(code) == code
