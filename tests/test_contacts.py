"""Contacts and addresses of the trickiest real entries, written by hand from the directory capture."""

from __future__ import annotations

import pytest

from clusterharvest.clusters import build_clusters
from clusterharvest.contacts import parse_contact_block
from clusterharvest.parse.cluster_directory import parse_directory

# id -> (contacts as (name, title, honorific, role, phones, faxes, mobiles, email), addresses as
# (organisation, street, postcode, city, country)); read off the capture, not the parser's output.
EXPECTED = {
    "amz-sachsen": ([("Alexander Helbych", None, None, "Projektleiter TADA", ["+491728380024"], [], [], None)], []),
    "deepsea-mining-alliance-e-v": (
        [("Johannes Post", None, None, None, ["+491725119577"], [], [], None)],  # e-mail truncated: not published
        [(None, "Rödingsmarkt 39", "20459", "Hamburg", "DE")]),
    "effizienzcluster-logistikruhr": (  # phone but no person: a nameless contact
        [(None, None, None, None, ["+492089925255"], ["+492089925222"], [], None)],
        [(None, "Kölner Str. 80 - 82", "45481", "Mülheim an der Ruhr", "DE")]),
    "medical-valley-emn": (  # role glued to "Contact Data:", phone and fax on one line
        [("Benjamin Stöcklein", None, None, "Head of International Services", ["+4991319161749"],
          ["+4991319161718"], [], None)],
        [("Medical Valley EMN e.V", "Henkestraße 91", "91052", "Erlangen", "DE")]),
    "open-hybrid-labfactory-e-v": (  # two addresses, a mobile
        [("Christian Gundlach", "M.Sc.", None, None, ["+4953139165025"], [], ["+4915129702629"], None)],
        [("Technische Universität Braunschweig Institut für Füge- und Schweißtechnik", "Langer Kamp 8", "38106",
          "Braunschweig", "DE"),
         ("Open Hybrid LabFactory e.V.", "Hermann-Münch-Straße 2", "38440", "Wolfsburg", "DE")]),
    "optence-e-v": (
        [("Reuter", None, "Frau", "Managing Director", ["+496732964897"], [], [], None)],
        [("Optence e.V., Kompetenznetz Optische Technologien Hessen/Rheinland-Pfalz", "Ober-Saulheimer-Str. 6",
          "55286", "Wörrstadt", "DE")]),
    "wetzlar-network": (  # "+49 (0) 06441/..."
        [("Ralf Niggemann", None, None, None, ["+496441992051"], [], [], None)],
        [("Wetzlar Network", "Ernst-Leitz-Straße 30", "35578", "Wetzlar", "DE")]),
    "wigratec": (  # "Ansprechpartner:" glued to the description
        [("Mirko Peglow", "Hon.-Prof. Dr.-Ing.", None, None, ["+4934978305128"], [], [], None)],
        [(None, "Wilfried-Pergande-Platz1", "06369", "Südliches Anhalt – OT Weißandt-Gölzau", "DE")]),
    "software-cluster-international-office": (  # the person comes after the numbers
        [("Tilman Becker", None, None, None, ["+49681857755271"], ["+49681857755020"], [], None)],
        [(None, "Stuhlsatzenhausweg 3", "66123", "Saarbrücken", "DE")]),
    "leichtbau-bw": (
        [("Wolfgang Seeliger", "Dr.", None, None, ["+4971112898841"], [], ["+4915111711001"], None)],
        [("Leichtbau BW GmbH", "Breitscheidstr. 4", "70174", "Stuttgart", "DE")]),
    "bio-nrw": ([], []),  # no contact block at all
}


@pytest.fixture(scope="module")
def records(directory_capture):
    return {r.id: r for r in build_clusters(parse_directory(directory_capture), "s")}


@pytest.mark.parametrize("rid", sorted(EXPECTED))
def test_contacts_and_addresses(records, rid):
    contacts, addresses = EXPECTED[rid]
    rec = records[rid]
    got_c = [(c.name, c.academic_title, c.honorific, c.role, c.phone, c.fax, c.mobile, c.email) for c in rec.contacts]
    got_a = [(a.organisation, a.street, a.postcode, a.city, a.country) for a in rec.addresses]
    assert got_c == contacts, got_c
    assert got_a == addresses, got_a


def test_truncated_and_empty_emails_are_issues_not_fields(records):
    deepsea = records["deepsea-mining-alliance-e-v"]
    assert ("contacts[0].email", "post@deepsea-mining-alliance.") in [(i.field, i.value) for i in deepsea.issues]
    assert any(i.field == "contacts[0].email" for i in records["optonet-e-v-photonics-network-thuringia"].issues)
    assert all(c.email is None or "@" in c.email for r in records.values() for c in r.contacts)


def test_every_number_is_e164(records):
    numbers = [n for r in records.values() for c in r.contacts for n in c.phone + c.fax + c.mobile]
    # The capture has 49 numbers after a Tel/Fax/Mob(il) label (two lines hold two each); all validate.
    assert len(numbers) == 49, len(numbers)
    assert all(n.startswith("+49") and n[1:].isdigit() for n in numbers), numbers


def test_descriptions_by_language_without_boilerplate(records):
    assert records["mai-carbon"].description.de and not records["mai-carbon"].description.en
    assert records["wigratec"].description.de.endswith("Erweiterung der Managementstrukturen.")
    assert records["arena-2036"].description.en.startswith("In addition to strengthening")
    for r in records.values():
        text = f"{r.description.en} {r.description.de}"
        assert "The entire funding measure supports" not in text, r.id
        assert "Die gesamte Fördermaßnahme" not in text, r.id


def test_unknown_contact_line_becomes_an_issue():
    block = parse_contact_block(["Dr. Erika Muster", "Contact data:", "Tel.: +49 711 123456", "Öffnungszeiten"])
    assert [c.name for c in block.contacts] == ["Erika Muster"]
    assert block.contacts[0].organisation == "Öffnungszeiten" or any(
        i.value == "Öffnungszeiten" for i in block.issues)
