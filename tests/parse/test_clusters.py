"""Entries to records: lines that cannot be read as they stand (issue 21).

A line that looks like mojibake (UTF-8 read as windows-1252 once too often: 'Ã¼' for 'ü', 'â€“' for '–'), or in
which the source has a replacement character (U+FFFD: a character lost before it reached us), is never published
as a contact's or an address's value. A name or city in mojibake stops the source; a name line that lost a
character quarantines its entry; any other such line is not read, its text kept in an issue under the field it
went to, and a description keeps its line. The inputs are the control directory of the public cases with one
line changed; every expected value is written by hand from that page.
"""

from __future__ import annotations

import codecs
import json

import pytest

from clusterharvest.dataset import DatasetVersion, Manifest
from clusterharvest.errors import ParseError
from clusterharvest.exporters.public import public_variant
from clusterharvest.models import Cluster
from clusterharvest.parse.cluster_directory import parse_directory
from clusterharvest.parse.clusters import Quarantined, build_clusters

from ..test_cases import CASES

CONTROL = (CASES / "00-control-directory.html").read_text(encoding="utf-8")

MOJIBAKE = "looks like mojibake: text decoded in the wrong encoding; the line is not read, only kept in this issue"
LOST = ("the source has a replacement character (U+FFFD) in this line, where a character was lost before it "
        "reached us; the line is not read, only kept in this issue")

# Beta Water Network's contact and address as the control page states them.
BETA_CONTACT = {"name": "Max Beispiel", "academic_title": None, "honorific": None, "role": None,
                "organisation": "Beta Water Network GmbH", "email": "m.beispiel@example.org",
                "phone": ["+493517654321"], "fax": [], "mobile": []}
BETA_ADDRESS = {"organisation": "Beta Water Network GmbH", "street": "Beispielweg 5", "postcode": "01069",
                "city": "Dresden", "country": "DE"}
NO_ADDRESS = {"street": None, "postcode": None, "city": None, "country": None}


def changed(old: str, new: str) -> str:
    """The control page with one piece of text changed."""
    assert CONTROL.count(old) == 1, old
    return CONTROL.replace(old, new)


def records(page: str, quarantine: list[Quarantined] | None = None) -> dict[str, Cluster]:
    return {r.id: r for r in build_clusters(parse_directory(page.encode("utf-8"), "x"), "s", quarantine)}


def issues(record: Cluster) -> list[tuple[str, str, str | None]]:
    return [(i.field, i.message, i.value) for i in record.issues]


def test_the_control_page_gives_its_three_records_without_issues():
    got = records(CONTROL)
    assert sorted(got) == ["alpha-photonics-cluster", "beta-water-network", "gamma-bioeconomy-cluster"], got
    assert [i for r in got.values() for i in r.issues] == []
    beta = got["beta-water-network"]
    assert [c.model_dump() for c in beta.contacts] == [BETA_CONTACT], beta.contacts
    assert [a.model_dump() for a in beta.addresses] == [BETA_ADDRESS], beta.addresses


# -- mojibake -----------------------------------------------------------------------------------------------

def test_a_person_line_in_mojibake_is_no_name_and_no_organisation():
    beta = records(changed("Max Beispiel<br>", "Dr. JÃ¼rgen MÃ¼ller<br>"))["beta-water-network"]
    assert [c.model_dump() for c in beta.contacts] == [{**BETA_CONTACT, "name": None}], beta.contacts
    assert [a.model_dump() for a in beta.addresses] == [BETA_ADDRESS], beta.addresses
    assert issues(beta) == [("contacts[0].name", MOJIBAKE, "Dr. JÃ¼rgen MÃ¼ller")], issues(beta)


