"""Phone numbers to E.164 (expectations written by hand from the directory capture)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterharvest.normalize.phones import normalize_phone


@pytest.mark.parametrize(("raw", "want"), [
    ("+49 1728380024", "+491728380024"),
    ("+49 (0) 711 685 68370", "+4971168568370"),               # "(0)"
    ("+49 (0)345/ 1314 2732/p>", "+4934513142732"),            # "/" and markup residue
    ("+49 (0) 4141 40740 - 15", "+4941414074015"),             # " - " extension
    ("+49 (0) 211 / 67 931-38", "+492116793138"),
    ("+ 49 (0) 40 / 22 70 19 479", "+4940227019479"),          # "+ 49"
    ("+49 (0) 23 51.10 64-195", "+4923511064195"),             # "."
    ("+49 (0) 06441/992051", "+496441992051"),                 # "(0) 0..."
    ("+49 (0)208-9925 - 255", "+492089925255"),
    ("0711 685 68370", "+4971168568370"),                      # German number without country code
    ("0049 711 685 68370", "+4971168568370"),
    ("+33 1 23 45 67 89", "+33123456789"),
    ("12345", None), ("", None), ("call us", None), ("+49 (0) 711", None),
])
def test_normalize_phone(raw, want):
    assert normalize_phone(raw) == want, raw


@given(st.text(max_size=60))
def test_never_raises_and_is_idempotent(text):
    got = normalize_phone(text)
    if got is not None:
        assert got.startswith("+") and normalize_phone(got) == got
