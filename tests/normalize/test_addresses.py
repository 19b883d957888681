"""Address lines: street, postcode, city, country (Germany where the postcode is German)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterharvest.normalize.addresses import is_street_line, parse_postcode_line


@pytest.mark.parametrize(("line", "street", "postcode", "city", "country"), [
    ("Pfaffenwaldring 19 | 70569 Stuttgart, Germany", "Pfaffenwaldring 19", "70569", "Stuttgart", "DE"),
    ("Am Klopferspitz 19a| 82152 Martinsried", "Am Klopferspitz 19a", "82152", "Martinsried", "DE"),
    ("Blücherstraße 26 | 06120 Halle (Saale)", "Blücherstraße 26", "06120", "Halle (Saale)", "DE"),
    ("D-20459 Hamburg, Germany", None, "20459", "Hamburg", "DE"),
    ("Langer Kamp 8 | D-38106 Braunschweig, Germany", "Langer Kamp 8", "38106", "Braunschweig", "DE"),
    ("45481 Mülheim an der Ruhr, Germany", None, "45481", "Mülheim an der Ruhr", "DE"),
    ("1010 Wien, Österreich", None, "1010", "Wien", "AT"),
])
def test_parse_postcode_line(line, street, postcode, city, country):
    got = parse_postcode_line(line)
    assert got is not None
    assert (got.street, got.postcode, got.city, got.country) == (street, postcode, city, country), got


@pytest.mark.parametrize("line", ["TU Darmstadt | DP Informatik", "Tel.: +49 711 12345", "Tilman Becker", ""])
def test_not_an_address(line):
    assert parse_postcode_line(line) is None


@pytest.mark.parametrize(("line", "want"), [("Rödingsmarkt 39", True), ("Kölner Str. 80 - 82", True),
                                            ("Wilfried-Pergande-Platz1", True), ("Tilman Becker", False)])
def test_is_street_line(line, want):
    assert is_street_line(line) is want


@given(st.text(max_size=80))
def test_never_raises(text):
    parse_postcode_line(text)
    is_street_line(text)
