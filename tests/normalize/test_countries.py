"""Country and region normalisation: table tests and properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterharvest.normalize.countries import normalize_country, normalize_region, parse_targets, read_country


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


# Names written by hand from what people write: former names, common English and German names, abbreviations.
@pytest.mark.parametrize(("name", "code"), [
    # former names (ISO 3166-1 renamed the country, or ISO 3166-3 withdrew the old code)
    ("Swaziland", "SZ"), ("Turkey", "TR"), ("Cape Verde", "CV"), ("East Timor", "TL"), ("Burma", "MM"),
    ("Macedonia", "MK"), ("Czech Republic", "CZ"),
    # common English names
    ("Ivory Coast", "CI"), ("Holland", "NL"), ("Britain", "GB"), ("Russia", "RU"), ("Vietnam", "VN"), ("Laos", "LA"),
    ("Scotland", "GB"), ("Northern Ireland", "GB"),
    # German names, common and ISO
    ("Vereinigte Staaten", "US"), ("Niederlande", "NL"), ("Südkorea", "KR"), ("Türkei", "TR"), ("Schweiz", "CH"),
    ("Elfenbeinküste", "CI"), ("Weißrussland", "BY"), ("Russische Föderation", "RU"), ("Nordmazedonien", "MK"),
    ("Tschechei", "CZ"), ("Schottland", "GB"), ("Österreich", "AT"),
    # abbreviations
    ("PR China", "CN"), ("P.R. China", "CN"), ("VR China", "CN"), ("PRC", "CN"), ("UAE", "AE"), ("VAE", "AE"),
    ("U.S.", "US"), ("U.S.A.", "US"), ("U.K.", "GB"),
    # current ISO names
    ("Eswatini", "SZ"), ("Türkiye", "TR"), ("Czechia", "CZ"), ("North Macedonia", "MK"), ("Côte d'Ivoire", "CI"),
    # not a current ISO 3166-1 country, not one country, or a misspelling only a guess would read
    ("Zaire", None), ("Kosovo", None), ("Soviet Union", None), ("Czechoslovakia", None), ("European Union", None),
    ("Worldwide", None), ("America", None), ("Amerika", None), ("Austrlia", None), ("Scandinavia", None),
])
def test_what_people_write(name, code):
    assert normalize_country(name) == code, (name, read_country(name))


# Every name but the code itself and the English names ISO 3166-1 gives (short, official, common) was read by
# interpretation: an issue with the raw text says how. A code that is no current ISO 3166-1 country is not published.
@pytest.mark.parametrize(("name", "codes", "says"), [
    ("Finland", ["FI"], None), ("FI", ["FI"], None), ("USA", ["US"], None), ("Czechia", ["CZ"], None),
    ("Czech Republic", ["CZ"], None), ("South Korea", ["KR"], None), ("Türkiye", ["TR"], None),
    ("Swaziland", ["SZ"], "'Swaziland' is not an ISO 3166-1 name; read as SZ (Eswatini)"),
    ("Ivory Coast", ["CI"], "'Ivory Coast' is not an ISO 3166-1 name; read as CI (Côte d'Ivoire)"),
    ("Holland", ["NL"], "'Holland' is not an ISO 3166-1 name; read as NL (Netherlands)"),
    ("PR China", ["CN"], "'PR China' is not an ISO 3166-1 name; read as CN (China)"),
    ("Vereinigte Staaten", ["US"], "'Vereinigte Staaten' is the German ISO 3166-1 name; read as US (United States)"),
    ("Niederlande", ["NL"], "'Niederlande' is the German ISO 3166-1 name; read as NL (Netherlands)"),
    ("Südkorea", ["KR"], "'Südkorea' is the German ISO 3166-1 name; read as KR"),
    ("Scotland", ["GB"], "part of the United Kingdom, which ISO 3166-1 codes as a whole"),
    ("Korea", ["KR"], "the source does not say which Korea"),
    ("Zaire", [], "'Zaire' names ZR, not a current ISO 3166-1 alpha-2 code (withdrawn"),
    ("Kosovo", [], "'Kosovo' names XK, not a current ISO 3166-1 alpha-2 code"),
    ("America", [], "does not say which"),
])
def test_readings_and_what_they_say(name, codes, says):
    got = parse_targets(name, "target_countries.concept")
    assert got.countries == codes, got
    assert [i.value for i in got.issues] == ([name] if says else []), got.issues
    assert says is None or says in got.issues[0].message, got.issues


# ISO 3166-1 has renamed countries (Swaziland -> Eswatini 2018, Turkey -> Türkiye 2022, Czech Republic -> Czechia
# 2016, Macedonia -> North Macedonia 2019): the names in the editions before each rename still give the same code,
# so a pycountry release that renames a country changes no code.
@pytest.mark.parametrize(("former", "current"), [
    ("Swaziland", "Eswatini"), ("Turkey", "Türkiye"), ("Czech Republic", "Czechia"),
    ("Macedonia, the former Yugoslav Republic of", "North Macedonia"), ("Cape Verde", "Cabo Verde"),
    ("Holy See (Vatican City State)", "Holy See"),
])
def test_a_rename_changes_no_code(former, current):
    assert normalize_country(former) == normalize_country(current) is not None, (former, current)


def test_german_directory_names_keep_their_codes_and_say_so():
    got = parse_targets("Vereinigte Staaten, Niederlande, Finnland und Südkorea", "target_countries.concept")
    assert got.countries == ["US", "NL", "FI", "KR"], got
    assert [i.value for i in got.issues] == ["Vereinigte Staaten", "Niederlande", "Finnland", "Südkorea"], got.issues


# A country whose name holds a separator is one target: 'and' inside a name any reader knows, a comma only inside
# ISO 3166-1's own inverted names ('Korea, Republic of'). Lists stay lists ('Hong Kong, China' is two targets).
@pytest.mark.parametrize(("raw", "codes", "issues"), [
    ("Bosnia and Herzegovina", ["BA"], []),
    ("Trinidad and Tobago, Japan", ["TT", "JP"], []),
    ("Antigua & Barbuda", ["AG"], ["Antigua & Barbuda"]),
    ("Korea, Republic of; Iran, Islamic Republic of", ["KR", "IR"], []),
    ("Japan, Saint Kitts and Nevis und Wallis und Futuna", ["JP", "KN", "WF"], ["Wallis und Futuna"]),
    ("Hong Kong, China", ["HK", "CN"], []),
    ("Taiwan, China", ["TW", "CN"], []),
    ("Serbia and Montenegro", ["RS", "ME"], []),  # no longer one country: two targets
    ("USA and Canada", ["US", "CA"], []),
])
def test_names_holding_a_separator_are_one_target(raw, codes, issues):
    got = parse_targets(raw, "target_countries.concept")
    assert (got.countries, [i.value for i in got.issues]) == (codes, issues), got


# '/' separates targets like ',' ('USA / Canada'); a name that holds a '/' stays one ('England/United Kingdom' in
# countrynames), and so does a slash between single letters ('n/a'), which abbreviates and separates no names.
@pytest.mark.parametrize(("raw", "codes", "issues"), [
    ("USA / Canada", ["US", "CA"], []),
    ("Finland/Japan", ["FI", "JP"], []),
    ("China / Japan / South Korea", ["CN", "JP", "KR"], []),
    ("Finland/Atlantis", ["FI"], ["Atlantis"]),
    ("England/United Kingdom", ["GB"], ["England/United Kingdom"]),
    ("n/a", [], ["n/a"]),
])
def test_a_slash_separates_targets(raw, codes, issues):
    got = parse_targets(raw, "target_countries.concept")
    assert (got.countries, [i.value for i in got.issues]) == (codes, issues), got


# Text beside a target that names no country (a bracket, 'e.g.', 'z. B.', 'etc.', 'and others') is dropped and the
# target read, with an issue naming what was dropped; a name whose brackets are its own (ISO's 'Holy See (Vatican
# City State)', countrynames' 'Korea (South)') is read whole. Written by hand.
@pytest.mark.parametrize(("raw", "codes", "regions", "issues"), [
    ("Japan (tbd)", ["JP"], [], [("Japan (tbd)", "text beside the country not read: '(tbd)'")]),
    ("e.g. Finland", ["FI"], [], [("e.g. Finland", "text beside the country not read: 'e.g.'")]),
    ("z. B. Finnland", ["FI"], [], [("z. B. Finnland", "text beside the country not read: 'z. B.'; 'Finnland' is "
                                                       "the German ISO 3166-1 name")]),
    ("Finland (Helsinki), Japan (Tokyo)", ["FI", "JP"], [],
     [("Finland (Helsinki)", "text beside the country not read: '(Helsinki)'"),
      ("Japan (Tokyo)", "text beside the country not read: '(Tokyo)'")]),
    ("China (PRC)", ["CN"], [], [("China (PRC)", "text beside the country not read: '(PRC)'")]),
    ("Japan etc.", ["JP"], [], [("Japan etc.", "text beside the country not read: 'etc.'")]),
    ("Finland, Japan, etc.", ["FI", "JP"], [], [("etc.", "the list is not complete ('etc.'); names no country")]),
    ("Finland, Japan, and others", ["FI", "JP"], [],
     [("and others", "the list is not complete ('and others'); names no country")]),
    ("Asia (tbd)", [], ["Asia"], [("Asia (tbd)", "text beside the region not read: '(tbd)'")]),
    # a separator inside brackets separates no targets
    ("Finland (Helsinki, Espoo), Japan", ["FI", "JP"], [],
     [("Finland (Helsinki, Espoo)", "text beside the country not read: '(Helsinki, Espoo)'")]),
    ("Japan (Tokyo and Osaka)", ["JP"], [],
     [("Japan (Tokyo and Osaka)", "text beside the country not read: '(Tokyo and Osaka)'")]),
    ("Atlantis (tbd)", [], [], [("Atlantis (tbd)", "not a known country or region (concept phase)")]),
    ("Holy See (Vatican City State)", ["VA"], [], []),
    ("Korea (South)", ["KR"], [], [("Korea (South)", "'Korea (South)' is not an ISO 3166-1 name")]),
])
def test_text_beside_a_target_is_dropped_with_an_issue(raw, codes, regions, issues):
    got = parse_targets(raw, "target_countries.concept")
    assert (got.countries, got.regions) == (codes, regions), got
    assert [i.value for i in got.issues] == [value for value, _ in issues], got.issues
    for found, (_, says) in zip(got.issues, issues, strict=True):
        assert found.message.startswith(says), found.message


# The rule for issues, name by name (pycountry 26.2.16's ISO 3166-1 data, read by hand): a name is read with nothing
# to say only when it is the country's alpha-2 or alpha-3 code, or its English short name, official name or common
# name in that data; anything else gets an issue.
@pytest.mark.parametrize(("name", "code", "issue"), [
    ("US", "US", False), ("USA", "US", False),                     # alpha-2, alpha-3
    ("United States", "US", False),                                # short name
    ("United States of America", "US", False),                     # official name
    ("Viet Nam", "VN", False), ("Vietnam", "VN", False),           # short name, common name
    ("South Korea", "KR", False), ("Korea, Republic of", "KR", False),
    ("Iran", "IR", False), ("Taiwan", "TW", False), ("Laos", "LA", False), ("Bolivia", "BO", False),  # common names
    ("Czech Republic", "CZ", False), ("Czechia", "CZ", False),    # official name, short name
    ("Russian Federation", "RU", False), ("Türkiye", "TR", False), ("Eswatini", "SZ", False),
    ("Swaziland", "SZ", True), ("Russia", "RU", True), ("Turkey", "TR", True),  # in none of those fields
    ("U.S.A.", "US", True), ("Republic of Korea", "KR", True), ("Holland", "NL", True),
    ("Burma", "MM", True), ("Macau", "MO", True), ("Vatican", "VA", True), ("Korea", "KR", True),
])
def test_which_names_need_an_issue(name, code, issue):
    got = read_country(name)
    assert (got.code, got.note is not None) == (code, issue), got


# On a German source (the registry's lang = "de") a German name of pycountry's ISO 3166-1 catalogue is the page's
# own standard name, not an interpretation: no issue. Other names get theirs as on any page.
@pytest.mark.parametrize(("raw", "lang", "codes", "issues"), [
    ("Niederlande, Finnland, Vereinigte Staaten", "de", ["NL", "FI", "US"], []),
    ("Niederlande, Finnland, Vereinigte Staaten", "en", ["NL", "FI", "US"],
     ["Niederlande", "Finnland", "Vereinigte Staaten"]),
    ("Südkorea und Tschechien", "de", ["KR", "CZ"], []),
    ("Finland, USA", "de", ["FI", "US"], []),
    ("Holland, Russland, Korea", "de", ["NL", "RU", "KR"], ["Holland", "Russland", "Korea"]),
])
def test_german_names_on_a_german_source(raw, lang, codes, issues):
    got = parse_targets(raw, "target_countries.concept", lang=lang)
    assert (got.countries, [i.value for i in got.issues]) == (codes, issues), got
