"""The programme page: facts written by hand from its capture (000_*.txt), from the bundled HTML and
from the plain-text capture."""

from __future__ import annotations

import pytest

from clusterharvest.parse.programme_page import parse_programme_page
from clusterharvest.store import RawStore

from ..conftest import CAPTURES, ROOT

# The title "Clusters - Networks - International";
# "each project can receive funding up to four million euros over a period of up to five years",
# "In the 3rd round of competition, the independent jury has recommended ten projects for promotion.
# All projects will start in January 2018.", "a concept development phase lasting a maximum of two years".
EXPECTED = {
    "max_funding_eur": 4_000_000, "max_duration_years": 5,
    "rounds[number=3].projects_selected": 10, "rounds[number=3].planned_start": "2018-01",
    "phases[name=concept].max_years": 2,
    "funder": "Federal Ministry of Education and Research",
    "name.alias": "Clusters - Networks - International",  # the page's title, its first line
}


def renderings():
    snap = RawStore(ROOT / "raw").latest("bmbf-programme-page-en")
    assert snap is not None
    return {"bundled-html": (snap.read(), snap.content_type),
            "text-capture": ((CAPTURES / "000_62a2f6934af5ef80.txt").read_bytes(), "text/plain")}


@pytest.mark.parametrize("name", ["bundled-html", "text-capture"])
def test_programme_page_facts(name):
    data, ctype = renderings()[name]
    facts, _ = parse_programme_page(data, ctype)
    assert {f.path: f.value for f in facts} == EXPECTED
    start = next(f for f in facts if f.path == "rounds[number=3].planned_start")
    assert start.quote == "All projects will start in January 2018."


def test_page_chrome_gives_no_facts():
    data, ctype = renderings()["bundled-html"]
    _, lines = parse_programme_page(data, ctype)
    assert "Imprint" not in lines and "Data protection" not in lines