@pytest.mark.parametrize(("old", "new", "contact", "address", "field", "raw"), [
    ("Max Beispiel<br>", "Max Beispiel<br>\nGeschÃ¤ftsfÃ¼hrer<br>", {}, {},  # a role
     "contacts[0].role", "GeschÃ¤ftsfÃ¼hrer"),
    ("Contact data:<br>\nBeta Water Network GmbH<br>",  # the organisation of the contact block
     "Contact data:<br>\nBeta Water Network GmbH â€“ GeschÃ¤ftsstelle<br>", {"organisation": None},
     {"organisation": None}, "addresses[0].organisation", "Beta Water Network GmbH â€“ GeschÃ¤ftsstelle"),
    ("Beispielweg 5 | 01069 Dresden", "KÃ¶nigstraÃŸe 1 | 01069 Dresden", {}, NO_ADDRESS,  # an address line
     "addresses[0]", "KÃ¶nigstraÃŸe 1 | 01069 Dresden"),
    ("Beispielweg 5 | 01069 Dresden", "KÃ¶nigstraÃŸe 1<br>\n01069 Dresden", {}, {"street": None},  # a street
     "addresses[0].street", "KÃ¶nigstraÃŸe 1"),
    ("m.beispiel@example.org", "jÃ¶rg.beispiel@example.org", {"email": None}, {},
     "contacts[0].email", "E-Mail: jÃ¶rg.beispiel@example.org"),
])
def test_a_contact_block_line_in_mojibake_is_kept_out_of_contacts_and_addresses(old, new, contact, address, field,
                                                                                 raw):
    beta = records(changed(old, new))["beta-water-network"]
    assert [c.model_dump() for c in beta.contacts] == [{**BETA_CONTACT, **contact}], beta.contacts
    assert [a.model_dump() for a in beta.addresses] == [{**BETA_ADDRESS, **address}], beta.addresses
    assert beta.city == ("Dresden" if "city" not in address else None), beta.city
    assert issues(beta) == [(field, MOJIBAKE, raw)], issues(beta)


def test_an_organisation_line_in_mojibake_is_kept_out_of_the_record():
    beta = records(changed("<strong>Beta Water Network GmbH</strong>",
                           "<strong>Beta Water Network GmbH fÃ¼r Wasser</strong>"))["beta-water-network"]
    assert (beta.name, beta.organisation, beta.city) == ("Beta Water Network", None, "Dresden"), beta
    assert [c.model_dump() for c in beta.contacts] == [BETA_CONTACT], beta.contacts
    assert issues(beta) == [("organisation", MOJIBAKE, "Beta Water Network GmbH fÃ¼r Wasser")], issues(beta)


def test_a_target_line_in_mojibake_is_not_read():
    line = "Target countries concept phase: SÃ¼dkorea, Singapore"
    beta = records(changed("Target countries concept phase: Canada, Singapore", line))["beta-water-network"]
    assert beta.target_countries.model_dump() == {"concept": None, "implementation": ["SG"]}, beta.target_countries
    assert beta.target_regions.model_dump() == {"concept": None, "implementation": []}, beta.target_regions
    assert issues(beta) == [("target_countries.concept", MOJIBAKE, line)], issues(beta)


def test_a_description_in_mojibake_is_kept_as_written_with_an_issue():
    alpha = records(changed("optical technologies", "optische Technologien fÃ¼r"))["alpha-photonics-cluster"]
    line = ("The cluster brings together companies and institutes working on optische Technologien fÃ¼r and wants "
            "to open research links with partners in Finland and Japan.")
    assert alpha.description.en == line, alpha.description
    assert issues(alpha) == [("description", "looks like mojibake: text decoded in the wrong encoding; kept in the "
                                             "description as written", line)], issues(alpha)


@pytest.mark.parametrize(("old", "new"), [
    ("Max Beispiel<br>", "Dr. JÃ¼rgen MÃ¼ller<br>"),
    ("Max Beispiel<br>\nContact data:<br>", "Contact data: Dr. JÃ¼rgen MÃ¼ller<br>"),  # after a contact label
])
def test_the_public_variant_keeps_nothing_of_a_person_line_in_mojibake(old, new):
    clusters = list(records(changed(old, new)).values())
    data = {"clusters.json": [r.model_dump(mode="json") for r in clusters]}
    assert "JÃ¼rgen" in json.dumps(data, ensure_ascii=False)  # in the full version's issues, as the source has it
    manifest = Manifest(version="v1", created="2026-01-01T00:00:00Z")
    files = public_variant(DatasetVersion(manifest=manifest, clusters=clusters))
    for name, body in files.items():
        for trace in ("JÃ¼rgen", "MÃ¼ller", "Jürgen", "Müller", "rgen M"):
            assert trace.encode("utf-8") not in body, (name, trace)


# -- a replacement character (U+FFFD) -------------------------------------------------------------------------

