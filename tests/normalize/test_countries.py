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
        ("England", "target_countries.concept"), ("Atlantis", "target_countries.concept")], got.issues


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
