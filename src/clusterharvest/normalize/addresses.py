"""Postal address lines ('Street 1 | 12345 City, Germany', 'D-20459 Hamburg, Germany')."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .countries import normalize_country

POSTCODE_LINE = re.compile(
    r"^(?:(?P<cc>[A-Z]{1,2})-)?(?P<postcode>\d{4,5})\s+(?P<city>[^,]+?)(?:,\s*(?P<country>[^,]+))?$")
STREET_NUMBER = re.compile(r"\d+\s*[a-zA-Z]?(?:\s*[-–/]\s*\d+\s*[a-zA-Z]?)?$")


@dataclass(frozen=True)
class AddressParts:
    """What one address line (or a street and a postcode line) says."""

    street: str | None
    postcode: str
    city: str
    country: str | None
    extra: str | None  # the part before '|' when it is not a street ('Excellence cluster MERGE')


def is_street_line(text: str) -> bool:
    """'Rödingsmarkt 39', 'Kölner Str. 80 - 82', 'Wilfried-Pergande-Platz1': words then a house number."""
    return bool(re.match(r"^[A-ZÄÖÜa-zäöüß]", text)) and bool(STREET_NUMBER.search(text)) and len(text) < 70


def parse_postcode_line(text: str) -> AddressParts | None:
    """Parse '[street |] [D-]12345 City[, Country]'; None if the line has no postcode and city."""
    before, _, place = text.rpartition("|")
    found = POSTCODE_LINE.match(" ".join(place.split()))
    if not found:
        return None
    street: str | None = " ".join(before.split()) or None
    extra = None
    if street and not re.search(r"\d", street):
        street, extra = None, street
    country = normalize_country(found.group("country")) if found.group("country") else None
    if found.group("country") and country is None:
        return None  # ', Something' that is no country: not an address line we understand
    if country is None and (found.group("cc") in (None, "D", "DE")) and len(found.group("postcode")) == 5:
        country = "DE"  # a five-digit postcode with no other country is German
    return AddressParts(street=street, postcode=found.group("postcode"), city=found.group("city").strip(),
                        country=country, extra=extra)