@pytest.mark.parametrize(("old", "new", "position", "first", "raw"), [
    ("<h3>Alpha Photonics Cluster</h3>", "<h3>Alpha Photo\ufffdnics Cluster</h3>", 1, "Alpha Photonics Cluster",
     "Alpha Photo\ufffdnics Cluster"),
    ("<h3>Beta Water Network</h3>\n<p><strong>Beta Water Network GmbH</strong>",  # an organisation line as name
     "<p><strong>Beta Water Netw&#xFFFD;rk GmbH</strong>", 2, "Beta Water Netwrk GmbH",
     "Beta Water Netw\ufffdrk GmbH"),
])
def test_a_name_line_that_lost_a_character_quarantines_its_entry(old, new, position, first, raw):
    page = changed(old, new)
    quarantine: list[Quarantined] = []
    got = records(page, quarantine)
    assert len(got) == 2 and all(not r.issues for r in got.values()), got
    reason = (f"its name line {raw!r} has a replacement character (U+FFFD), where a character was lost before it "
              "reached us: no record without its name")
    assert [(q.source, q.position, q.first_line, q.reason) for q in quarantine] == [("s", position, first, reason)]
    with pytest.raises(ParseError, match=rf"entry {position} .*cannot become a record: its name line"):
        records(page)  # without a quarantine, as `clusterharvest extract` reads


def test_an_organisation_line_that_lost_a_character_is_not_read():
    gamma = records(changed("<strong>Gamma Bioeconomy Cluster GmbH</strong>",
                            "<strong>Gamma Bioeconomy Cluster Gmb\ufffd</strong>"))["gamma-bioeconomy-cluster"]
    assert (gamma.name, gamma.organisation, gamma.city) == ("Gamma Bioeconomy Cluster", None, "Halle (Saale)")
    assert [c.organisation for c in gamma.contacts] == ["Gamma Bioeconomy Cluster GmbH"], gamma.contacts
    assert issues(gamma) == [("organisation", LOST, "Gamma Bioeconomy Cluster Gmb\ufffd")], issues(gamma)


@pytest.mark.parametrize(("old", "new"), [
    ("<strong>Gamma Bioeconomy Cluster GmbH</strong>", "<strong>Gamma Bioeconomy Clu\ufffdster GmbH</strong>"),
    ("Contact data:<br>\nGamma Bioeconomy Cluster GmbH<br>",
     "Contact data:<br>\nGamma Bioeconomy Clu&#0;ster GmbH<br>"),
])
def test_a_line_that_lost_an_inserted_character_is_read_as_its_undamaged_twin_in_the_entry(old, new):
    """The organisation line stands twice in the entry; which copy lost a character is not known (the entry names
    a line by its text), but without it both read as the copy the source wrote undamaged."""
    gamma = records(changed(old, new))["gamma-bioeconomy-cluster"]
    assert gamma.organisation == "Gamma Bioeconomy Cluster GmbH", gamma
    assert [c.organisation for c in gamma.contacts] == ["Gamma Bioeconomy Cluster GmbH"], gamma.contacts
    assert [a.organisation for a in gamma.addresses] == ["Gamma Bioeconomy Cluster GmbH"], gamma.addresses
    assert issues(gamma) == [("organisation", "the source has a replacement character (U+FFFD) in this line, where "
                                              "a character was lost before it reached us; the entry has the same line "
                                              "without it, and it is read as that line",
                              "Gamma Bioeconomy Clu\ufffdster GmbH")], issues(gamma)


