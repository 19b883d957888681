"""Announcements: the third-round list written by hand from its capture (003_*.txt), from the bundled
HTML and the plain-text capture; the second-round post's counts; a synthetic post in other words."""

from __future__ import annotations

import pytest

from clusterharvest.parse.announcement import parse_announcement, parse_item
from clusterharvest.store import RawStore

from ..conftest import CAPTURES, ROOT

# position, announced name, region, acronym, first words of the title
ROUND_3 = [
    (1, "AMZ Sachsen – Network of the automotive suppliers of Saxony", None, "TADA",
     "Transatlantic Automated Driving Alliance"),
    (2, "BIO.NRW", None, None, "NRW-China Collaborations"),
    (3, "CFK Valley", "Stade – Norddeutschland", None, "Access to the Champions League"),
    (4, "Cluster Mechatronics & Automation", "Bavaria", None, "Industrie 4 Additives"),
    (5, "DeepSea Mining Alliance", "nationwide network", None, "Further internationalization"),
    (6, "EffizienzCluster LogistikRuhr", None, "DELIE", "Networking International"),
    (7, "Forschungscampus ARENA2036", "Stuttgart Region", None, "ARENA2036plus"),
    (8, "ResearchCampus OpenHybrid LabFactory", "Wolfsburg", None, "OpenHybrid LabFactory – Asia Pacific"),
    (9, "It’s OWL – Intelligent Technical Systems OstWestfalenLippe", None, None, "European Alliance"),
    (10, "Optence", "Rhineland-Palatinate / Hesse", None, "Internationalization for Joint Innovation"),
]


def bundled(source_id: str) -> tuple[bytes, str | None]:
    snap = RawStore(ROOT / "raw").latest(source_id)
    assert snap is not None
    return snap.read(), snap.content_type


def round_3_renderings():
    return {"bundled-html": bundled("announcement-round-3-2017"),
            "text-capture": ((CAPTURES / "003_4b6e1bbd750e072b.txt").read_bytes(), "text/plain")}


@pytest.mark.parametrize("name", ["bundled-html", "text-capture"])
def test_round_3_list(name):
    data, ctype = round_3_renderings()[name]
    found = parse_announcement(data, ctype, configured_round=3)
    got = [(a.position, a.name, a.region, a.acronym) for a in found.selected]
    assert got == [row[:4] for row in ROUND_3]
    for item, row in zip(found.selected, ROUND_3, strict=True):
        assert item.title.startswith(row[4])
    facts = {(f.path, f.value) for f in found.facts}
    # "A further ten projects have now been selected", "The start ... is scheduled for 2018."
    assert {("rounds[number=3].projects_selected", 10), ("rounds[number=3].planned_start", "2018"),
            ("max_funding_eur", 4_000_000), ("max_duration_years", 5)} <= facts
    assert found.round == 3 and found.issues == []


def test_the_post_does_not_state_its_round_so_the_configured_one_is_used():
    data, ctype = bundled("announcement-round-3-2017")
    found = parse_announcement(data, ctype)
    assert found.round is None
    assert not any(f.path.endswith("projects_selected") for f in found.facts)  # whose count it is, is unknown


def test_round_2_post_counts_both_rounds_and_lists_nobody():
    data, ctype = bundled("announcement-round-2-2016")
    found = parse_announcement(data, ctype, configured_round=2)
    facts = {(f.path, f.value) for f in found.facts}
    # "recommended eleven projects in the first round", "In the 2nd round ... eleven projects ...
    # All projects will start in January 2017."
    assert {("rounds[number=1].projects_selected", 11), ("rounds[number=2].projects_selected", 11),
            ("rounds[number=2].planned_start", "2017-01")} <= facts
    assert found.selected == [] and found.round == 2
    assert not any("Leave a Reply" in line for line in found.lines)


def test_a_configured_round_that_contradicts_the_text_is_an_issue():
    data, ctype = bundled("announcement-round-2-2016")
    assert parse_announcement(data, ctype, configured_round=3).issues == [
        "text names round 2 but the source is configured as round 3"]


def test_differently_worded_synthetic_announcement():
    data = (ROOT / "tests" / "fixtures" / "synthetic" / "announcement_other_wording.html").read_bytes()
    found = parse_announcement(data, "text/html")
    assert found.round == 3  # "in the third round of the competition"
    assert [(a.name, a.region, a.acronym) for a in found.selected] == [
        ("ARENA 2036", "Stuttgart", "AGA"), ("it's OWL", None, None),
        ("Open Hybrid LabFactory e.V.", "Lower Saxony, Wolfsburg", None),
        ("Cluster Mechatronik & Automation", "Augsburg", "AMB"),
        ("Northern Lights Photonics Alliance", "Bremen", None)]
    assert found.selected[1].title == "Alliance for Intelligent Systems"
    facts = {(f.path, f.value) for f in found.facts}
    assert facts == {("rounds[number=3].projects_selected", 6), ("max_funding_eur", 3_000_000),
                     ("max_duration_years", 4), ("rounds[number=3].planned_start", "2018-03")}


@pytest.mark.parametrize("line", [
    "1. A sentence that merely starts with a number",
    "5. Name, “quoted” in the middle of a sentence",  # the title must end the item
    "3. “Only a title”",
])
def test_lines_that_are_not_list_items(line):
    assert parse_item(line) is None
