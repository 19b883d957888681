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


@pytest.mark.parametrize(("kind", "variant"), [(k, v) for k, v in VARIANTS if k in NUMBER_KINDS and len(v) > 1])
def test_number_labels_need_no_colon(kind, variant):  # but one-letter labels ('T:') do: see below
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


@pytest.mark.parametrize(("line", "kind", "value"), [
    ("Telephone: +49 3641 123456", "phone", "+49 3641 123456"),
    ("Phone number: +49 3641 123456", "phone", "+49 3641 123456"),
    ("Tel.-Nr.: +49 3641 123456", "phone", "+49 3641 123456"),
    ("Telefonnummer: 03641 123456", "phone", "03641 123456"),
    ("Rufnummer: 03641 123456", "phone", "03641 123456"),
    ("Ph.: +49 3641 123456", "phone", "+49 3641 123456"),
    ("T: +49 3641 123456", "phone", "+49 3641 123456"),
    ("Tel .: +49 3641 123456", "phone", "+49 3641 123456"),  # a space before the full stop and colon
    ("Tel.： +49 3641 123456", "phone", "+49 3641 123456"),  # a full-width colon
    ("Tel.: ＋４９ ３６４１ １２３４５６", "phone", "＋４９ ３６４１ １２３４５６"),  # full-width: the phone reader's
    ("Tel./Fax: +49 3641 123456", "phone_and_fax", "+49 3641 123456"),
    ("Fax number: +49 3641 123457", "fax", "+49 3641 123457"),
    ("Mobile phone: +49 151 12345678", "mobile", "+49 151 12345678"),
    ("E-Mail-Adresse: e.muster@example.org", "email", "e.muster@example.org"),
    ("E-mail address: e.muster@example.org", "email", "e.muster@example.org"),
    ("Mail to: e.muster@example.org", "email", "e.muster@example.org"),
    ("E: e.muster@example.org", "email", "e.muster@example.org"),
])
def test_common_number_and_e_mail_label_variants_are_known(line, kind, value):
    found = match_label(line)
    assert found is not None and (found.kind, found.value) == (kind, value), found


@pytest.mark.parametrize("line", ["T 2 project partners", "F 35 fighter jets", "E ink displays", "M. Muster"])
def test_a_one_letter_label_needs_its_colon(line):
    assert match_label(line) is None, match_label(line)
