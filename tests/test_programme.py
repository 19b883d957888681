"""programme.json, links and checks from the offline harvest of the bundled snapshot (no Prefect), and
what a differently worded announcement with an unknown cluster does to them."""

from __future__ import annotations

import json
import shutil

import pytest

from clusterharvest.parse.facts import contact_facts
from clusterharvest.pipeline import open_context, run_harvest
from clusterharvest.programme import Statements, build_programme

from .conftest import ROOT

# The ten clusters of the third-round post (003_*.txt), as directory ids, with their project titles' acronyms.
ROUND_3 = {
    "amz-sachsen": "TADA", "bio-nrw": None, "cfk-valley": None, "cluster-mechatronik-and-automation": None,
    "deepsea-mining-alliance-e-v": None, "effizienzcluster-logistikruhr": "DELIE", "arena-2036": None,
    "open-hybrid-labfactory-e-v": None, "its-owl": None, "optence-e-v": None,
}
FLYER = ROOT / "raw" / "bmbf-flyer-2016" / "enhancing-global-cooperation-2016-10.pdf"


def harvest(out, sources=ROOT / "sources.toml"):
    ctx = open_context(sources, out, ROOT / "raw", offline=True)
    result = run_harvest(ctx)
    folder = out / result.version
    read = lambda name: json.loads((folder / name).read_text(encoding="utf-8"))  # noqa: E731
    return result, read("programme.json"), {c["id"]: c for c in read("clusters.json")}, read("manifest.json")


@pytest.fixture(scope="module")
def bundled(tmp_path_factory):
    return harvest(tmp_path_factory.mktemp("programme"))


def test_programme_facts(bundled):
    _, programme, _, _ = bundled
    assert [(r["number"], r["year"], r["projects_selected"]) for r in programme["rounds"]] == [
        (1, 2015, 11), (2, 2016, 11), (3, 2017, 10)]
    assert [r["planned_start"] for r in programme["rounds"]] == [None, "2017-01", "2018-01"]
    assert programme["max_funding_eur"] == 4_000_000 and programme["max_duration_years"] == 5
    assert programme["phases"] == [{"name": "concept", "max_years": 2}, {"name": "implementation", "max_years": 3}]
    assert programme["contact"] == {
        "name": "Florian Welter", "academic_title": "Dr.",
        "organisation": "Project Management Jülich, Forschungszentrum Jülich GmbH",
        "email": "f.welter@fz-juelich.de", "phone": "+492461619051", "fax": "+492461618047"}
    assert programme["funder"] == "Federal Ministry of Education and Research (BMBF)"
    assert programme["name"] == {"en": "Internationalisation of Leading-Edge Clusters, Forward-Looking Projects, "
                                       "and Comparable Networks", "de": None}


def test_the_flyers_about_10_is_kept_beside_the_exact_counts(bundled):
    _, programme, _, _ = bundled
    assert [r["projects_selected_approx"] for r in programme["rounds"]] == [10, 10, 10]
    flagged = {i["field"] for i in programme["issues"] if "about 10" in i["message"]}
    # round 3: ten agrees
    assert flagged == {"rounds[number=1].projects_selected", "rounds[number=2].projects_selected"}


def test_every_fact_is_traceable_to_its_source(bundled):
    _, programme, _, _ = bundled
    evidence = {(e["path"], e["source"]) for e in programme["evidence"]}
    assert {("rounds[number=1].year", "bmbf-flyer-2016"),
            ("rounds[number=1].projects_selected", "announcement-round-2-2016"),
            ("rounds[number=2].projects_selected", "announcement-round-2-2016"),
            ("rounds[number=3].projects_selected", "bmbf-programme-page-en"),
            ("rounds[number=3].projects_selected", "announcement-round-3-2017"),
            ("rounds[number=3].planned_start", "bmbf-programme-page-en"), ("max_funding_eur", "bmbf-flyer-2016"),
            ("phases[name=implementation].max_years", "bmbf-flyer-2016"), ("contact.email", "bmbf-flyer-2016")} \
        <= evidence
    quotes = {e["quote"] for e in programme["evidence"]}
    assert "Three rounds of funding: 2015, 2016 and 2017." in quotes


# The flyer's contact block (001, by hand), under "Contact for General Information about the Funding Measure":
# each published value with the line it stands on, as the source has it (the phone and the fax share one).
CONTACT_LINES = {
    "contact.name": "Dr. Florian Welter", "contact.academic_title": "Dr. Florian Welter",
    "contact.organisation": "Project Management Jülich, Forschungszentrum Jülich GmbH",
    "contact.phone": "Phone.: +49 2461 61-9051, Fax: +49 2461 61-8047",
    "contact.fax": "Phone.: +49 2461 61-9051, Fax: +49 2461 61-8047",
    "contact.email": "E-mail: f.welter@fz-juelich.de",
}


def test_the_contacts_evidence_quotes_the_line_of_each_value(bundled):
    _, programme, _, _ = bundled
    got = {e["path"]: e["quote"] for e in programme["evidence"] if e["path"].startswith("contact")}
    assert got == CONTACT_LINES, got
    assert {e["source"] for e in programme["evidence"] if e["path"].startswith("contact")} == {"bmbf-flyer-2016"}


def test_the_flyers_about_10_is_evidence_for_the_approximate_figure(bundled):
    _, programme, _, _ = bundled
    got = [(e["path"], e["source"], e["quote"]) for e in programme["evidence"] if "about 10" in e["quote"]]
    assert got == [("rounds[*].projects_selected_approx", "bmbf-flyer-2016",
                    "Selection of about 10 promising German clusters and networks in each round.")], got


