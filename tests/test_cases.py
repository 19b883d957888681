"""The rebuilt public cases (tests/fixtures/cases/, README there): each gives the value a careful reader takes
from it. The expected values are written by hand from the case material, not copied from the parser."""

from __future__ import annotations

from pathlib import Path

from clusterharvest.models import Cluster
from clusterharvest.parse.cluster_directory import parse_directory
from clusterharvest.parse.clusters import build_clusters

CASES = Path(__file__).parent / "fixtures" / "cases"


def records(name: str) -> dict[str, Cluster]:
    """The records of one case's directory page, by id."""
    data = (CASES / name).read_bytes()
    return {r.id: r for r in build_clusters(parse_directory(data, name, "text/html; charset=utf-8"), name)}


def test_control_directory_gives_three_clean_records():
    got = records("00-control-directory.html")
    assert sorted(got) == ["alpha-photonics-cluster", "beta-water-network", "gamma-bioeconomy-cluster"], sorted(got)
    targets = {r.id: (r.target_countries.concept, r.target_countries.implementation) for r in got.values()}
    assert targets == {"alpha-photonics-cluster": (["FI", "JP"], ["JP"]),
                       "beta-water-network": (["CA", "SG"], ["SG"]),
                       "gamma-bioeconomy-cluster": (["FR", "NL"], ["FR"])}, targets
    for r in got.values():
        assert r.issues == [], r.issues
        assert all(c.email and c.phone and c.phone[0].startswith("+") for c in r.contacts), r.contacts


def test_nul_bytes_are_removed_not_replaced():
    got = records("01-nul-byte-directory.html")["beta-water-network"]
    assert got.name == "Beta Water Network", got.name
    assert got.contacts[0].email == "m.beispiel@example.org", got.contacts
    assert "\ufffd" not in got.model_dump_json(), got
    assert got.issues == [], got.issues


def test_soft_hyphens_and_joiners_inside_words_lose_nothing():
    got = records("11-soft-hyphen-zero-width.html")
    assert list(got) == ["forschungscampus-mobility-innovation-cluster"], list(got)
    r = got["forschungscampus-mobility-innovation-cluster"]
    assert r.name == "Forschungscampus Mobility Innovation Cluster", r.name
    assert (r.target_countries.concept, r.target_countries.implementation) == (["JP", "SG"], ["SG"]), r
    [person] = r.contacts
    assert (person.academic_title, person.name) == ("Dr.", "Eva Musterfrau"), person
    assert person.email == "e.musterfrau@example.org", person
    assert r.city == "Braunschweig" and r.addresses[0].street == "Innovationsstraße 4", r.addresses
    assert r.issues == [], r.issues


def test_country_code_without_plus_is_read_with_an_issue():
    got = records("06-phone-49-no-plus-trunk-zero.html")
    assert list(got) == ["delta-sensor-network"], list(got)
    r = got["delta-sensor-network"]
    assert r.contacts[0].phone == ["+49345279580"], r.contacts
    [reading] = r.issues
    assert (reading.field, reading.value) == ("contacts[0].phone", "49 (0) 345 279580"), reading
    assert "without '+'" in reading.message and "+49" in reading.message, reading.message


def test_obfuscated_emails_are_read_each_with_an_issue_saying_how():
    got = records("13-email-obfuscated.html")
    assert sorted(got) == ["iota-energy-cluster", "kappa-mobility-cluster", "zeta-health-network"], sorted(got)
    # the Cloudflare address decoded by hand: key 0x42, then 29^42 = 6b 'k', 6c^42 = 2e '.', 32^42 = 70 'p', ...
    want = {"zeta-health-network": ("l.beispiel@example.org", "l.beispiel(at)example.org", "'(at)' for '@'"),
            "iota-energy-cluster": ("j.muster@example.org", "j.muster [at] example [dot] org", "'[dot]' for '.'"),
            "kappa-mobility-cluster": ("k.probe@example.org", "cfemail:42296c32302d202702273a232f322e276c2d3025",
                                       "Cloudflare")}
    for id_, (email, written, how) in want.items():
        r = got[id_]
        assert [c.email for c in r.contacts] == [email], r.contacts
        [reading] = r.issues
        assert (reading.field, reading.value) == ("contacts[0].email", written), reading
        assert reading.message.startswith(f"obfuscated e-mail read as {email}") and how in reading.message, reading
        assert "truncated" not in reading.message and "invalid" not in reading.message, reading
