"""Visible text labels: every variant in labels.yml is recognised, in any case, with or without a colon where
the kind allows it; glued and inline labels are split into lines of their own."""

from __future__ import annotations

import pytest

from clusterharvest.lookups import fold
from clusterharvest.parse.labels import NUMBER_KINDS, SECTION_KINDS, label_variants, match_label, phase_only, split_line

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
    # to be read as written: without it a target label is read as a near spelling, saying so; 'Contact' is not,
    # nor a label that names only the phase ('Concept phase of the cluster' is prose)
    found = match_label(f"{variant} of the cluster")
    if kind == "contact" or fold(variant) in phase_only():
        assert found is None or found.kind != kind, found
    else:
        assert found is not None and found.reading is not None and "no colon" in found.reading, found


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


# Near spellings of the section labels (issue 21, review): each is read as the label, with how it was read. The
# rapidfuzz ratio of each label part to the label it is read as is in the comment (labels.py has the whole table).
@pytest.mark.parametrize(("line", "kind", "value", "how"), [
    ("Target countires concept phase: Canada, Singapore", "concept", "Canada, Singapore", "spelt"),  # 96.7
    ("Traget countries concept phase: Canada", "concept", "Canada", "spelt"),  # 96.7
    ("Target markets concept phase: Canada", "concept", "Canada", "spelt"),  # one word changed, 82.8
    ("Target regions concept phase: Asia-Pacific", "concept", "Asia-Pacific", "spelt"),  # 82.8
    ("Target countries concept phase Canada, Singapore", "concept", "Canada, Singapore", "no colon"),  # 100
    ("Target countries concept phase： Canada", "concept", "Canada", "'：'"),  # full-width colon, 100
    ("Target countries concept phase∶ Canada", "concept", "Canada", "'∶'"),  # U+2236 RATIO
    ("Target countries implementaton phase: Singapore", "implementation", "Singapore", "spelt"),  # 98.6
    ("Target markets implementation phase: Singapore", "implementation", "Singapore", "spelt"),  # 86.1
    ("Target countries implementation phase Singapore", "implementation", "Singapore", "no colon"),
    ("Zielländer Konzeptionphase: Kanada", "concept", "Kanada", "spelt"),  # 98.1
    ("Zielmärkte Konzeptionsphase: Kanada", "concept", "Kanada", "spelt"),  # 85.2
    ("Zielländer Umsetzungphase: Kanada", "implementation", "Kanada", "spelt"),  # 98.0
    ("Contakt data:", "contact", "", "spelt"),  # 91.7
    ("Kontakt daten: Dr. Erika Muster", "contact", "Dr. Erika Muster", "spelt"),  # 96.0
    ("Target countires concpt phse Canada", "concept", "Canada", "no colon"),  # 93.1
])
def test_a_near_spelling_of_a_section_label_is_read_as_it_saying_how(line, kind, value, how):
    found = match_label(line)
    assert found is not None and (found.kind, found.value) == (kind, value), found
    assert found.reading is not None and how in found.reading, found.reading


@pytest.mark.parametrize("line", [
    "Target countries pilot phase: Japan",  # concept 86.2 or implementation 80.0: which phase is not said
    "Target countries phase: Japan",  # 84.6 / 74.6: the same
    "Zielländer Planungsphase: Japan",  # implementation 82.1 / concept 74.5: the changed word is the phase's
    "Target countries concept and implementation phase: Japan",  # 86.0 / 81.3: both
    "Target countries: Japan",  # 69.6
    "Target group: SMEs in photonics",  # 50.0 to 'Get in touch'
    "Partner countries: Japan",  # 55.3
    "Implementation phase: 2018-2020",  # 70.2
    "Target countries of the concept: Japan",  # 78.7
    "Contact hours: 9-17",  # 74.1 to 'Contact persons'
    "Cluster: Finland, Lithuania, USA",  # the capture's stray label, 36.4
    "Target nations concept phase Canada",  # no colon: only a spelling close enough (90) is read; 86.2
    "Target markets concept phase Canada",  # no colon and a word changed: 82.8 < 90
    "Target countries are Finland and Japan, as in the concept phase.",
    "Contacts with Finland were made",
])
def test_a_far_line_is_no_section_label(line):
    found = match_label(line)
    assert found is None or found.kind not in SECTION_KINDS, found