def test_exactly_the_ten_announced_clusters_have_round_3(bundled):
    _, _, clusters, manifest = bundled
    assert {cid for cid, c in clusters.items() if c["round"] is not None} == set(ROUND_3)
    for cid, acronym in ROUND_3.items():
        c = clusters[cid]
        assert c["round"] == 3 and c["project"]["title"] and c["project"]["acronym"] == acronym, cid
        assert "announcement-round-3-2017" in c["sources"]
    assert clusters["cluster-mechatronik-and-automation"]["aliases"] == ["Cluster Mechatronics & Automation"]
    assert clusters["arena-2036"]["project"]["title"].startswith("ARENA2036plus")
    assert manifest["link_issues"] == []
    assert len(manifest["links"]) == 10


def test_cross_source_checks_pass(bundled):
    _, _, _, manifest = bundled
    checks = {c["check"]: c for c in manifest["checks"]}
    total = checks["selected projects of all rounds = directory entries"]
    assert (total["selected_total"], total["directory_entries"], total["passed"]) == (32, 32, True)
    assert all(c["passed"] for c in manifest["checks"]), manifest["checks"]
    assert len(manifest["checks"]) == 4


def test_content_hash_covers_the_programme(tmp_path, bundled):
    first = bundled[0]
    sources = (ROOT / "sources.toml").read_text(encoding="utf-8")
    shutil.copy(FLYER, tmp_path / "flyer.pdf")
    (tmp_path / "sources.toml").write_text(sources.replace(
        'url = "raw/bmbf-flyer-2016/enhancing-global-cooperation-2016-10.pdf"', f'url = "{tmp_path / "flyer.pdf"}"'))
    out = tmp_path / "out"
    result, _, _, _ = harvest(out, tmp_path / "sources.toml")
    assert result.version.split("-")[1] == first.version.split("-")[1]  # same content, same hash
    # drop the announcement that gives rounds 1 and 2 their counts: the records stay, programme.json changes
    blocks = (tmp_path / "sources.toml").read_text().split("[[source]]")
    (tmp_path / "sources.toml").write_text("[[source]]".join(b for b in blocks if "announcement-round-2" not in b))
    changed, programme, clusters, _ = harvest(out, tmp_path / "sources.toml")
    assert len(clusters) == 32
    assert changed.changed and changed.version != result.version
    assert programme["rounds"][0]["projects_selected"] is None


def test_synthetic_announcement_unknown_cluster_and_disagreements(tmp_path):
    synthetic = ROOT / "tests" / "fixtures" / "synthetic" / "announcement_other_wording.html"
    directory = ROOT / "raw" / "interspin-directory-en"
    page = next(directory.glob("*.html"))
    (tmp_path / "sources.toml").write_text(
        f'[[source]]\nid = "directory"\nurl = "{page}"\nkind = "cluster-directory"\nlang = "en"\n\n'
        f'[[source]]\nid = "flyer"\nurl = "{FLYER}"\n'
        'kind = "flyer"\nlang = "en"\n\n'
        f'[[source]]\nid = "other-post"\nurl = "{synthetic}"\nkind = "announcement"\nlang = "en"\n', encoding="utf-8")
    _, programme, clusters, manifest = harvest(tmp_path / "out", tmp_path / "sources.toml")
    assert {cid for cid, c in clusters.items() if c["round"] == 3} == {
        "arena-2036", "its-owl", "open-hybrid-labfactory-e-v", "cluster-mechatronik-and-automation"}
    assert clusters["arena-2036"]["project"] == {"title": "ARENA goes Australia (AGA)", "acronym": "AGA",
                                                 "source": "other-post",
                                                 "evidence": "1. ARENA 2036, Stuttgart: „ARENA goes Australia (AGA)“"}
    [problem] = manifest["link_issues"]
    assert problem["announced"] == "Northern Lights Photonics Alliance" and problem["problem"] == "missing match"
    checks = {c["check"]: c for c in manifest["checks"]}
    linked = checks["round 3: every cluster listed in other-post is linked to a directory entry"]
    assert (linked["listed"], linked["linked"], linked["passed"]) == (5, 4, False)
    # the post says 3 million, the flyer 4 million: the flyer is kept, the post's figure is an issue
    assert programme["max_funding_eur"] == 4_000_000
    funding = [i for i in programme["issues"] if i["field"] == "max_funding_eur"]
    assert len(funding) == 1 and "other-post: 3000000" in funding[0]["value"]


def test_a_contact_value_read_by_interpretation_says_how():
    # written by hand: the flyer's contact block as a page might obfuscate it
    lines = ["Contact", "Dr. Florian Welter", "Project Management Jülich", "Tel.: 0049 2461 61-9051",
             "E-Mail: f.welter [at] fz-juelich [dot] de"]
    programme = build_programme([Statements("bmbf-programme-page-en", 0, 0, contact_facts(lines))])
    assert programme.contact is not None, programme
    assert (programme.contact.email, programme.contact.phone) == ("f.welter@fz-juelich.de", "+492461619051"), programme
    got = {(i.field, i.value): i.message for i in programme.issues}
    assert set(got) == {("contact.email", "f.welter [at] fz-juelich [dot] de"),
                        ("contact.phone", "0049 2461 61-9051")}, got
    assert got[("contact.email", "f.welter [at] fz-juelich [dot] de")].startswith(
        "obfuscated e-mail read as f.welter@fz-juelich.de"), got
    assert "international prefix '00'" in got[("contact.phone", "0049 2461 61-9051")], got
