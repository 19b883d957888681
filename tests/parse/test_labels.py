"""Visible text labels: every variant in labels.yml is recognised, in any case, with or without a colon where
the kind allows it; glued and inline labels are split into lines of their own."""

from __future__ import annotations

import pytest

from clusterharvest.parse.labels import NUMBER_KINDS, SECTION_KINDS, label_variants, match_label, split_line

VARIANTS = [(kind, variant) for kind, variants in label_variants().items() for variant in variants]


@pytest.mark.parametrize(("kind", "variant"), VARIANTS)
def test_every_label_variant_matches_its_kind(kind, variant):
    value = {"email": "a@example.org"}.get(kind, "+49 30 1234567" if kind in NUMBER_KINDS else "China, France")
    for written in (f"{variant}: {value}", f"{variant.upper()}: {value}", f"{variant.lower()} : {value}"):
        found = match_label(written)
        assert found is not None and found.kind == kind and found.value == value, (written, found)


@pytest.mark.parametrize(("kind", "variant"), [(k, v) for k, v in VARIANTS if k in NUMBER_KINDS])
def test_number_labels_need_no_colon(kind, variant):
    found = match_label(f"{variant}. +49 30 1234567")
    assert found is not None and found.kind == kind and found.value == "+49 30 1234567"


@pytest.mark.parametrize(("kind", "variant"), [(k, v) for k, v in VARIANTS if k in SECTION_KINDS])
def test_section_labels_need_their_colon(kind, variant):
    found = match_label(f"{variant} of the cluster")
    assert found is None or found.kind != kind


def test_lines_without_labels_do_not_match():
    assert match_label("Telematics cluster in Berlin") is None
    assert match_label("Contacts with Finland were made") is None


def test_glued_and_inline_labels_are_split():
    assert split_line("Head of International ServicesContact Data:") == ["Head of International Services",
                                                                         "Contact Data:"]
    assert split_line("Tel.: +49 30 1, Fax: +49 30 2 E-Mail: a@example.org") == [
        "Tel.: +49 30 1", "Fax: +49 30 2", "E-Mail: a@example.org"]


@pytest.mark.parametrize(("line", "value"), [
    ("E-Mail a@example.org", "a@example.org"),
    ("E-Mail l.beispiel(at)example.org", "l.beispiel(at)example.org"),
    ("Mail j.muster [at] example [dot] org", "j.muster [at] example [dot] org"),
    ("E-Mail cfemail:42296c32302d", "cfemail:42296c32302d"),  # parse.text's form of a Cloudflare-protected address
])
def test_an_email_label_without_colon_takes_an_obfuscated_address(line, value):
    found = match_label(line)
    assert found is not None and (found.kind, found.value) == ("email", value), found


def test_email_label_words_in_prose_are_no_label():
    assert match_label("Mail services at the cluster office") is None
