"""Versions: ids, manifests, atomic LATEST, no version when nothing changed."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from clusterharvest.dataset import Manifest, Run
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


# A manifest with every key a harvest, a backfill and the public variant write (as main's harvester writes them,
# by hand from its pipeline and publish code): each reads back as the same JSON, nulls included.
GATE = {"gate": "min_entries", "source": "dir", "metric": "records", "passed": True, "now": {"count": 32, "of": None},
        "before": None, "version": None, "limit": 25, "overridden": None}
EVERY_KEY = {
    "version": "20260102T030405Z-0123abcd", "created": "2026-01-02T03:04:05Z", "schema_version": "1.1",
    "content_hash": "ef" * 32, "previous": "20260101T000000Z-89abcdef", "as_of": "2016-03-01T12:00:00Z",
    "counts": {"clusters": 32}, "files": {"clusters.json": {"sha256": "01" * 32, "bytes": 1234}},
    "changes": {"added": 1, "removed": 0, "renamed": 0, "modified": 2, "programme": 0},
    "sources": [
        {"id": "dir", "kind": "cluster-directory", "url": "https://example.org/", "snapshot_sha256": "ab" * 32,
         "bytes": 99, "content_type": "text/html", "obtained_at": "2026-01-02T03:04:00Z", "method": "fetched",
         "not_modified": False, "via": "archive", "capture_timestamp": "20160301120000",
         "capture_url": "https://web.archive.org/web/20160301120000id_/https://example.org/",
         "as_of": "2016-03-01T12:00:00Z", "live_error": "cannot connect", "stated_date": "2020-04-16",
         "stated_date_quote": "(As of 16.04.2020)", "entries": 32,
         "values": {"records": 32, "target_countries": 32, "contact_person": 30, "phone": 31, "address": 29,
                    "description": 32, "issues": 44}},
        {"id": "post", "kind": "announcement", "url": "https://example.org/post", "snapshot_sha256": "cd" * 32,
         "bytes": 10, "content_type": None, "obtained_at": "x", "method": "reconstructed", "not_modified": False,
         "reconstructed_from": "a text capture", "note": "typed in", "round": 3, "clusters_listed": 10,
         "facts": 13}],
    "inputs": {"code": "c0de", "config": "c0f1"}, "allowed_shrink": True,
    "links": [{"source": "post", "position": 1, "announced": "Alpha", "cluster_id": "alpha", "score": 100.0,
               "method": "exact"}],
    "link_issues": [{"source": "post", "position": 5, "announced": "Northern Lights", "cluster_id": None,
                     "score": 53.6, "method": "missing", "problem": "missing match",
                     "candidates": [{"id": "optonet", "score": 53.6}]},
                    {"source": "post", "problem": "the post lists 11 clusters, 10 found"}],
    "checks": [{"check": "phase durations add up to the maximum funding period", "passed": True,
                "max_duration_years": 5, "phases": {"concept": 2, "implementation": 3}}],
    "quarantined": [{"source": "dir", "position": 0, "first_line": None, "reason": "no id", "lines": [],
                     "redacted": True}],
    "entry_gates": [GATE, {**GATE, "gate": "max_shrink", "metric": "entries", "before": {"count": 32, "of": None},
                           "version": "20260101T000000Z-89abcdef", "limit": 0.2, "passed": False,
                           "overridden": "--allow-shrink"}],
    "value_gates": [{**GATE, "gate": "max_value_loss", "metric": "phone", "now": {"count": 25, "of": 32},
                     "before": {"count": 31, "of": 32}, "version": "20251201T000000Z-00000000", "limit": 0.1,
                     "passed": False, "overridden": "--allow-shrink", "against": "largest recent"}],
    "backfill": {"source": "dir", "capture": "20160301120000",
                 "capture_url": "https://web.archive.org/web/20160301120000id_/https://example.org/"},
    "redacted_personal_data": True,
}


def test_a_manifest_reads_back_with_every_key_it_has():
    manifest = Manifest.model_validate(EVERY_KEY)
    assert manifest.to_json() == EVERY_KEY, manifest.to_json()
    directory = manifest.source("dir")
    assert directory is not None and directory.values["phone"] == 31 and directory.entries == 32, directory
    assert [(g.gate, g.before is None, g.limit) for g in manifest.entry_gates or []] == [
        ("min_entries", True, 25), ("max_shrink", False, 0.2)]
    [value] = manifest.value_gates or []
    assert (value.now.count, value.now.of, value.against, value.overridden) == (25, 32, "largest recent",
                                                                               "--allow-shrink"), value
    assert [(q.position, q.redacted) for q in manifest.quarantined or []] == [(0, True)]
    assert manifest.backfill is not None and manifest.backfill.capture == "20160301120000"


def test_a_halted_process_commits_no_version_and_a_halt_waits_for_a_commit_in_progress(tmp_path):
    """``HALT`` (set by a command whose run's thread may go on: its Prefect server gone, SIGTERM): the next
    publish writes nothing and says why; a commit in progress holds the lock, so ``set`` returns after it."""
    import threading

    import pytest

    from clusterharvest.errors import PublishError
    from clusterharvest.publish import HALT

    first = publish_version(tmp_path, clusters("FR"), RUN).version
    try:
        HALT.set("the Prefect server stopped answering")
        with pytest.raises(PublishError, match=r"version \S+ not published: the Prefect server stopped answering"):
            publish_version(tmp_path, clusters("FR", "JP"), RUN)
        assert read_latest(tmp_path) == first and list_versions(tmp_path) == [first]
        assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no half-written folder
    finally:
        HALT.clear()
    HALT.lock.acquire()  # as a commit in progress holds it
    set_at: list[bool] = []
    setter = threading.Thread(target=lambda: (HALT.set("stop"), set_at.append(True)))
    try:
        setter.start()
        setter.join(0.3)
        assert not set_at, "HALT.set returned while a commit was in progress"
    finally:
        HALT.lock.release()
        setter.join(5)
        HALT.clear()
    assert set_at == [True]
    assert publish_version(tmp_path, clusters("FR", "JP"), RUN).changed  # cleared: publishing again