@pytest.mark.parametrize(("old", "new", "contact", "address", "concept", "field", "raw"), [
    ("Max Beispiel<br>", "Max Beisp\ufffdiel<br>", {"name": None}, {}, ["CA", "SG"],
     "contacts[0].name", "Max Beisp\ufffdiel"),
    ("Max Beispiel<br>", "Max Beisp&#xFFFD;iel<br>", {"name": None}, {}, ["CA", "SG"],
     "contacts[0].name", "Max Beisp\ufffdiel"),
    ("Max Beispiel<br>", "Max Beisp&#0;iel<br>", {"name": None}, {}, ["CA", "SG"],
     "contacts[0].name", "Max Beisp\ufffdiel"),
    ("01069 Dresden", "01069 Dres\ufffdden", {}, NO_ADDRESS, ["CA", "SG"],
     "addresses[0]", "Beispielweg 5 | 01069 Dres\ufffdden"),
    ("+49 351 7654321", "+49 351 765\ufffd4321", {"phone": []}, {}, ["CA", "SG"],
     "contacts[0].phone", "Tel.: +49 351 765\ufffd4321"),
    ("m.beispiel@example.org", "m.bei\ufffdspiel@example.org", {"email": None}, {}, ["CA", "SG"],
     "contacts[0].email", "E-Mail: m.bei\ufffdspiel@example.org"),
    ("Canada, Singapore", "Can\ufffdada, Singapore", {}, {}, None,
     "target_countries.concept", "Target countries concept phase: Can\ufffdada, Singapore"),
])
def test_a_line_that_lost_a_character_is_not_read_and_the_source_gives_every_record(old, new, contact, address,
                                                                                     concept, field, raw):
    got = records(changed(old, new))
    assert sorted(got) == ["alpha-photonics-cluster", "beta-water-network", "gamma-bioeconomy-cluster"], got
    beta = got["beta-water-network"]
    assert [c.model_dump() for c in beta.contacts] == [{**BETA_CONTACT, **contact}], beta.contacts
    assert [a.model_dump() for a in beta.addresses] == [{**BETA_ADDRESS, **address}], beta.addresses
    assert beta.city == ("Dresden" if "city" not in address else None), beta.city
    assert (beta.target_countries.concept, beta.target_countries.implementation) == (concept, ["SG"])
    assert issues(beta) == [(field, LOST, raw)], issues(beta)
    assert "\ufffd" not in beta.model_dump_json(exclude={"issues"})


ERIKA = {"name": "Erika Musterfrau", "academic_title": "Dr.", "honorific": None, "role": None,
         "organisation": "Alpha Photonics Cluster e.V.", "email": "e.musterfrau@example.org",
         "phone": ["+493641123456"], "fax": [], "mobile": []}
# A second contact after the block's address has none of its own: no organisation, with an issue naming the block's
# (test_contacts.py: a contact takes the organisation of the address that follows it).
JONAS = {"name": "Jonas Zweiter", "academic_title": None, "honorific": None, "role": None,
         "organisation": None, "email": None, "phone": ["+493641654321"], "fax": [], "mobile": []}
NOT_TAKEN = ("contacts[1].organisation", "no address follows this contact before the next one; the block's address "
             "organisation stands with another contact and was not taken as this one's", "Alpha Photonics Cluster e.V.")


@pytest.mark.parametrize(("old", "new", "want", "field", "raw"), [
    # Erika's phone is not read; Jonas Zweiter is still a person of his own, not her role, and his phone his.
    ("Tel.: +49 3641 123456<br>\nE-Mail: e.musterfrau@example.org",
     "Tel.: +49 3641 12\ufffd3456<br>\nJonas Zweiter<br>\nTel.: +49 3641 654321",
     [{**ERIKA, "phone": [], "email": None}, JONAS], "contacts[0].phone", "Tel.: +49 3641 12\ufffd3456"),
    # The second person's name is not read; his phone stays his, not Erika's.
    ("E-Mail: e.musterfrau@example.org</p>",
     "E-Mail: e.musterfrau@example.org<br>\nJo\ufffdnas Zweiter<br>\nTel.: +49 3641 654321</p>",
     [ERIKA, {**JONAS, "name": None}], "contacts[1].name", "Jo\ufffdnas Zweiter"),
])
def test_a_line_not_read_keeps_its_place_so_no_value_moves_to_another_contact(old, new, want, field, raw):
    alpha = records(changed(old, new))["alpha-photonics-cluster"]
    assert [c.model_dump() for c in alpha.contacts] == want, alpha.contacts
    assert issues(alpha) == [NOT_TAKEN, (field, LOST, raw)], issues(alpha)



# -- what the page's bytes say (decoding) ---------------------------------------------------------------------

# The control page with an umlaut in a name and in a city, both in UTF-8.
SUED = changed("<h3>Alpha Photonics Cluster</h3>", "<h3>Alpha Süd Cluster</h3>").replace("01069 Dresden",
                                                                                          "01069 Dresden-Löbtau")
READ_AS_1252 = "bytes in this line are not UTF-8, the page's encoding; read as windows-1252"
NO_CHARACTER = ("a byte in this line stands for no character (0x81, 0x8D, 0x8F, 0x90 or 0x9D, which windows-1252 "
                "leaves undefined), where a character was lost before it reached us (shown as U+FFFD)")


