"""Versions: ids, manifests, atomic LATEST, no version when nothing changed."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from clusterharvest.dataset import Run
from clusterharvest.models import Cluster, Phases
from clusterharvest.publish import (
    clean_leftovers,
    content_hash,
    list_versions,
    publish_version,
    read_latest,
    records_payload,
)

SOURCES = [{"id": "dir", "url": "https://example.org/", "snapshot_sha256": "ab" * 32, "obtained_at": "x"}]
RUN = Run.model_validate({"sources": SOURCES})


def clusters(*codes: str) -> list[Cluster]:
    return [Cluster(id=f"c{i}", name=f"C{i}", target_countries=Phases(concept=[c])) for i, c in enumerate(codes)]


def test_publishes_sorted_records_manifest_and_latest(tmp_path):
    recs = list(reversed(clusters("FR", "JP")))
    res = publish_version(tmp_path, recs, RUN, now=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))
    assert res.changed and re.fullmatch(r"20260102T030405Z-[0-9a-f]{8}", res.version), res.version
    assert read_latest(tmp_path) == res.version
    data = json.loads((tmp_path / res.version / "clusters.json").read_text())
    assert [d["id"] for d in data] == ["c0", "c1"]
    manifest = json.loads((tmp_path / res.version / "manifest.json").read_text())
    assert manifest["counts"] == {"clusters": 2}
    assert manifest["sources"] == SOURCES
    assert manifest["version"] == res.version and manifest["schema_version"]
    import hashlib
    body = (tmp_path / res.version / "clusters.json").read_bytes()
    assert manifest["files"]["clusters.json"]["sha256"] == hashlib.sha256(body).hexdigest()
    assert res.version.endswith(manifest["content_hash"][:8])


def test_same_records_publish_no_new_version(tmp_path):
    first = publish_version(tmp_path, clusters("FR"), RUN)
    other_provenance = Run.model_validate({"sources": [{**SOURCES[0], "obtained_at": "later"}]})
    again = publish_version(tmp_path, clusters("FR"), other_provenance)
    assert not again.changed and again.version == first.version
    assert list_versions(tmp_path) == [first.version]


def test_changed_records_publish_a_new_version(tmp_path):
    first = publish_version(tmp_path, clusters("FR"), RUN, now=datetime(2026, 1, 1, tzinfo=UTC))
    second = publish_version(tmp_path, clusters("DE"), RUN, now=datetime(2026, 1, 2, tzinfo=UTC))
    assert second.changed and second.previous == first.version
    assert read_latest(tmp_path) == second.version
    assert list_versions(tmp_path) == [first.version, second.version]


def test_content_hash_ignores_key_order_not_values():
    a = records_payload(clusters("FR"))
    assert content_hash({"clusters.json": a}) == content_hash({"clusters.json": json.loads(json.dumps(a))})
    assert content_hash({"clusters.json": a}) != content_hash({"clusters.json": records_payload(clusters("DE"))})


def test_leftover_temporary_folders_are_removed(tmp_path):
    (tmp_path / ".tmp-20260101T000000Z-deadbeef-123").mkdir()
    (tmp_path / ".tmp-20260101T000000Z-deadbeef-123" / "clusters.json").write_text("[")
    assert clean_leftovers(tmp_path) == [".tmp-20260101T000000Z-deadbeef-123"]
    publish_version(tmp_path, clusters("FR"), RUN)
    assert not list(tmp_path.glob(".tmp-*"))


def test_latest_naming_an_incomplete_version_is_ignored(tmp_path):
    (tmp_path / "LATEST").write_text("20260101T000000Z-deadbeef\n")
    assert read_latest(tmp_path) is None


def test_records_that_return_to_an_earlier_version_within_its_second_get_a_version_of_their_own(tmp_path):
    """A -> B -> A published within one second: the third is a new version (its id a second later), not an
    error about the first's folder, which holds the same records under the same time."""
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    first = publish_version(tmp_path, clusters("FR"), RUN, now=now)
    second = publish_version(tmp_path, clusters("JP"), RUN, now=now.replace(microsecond=300_000))
    third = publish_version(tmp_path, clusters("FR"), RUN, now=now.replace(microsecond=600_000))
    assert third.changed and third.previous == second.version, third
    assert third.version == "20260102T030406Z-" + first.version.split("-")[1], third.version
    assert list_versions(tmp_path) == [first.version, second.version, third.version]
    assert read_latest(tmp_path) == third.version


def test_the_same_records_published_at_two_times_are_one_version(tmp_path):
    """The content hash covers the records only: a day later, the same records publish nothing new."""
    first = publish_version(tmp_path, clusters("FR"), RUN, now=datetime(2026, 1, 1, 6, 0, tzinfo=UTC))
    again = publish_version(tmp_path, clusters("FR"), RUN, now=datetime(2026, 1, 2, 7, 30, tzinfo=UTC))
    assert (again.changed, again.version) == (False, first.version), again
    assert list_versions(tmp_path) == [first.version]
