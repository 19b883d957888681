"""The complete record (issue 16): text verbatim, removed text kept, and what the sources state about each
cluster's project, place and dates kept in the record.

Expectations are written by hand from the real captures in tests/fixtures/captures/ (the directory's text
capture and the round-3 announcement), never copied from the parser's output.
"""

from __future__ import annotations

import pytest

from clusterharvest.parse.cluster_directory import parse_directory
from clusterharvest.parse.clusters import build_clusters

BOILERPLATE_EN = "The entire funding measure supports leading-edge clusters"
BOILERPLATE_DE = "Die gesamte Fördermaßnahme unterstützt Spitzencluster"

# Entries whose description carries the funding measure's boilerplate paragraph (capture, by hand): four in
# English, Wetzlar's reworded ("innovative capability"), two in German.
BOILERPLATE = {
    "forum-organic-electronics-innovationlab": BOILERPLATE_EN,
    "international-sports-innovation-network-sinn-i": BOILERPLATE_EN,
    "leichtbau-bw": BOILERPLATE_EN,
    "wetzlar-network": BOILERPLATE_EN,
    "mai-carbon": BOILERPLATE_DE,
    "wigratec": BOILERPLATE_DE,
}


@pytest.fixture(scope="module")
def entries_and_records(directory_capture):
    entries = parse_directory(directory_capture)
    records = build_clusters(entries, "interspin-directory-en")
    assert len(records) == len(entries) == 32
    return list(zip(entries, records, strict=True))


@pytest.fixture(scope="module")
def records(entries_and_records):
    return {record.id: record for _, record in entries_and_records}


def paragraphs(record) -> list[str]:
    return [p for text in (record.description.en, record.description.de) if text for p in text.split("\n\n")]


def test_every_published_description_paragraph_is_verbatim_in_its_entry(entries_and_records):
    checked = 0
    for entry, record in entries_and_records:
        text = "\n".join(entry.lines)
        for paragraph in paragraphs(record):
            assert paragraph in text, (record.id, paragraph[:80])
            checked += 1
    assert checked >= 32


def test_the_sentence_splitter_no_longer_adds_spaces(records):
    mechatronik = records["cluster-mechatronik-and-automation"].description.en
    assert "strategic concept.For 2018 and the follow" in mechatronik
    assert "from Brabant/Brainport.The project is organ" in mechatronik
    optonet = records["optonet-e-v-photonics-network-thuringia"].description.en
    assert "Photonics Network OptoNet e.V. formulates" in optonet


def test_removed_boilerplate_is_kept_verbatim_in_issues(records, directory_capture):
    capture = directory_capture.decode("utf-8")
    for rid, record in records.items():
        removed = [i for i in record.issues if i.field == "description" and "boilerplate" in i.message]
        if rid not in BOILERPLATE:
            assert removed == [], rid
            continue
        assert len(removed) == 1, (rid, removed)
        value = removed[0].value
        assert value and value.startswith(BOILERPLATE[rid]), (rid, value)
        assert value in capture, rid  # the raw text, character for character
        assert len(value.split(". ")) == 3, value  # the whole paragraph: three sentences
        assert BOILERPLATE[rid] not in " ".join(paragraphs(record))
    wetzlar = next(i for i in records["wetzlar-network"].issues if i.field == "description")
    assert "innovative capability" in wetzlar.value