def records_of(data: bytes, content_type: str | None = "text/html",
               quarantine: list[Quarantined] | None = None) -> dict[str, Cluster]:
    return {r.id: r for r in build_clusters(parse_directory(data, "x", content_type), "s", quarantine)}


def pasted(page: str, *texts: str) -> bytes:
    """The page in UTF-8 with each of ``texts`` in windows-1252 (pasted from a word processor)."""
    data = page.encode("utf-8")
    for text in texts:
        assert data.count(text.encode("utf-8")) == 1, text
        data = data.replace(text.encode("utf-8"), text.encode("cp1252"))
    return data


@pytest.mark.parametrize("charset", ["iso-8859-2", "koi8-r", "shift_jis", "ibm866", "cp437", "tis-620", "iso-8859-4",
                                     "gb2312", "euc-kr", "big5"])
@pytest.mark.parametrize("where", ["header", "meta"])
def test_a_utf8_page_declared_in_another_encoding_gives_the_records_it_writes(charset, where):
    if where == "meta":
        got = records_of(SUED.replace('<meta charset="utf-8">', f'<meta charset="{charset}">').encode())
    else:
        got = records_of(SUED.encode(), f"text/html; charset={charset}")
    assert sorted(got) == ["alpha-sued-cluster", "beta-water-network", "gamma-bioeconomy-cluster"], got
    assert got["alpha-sued-cluster"].name == "Alpha Süd Cluster", got["alpha-sued-cluster"]
    beta = got["beta-water-network"]
    assert beta.city == "Dresden-Löbtau" and [a.city for a in beta.addresses] == ["Dresden-Löbtau"], beta
    assert [i for r in got.values() for i in r.issues] == []


def test_a_page_with_a_byte_order_mark_and_stray_windows_1252_bytes_reads_them_piece_by_piece():
    page = SUED.replace("Max Beispiel<br>", "Max Müller<br>")
    got = records_of(codecs.BOM_UTF8 + pasted(page, "Max Müller", "Dresden-Löbtau", "Alpha Süd Cluster</h3>"), None)
    assert sorted(got) == ["alpha-sued-cluster", "beta-water-network", "gamma-bioeconomy-cluster"], got
    alpha, beta = got["alpha-sued-cluster"], got["beta-water-network"]
    assert alpha.name == "Alpha Süd Cluster" and issues(alpha) == [("name", READ_AS_1252, "Alpha Süd Cluster")]
    assert [c.model_dump() for c in beta.contacts] == [{**BETA_CONTACT, "name": "Max Müller"}], beta.contacts
    assert [a.model_dump() for a in beta.addresses] == [{**BETA_ADDRESS, "city": "Dresden-Löbtau"}], beta.addresses
    assert issues(beta) == [("contacts[0].name", READ_AS_1252, "Max Müller"),
                            ("addresses[0]", READ_AS_1252, "Beispielweg 5 | 01069 Dresden-Löbtau")], issues(beta)


def twice(text: str) -> str:
    """Text whose UTF-8 was read as Latin-1 and encoded as UTF-8 again."""
    return text.encode("utf-8").decode("latin-1")


@pytest.mark.parametrize(("old", "new", "named"), [
    ("07743 Jena", f"07743 {twice('Gießen')}", "07743 GieÃ\\x9fen"),  # 'Ã' and the C1 control U+009F
    ("07743 Jena", f"07743 {twice('Città')}", "07743 CittÃ\\xa0"),  # 'Ã' and a no-break space
    ("<h3>Alpha Photonics Cluster</h3>", f"<h3>Alpha {twice('Groß')} Cluster</h3>", "Alpha GroÃ\\x9f Cluster"),
])
def test_a_name_or_city_encoded_twice_is_a_parse_error_naming_it(old, new, named):
    with pytest.raises(ParseError, match="mojibake") as caught:
        records(changed(old, new), [])
    assert caught.value.source_id == "s" and named in str(caught.value), str(caught.value)