def real_page_lines(directory_capture, bundled_directory_html):
    from clusterharvest.parse.text import read_document
    return read_document(directory_capture).lines + read_document(bundled_directory_html, "text/html").lines


def test_no_line_of_the_real_pages_is_read_by_its_spelling(directory_capture, bundled_directory_html):
    read = [(line, found.reading) for line in real_page_lines(directory_capture, bundled_directory_html)
            if (found := match_label(line)) is not None and found.reading is not None]
    assert read == [], read


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
    assert found is not None and (found.kind, found.value, found.reading) == (kind, value, None), found


@pytest.mark.parametrize("line", ["T 2 project partners", "F 35 fighter jets", "E ink displays", "M. Muster"])
def test_a_one_letter_label_needs_its_colon(line):
    assert match_label(line) is None, match_label(line)


# A line that is only a contact-section label, with or without its colon, in any case, is that label (issue 21,
# second review: "Contact data" on a line of its own gave 28 records the role "...; Contact Data" and lost their
# organisations; so did "Contact information:", "Address:", "Anschrift:", "Postal address:" and "Get in touch:").
@pytest.mark.parametrize("line", [
    "Contact data", "Contact Data", "CONTACT DATA", "Contact data.", "Kontaktdaten", "Kontakt", "Ansprechpartner",
    "Contact information:", "Contact information", "Contact info:", "Get in touch:", "Get in touch", "Address:",
    "Address", "Postal address:", "Mailing address:", "Anschrift:", "Postanschrift:", "Adresse:",
    "Kontaktinformationen:", "Ihr Ansprechpartner:", "Your contact:",
])
def test_a_line_that_is_only_a_contact_label_is_that_label_colon_or_not(line):
    found = match_label(line)
    assert found is not None and (found.kind, found.value, found.reading) == ("contact", "", None), found


@pytest.mark.parametrize("line", ["Contact us for details on the cluster", "Address the partners in Japan",
                                  "Get in touch with the cluster office", "Kontakt zu Partnern in Japan",
                                  "Addressing the markets of Asia"])
def test_a_contact_label_word_in_a_sentence_is_no_label(line):
    found = match_label(line)
    assert found is None or found.kind != "contact", found


@pytest.mark.parametrize(("line", "parts"), [
    ("Head of International ServicesGet in touch:", ["Head of International Services", "Get in touch:"]),
    ("Head of International ServicesContact information:", ["Head of International Services",
                                                            "Contact information:"]),
    ("ClustermanagerinAnschrift:", ["Clustermanagerin", "Anschrift:"]),
    ("Project Manager Postal address:", ["Project Manager", "Postal address:"]),
    ("Head of International ServicesContact Data", ["Head of International Services", "Contact Data"]),
    ("Web address:", ["Web address:"]),  # a lower-case label word goes on the text before it: no line of its own
    ("Head of Contact", ["Head of Contact"]),  # without a colon, only a seam (small letter, capital) splits
    ("The clusters exchange in regular Contact", ["The clusters exchange in regular Contact"]),
    ("E-Mail address: a@example.org", ["E-Mail address: a@example.org"]),
])
def test_glued_contact_label_variants_are_split(line, parts):
    assert split_line(line) == parts, split_line(line)


# The phase alone as a target label (issue 21, second review), where countries follow it on its line or the next.
@pytest.mark.parametrize(("line", "kind", "value"), [
    ("Implementation phase: Japan, Canada", "implementation", "Japan, Canada"),
    ("Concept phase: Finland", "concept", "Finland"),
    ("Umsetzungsphase: Japan", "implementation", "Japan"),
    ("Konzeptionsphase: Finnland, Japan", "concept", "Finnland, Japan"),
    ("Concept phase: Asia-Pacific", "concept", "Asia-Pacific"),  # a region is a target too
    ("Implementation phase:", "implementation", ""),  # the countries may stand on the next line
])
def test_a_label_that_names_only_the_phase_is_a_target_label_before_countries(line, kind, value):
    found = match_label(line)
    assert found is not None and (found.kind, found.value, found.reading) == (kind, value, None), found


@pytest.mark.parametrize("line", ["Implementation phase: 2018-2020", "Concept phase: up to 18 months",
                                  "Konzeptionsphase: 18 Monate", "Umsetzungsphase: drei Jahre"])
def test_a_label_that_names_only_the_phase_is_no_label_before_other_text(line):
    found = match_label(line)
    assert found is None or found.kind not in SECTION_KINDS, found
