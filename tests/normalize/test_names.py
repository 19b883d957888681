"""Cluster names and their ids (table-driven; values from the directory capture)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterharvest.normalize.names import is_acronym, self_name, slugify


@pytest.mark.parametrize(("name", "want"), [
    ("ARENA 2036", "arena-2036"),
    ("Elektromobilität Süd-West", "elektromobilitaet-sued-west"),
    ("It’s OWL", "its-owl"),
    ("Forschungscampus Mobility2Grid", "forschungscampus-mobility2grid"),
    ("Medical Valley EMN e.V.", "medical-valley-emn-e-v"),
    ("Hamburg Aviation & Partner", "hamburg-aviation-and-partner"),
    ("Café Crème", "cafe-creme"),
    ("★★★", ""),
])
def test_slugify(name, want):
    assert slugify(name) == want


@given(st.text(max_size=80))
def test_slugs_are_url_safe_and_stable(name):
    slug = slugify(name)
    assert slug == slugify(slug) or not slug  # a slug is its own slug
    assert all(c.isascii() and (c.isalnum() or c == "-") for c in slug) and not slug.startswith("-")


@pytest.mark.parametrize(("token", "want"), [("BIO.NRW", True), ("WIGRATEC", True), ("Cluster", False), ("eV", False)])
def test_is_acronym(token, want):
    assert is_acronym(token) is want


@pytest.mark.parametrize(("text", "want"), [
    ("The cluster BIO.NRW connects biotechnology companies. BIO.NRW cluster partners meet yearly.", "BIO.NRW"),
    ("Der WIGRATEC-Cluster arbeitet mit Partnern in Polen.", "WIGRATEC"),
    ("Das Projekt „Wirbelschicht- und Granuliertechnik“ (WIGRATEC) verbindet Unternehmen.", "WIGRATEC"),
    ("A network of companies working on lightweight design.", None),
    # a legal form after 'Network' is no name (an organisation line in the entry's contact block, issue 21)
    ("Max Beispiel Contact data: Beta Water Network GmbH Beispielweg 5 | 01069 Dresden", None),
    ("Partners of the cluster AG and the Network KG", None),
    ("The Network GmbH and the BWN network", "BWN"),
])
def test_self_name(text, want):
    assert self_name(text) == want