@pytest.mark.parametrize(("old", "new", "contact", "address", "field", "raw"), [
    ("Max Beispiel<br>", f"Max {twice('Strauß')}<br>", {"name": None}, {}, "contacts[0].name", "Max StrauÃ\x9f"),
    ("Contact data:<br>\nBeta Water Network GmbH<br>", f"Contact data:<br>\nBeta Water Network {twice('Straß')}<br>",
     {"organisation": None}, {"organisation": None}, "addresses[0].organisation", "Beta Water Network StraÃ\x9f"),
    ("Beispielweg 5 | 01069 Dresden", f"{twice('Großweg')} 5 | 01069 Dresden", {}, NO_ADDRESS, "addresses[0]",
     "GroÃ\x9fweg 5 | 01069 Dresden"),
])
def test_a_contact_block_line_encoded_twice_is_not_read(old, new, contact, address, field, raw):
    beta = records(changed(old, new))["beta-water-network"]
    assert [c.model_dump() for c in beta.contacts] == [{**BETA_CONTACT, **contact}], beta.contacts
    assert [a.model_dump() for a in beta.addresses] == [{**BETA_ADDRESS, **address}], beta.addresses
    assert issues(beta) == [(field, MOJIBAKE, raw)], issues(beta)


def test_a_description_line_encoded_twice_is_kept_as_written_with_an_issue():
    alpha = records(changed("optical technologies", f"optical technologies in {twice('Città')}di Castello"))[
        "alpha-photonics-cluster"]
    line = ("The cluster brings together companies and institutes working on optical technologies in CittÃ{}di "
            "Castello and wants to open research links with partners in Finland and Japan.")
    assert alpha.description.en == line.format(" "), alpha.description
    assert issues(alpha) == [("description", "looks like mojibake: text decoded in the wrong encoding; kept in the "
                                             "description as written", line.format("\xa0"))], issues(alpha)


def test_windows_1252_bytes_that_look_like_utf8_of_another_script_are_read_as_windows_1252():
    # 'ß“' in windows-1252 is DF 93, which is also UTF-8: the NKo letter U+07D3.
    got = records_of(pasted(changed("<h3>Gamma Bioeconomy Cluster</h3>", "<h3>Gamma „Groß“ Cluster</h3>"),
                            "Gamma „Groß“ Cluster"))
    assert sorted(got) == ["alpha-photonics-cluster", "beta-water-network", "gamma-gross-cluster"], got
    gamma = got["gamma-gross-cluster"]
    assert gamma.name == "Gamma „Groß“ Cluster", gamma
    assert issues(gamma) == [("name", READ_AS_1252, "Gamma „Groß“ Cluster")], issues(gamma)


def test_an_address_line_with_a_byte_that_is_no_character_is_not_read():
    page = changed("01069 Dresden", "90762 F\x81rth").encode("utf-8").replace(b"\xc2\x81", b"\x81")
    beta = records_of(page)["beta-water-network"]
    assert [a.model_dump() for a in beta.addresses] == [{**BETA_ADDRESS, **NO_ADDRESS}], beta.addresses
    assert beta.city is None, beta
    raw = "Beispielweg 5 | 90762 F\ufffdrth"
    # (no "read as windows-1252": the line has no byte read as a windows-1252 character)
    assert issues(beta) == [("addresses[0]", f"{NO_CHARACTER}; the line is not read, only kept in this issue", raw)], \
        issues(beta)


def test_a_name_line_with_a_byte_that_is_no_character_quarantines_its_entry():
    page = changed("<h3>Beta Water Network</h3>", "<h3>Beta Water Netw\x90rk</h3>").encode().replace(b"\xc2\x90",
                                                                                                  b"\x90")
    quarantine: list[Quarantined] = []
    got = records_of(page, quarantine=quarantine)
    assert sorted(got) == ["alpha-photonics-cluster", "gamma-bioeconomy-cluster"], got
    reason = ("its name line 'Beta Water Netw\ufffdrk' has a byte that stands for no character (shown as U+FFFD), "
              "where a character was lost before it reached us: no record without its name")
    assert [(q.position, q.first_line, q.reason) for q in quarantine] == [(2, "Beta Water Netwrk", reason)], quarantine


def test_a_description_with_a_byte_that_is_no_character_keeps_the_line_without_it():
    page = changed("for water", "for wa\x9dter").encode().replace(b"\xc2\x9d", b"\x9d")
    beta = records_of(page)["beta-water-network"]
    assert "for water treatment" in beta.description.en, beta.description
    line = ("The network develops technologies for wa\ufffdter treatment together with its member companies and "
            "plans joint projects with partners in Canada and Singapore.")
    assert issues(beta) == [("description", f"{NO_CHARACTER}; the description has the line without that character",
                             line)], issues(beta)
