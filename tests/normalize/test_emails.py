"""E-mail validation: a truncated address is never published."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterharvest.normalize.emails import normalize_email


@pytest.mark.parametrize(("raw", "want"), [
    ("f.welter@fz-juelich.de", "f.welter@fz-juelich.de"),
    (" mailto:Info@Example.ORG ", "Info@example.org"),
    ("post@deepsea-mining-alliance.", None),  # truncated in the directory capture
    ("", None), ("post@", None), ("a@b", None), ("a..b@x.de", None), ("no at sign.de", None),
])
def test_normalize_email(raw, want):
    assert normalize_email(raw) == want


@given(st.text(max_size=80))
def test_never_raises_and_is_idempotent(text):
    got = normalize_email(text)
    if got is not None:
        assert normalize_email(got) == got
