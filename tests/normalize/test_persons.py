"""Titles and forms of address split from names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterharvest.normalize.persons import is_person_line, split_person


@pytest.mark.parametrize(("raw", "name", "title", "honorific"), [
    ("Hon.-Prof. Dr.-Ing. Mirko Peglow", "Mirko Peglow", "Hon.-Prof. Dr.-Ing.", None),
    ("Steffen Ullmann, M.A.", "Steffen Ullmann", "M.A.", None),
    ("Heiko Bartschat (Dipl.-Kfm. (Univ.))", "Heiko Bartschat", "Dipl.-Kfm. (Univ.)", None),
    ("Frau Reuter", "Reuter", None, "Frau"),
    ("Herr Dr. Max Muster", "Max Muster", "Dr.", "Herr"),
    ("M.Sc. Christian Gundlach", "Christian Gundlach", "M.Sc.", None),
    ("Salome Leßmann, B.Sc.", "Salome Leßmann", "B.Sc.", None),
    ("Dipl.-Ing. Mauritius Schmitz", "Mauritius Schmitz", "Dipl.-Ing.", None),
    ("Alexander Helbych", "Alexander Helbych", None, None),
])
def test_split_person(raw, name, title, honorific):
    got = split_person(raw)
    assert (got.name, got.academic_title, got.honorific) == (name, title, honorific), got


@pytest.mark.parametrize(("line", "want"), [
    ("Dr. Clemens Ackermann", True), ("Frau Reuter", True), ("Frank Bösenberg", True),
    ("Managing Director", False), ("International Relations", False), ("Projektleiter TADA", False),
    ("Controlling & Development", False), ("Vorstand MedicalMountains AG", False),
    ("MAI Carbon Cluster Management GmbH", False), ("Kunststoff-Institut Lüdenscheid", False),
    ("Rödingsmarkt 39", False),
])
def test_is_person_line(line, want):
    assert is_person_line(line) is want, line


@given(st.text(max_size=80))
def test_never_raises_and_name_is_stable(text):
    first = split_person(text)
    is_person_line(text)
    if first.name:
        assert split_person(first.name).name == first.name
