"""The raw store: content-addressed snapshots with sidecars, atomic writes, the newest snapshot, 304 refreshes."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from clusterharvest.store import RawStore, atomic_write, iso_z, media_type, pretty_json, sha256_hex


def test_the_same_bytes_twice_share_one_file(tmp_path):
    store = RawStore(tmp_path)
    a = store.save("s", "http://x/", b"<p>a</p>", content_type="text/html; charset=utf-8", obtained_at="2020")
    b = store.save("s", "http://x/", b"<p>a</p>", content_type="text/html", obtained_at="2021")
    assert a.file == b.file and a.sha256 == sha256_hex(b"<p>a</p>") and a.file.endswith(".html")
    assert len(list((tmp_path / "s").glob("*.html"))) == 1
    sidecar = json.loads((tmp_path / "s" / f"{a.sha256}.json").read_text())
    assert sidecar["file"] == f"{a.sha256}.html" and sidecar["obtained_at"] == "2021"


def test_latest_is_the_newest_snapshot(tmp_path):
    store = RawStore(tmp_path)
    store.save("s", "http://x/", b"old", content_type="text/plain", obtained_at="2020-01-01T00:00:00Z")
    store.save("s", "http://x/", b"new", content_type="text/plain", obtained_at="2021-01-01T00:00:00Z")
    assert store.latest("s").read() == b"new"  # type: ignore[union-attr]
    assert store.latest("other") is None


def test_a_304_refreshes_time_and_validators_and_keeps_the_bytes(tmp_path):
    store = RawStore(tmp_path)
    snap = store.save("s", "http://x/", b"x", content_type="text/plain", etag='"1"', obtained_at="2020")
    fresh = store.refreshed(snap, etag='"2"', last_modified=None)
    assert fresh.not_modified and fresh.etag == '"2"' and fresh.sha256 == snap.sha256
    assert store.latest("s").etag == '"2"'  # type: ignore[union-attr]


def test_atomic_write_leaves_no_temporary_file(tmp_path):
    atomic_write(tmp_path / "a" / "b.json", pretty_json({"b": 1, "a": "ä"}))
    assert (tmp_path / "a" / "b.json").read_text(encoding="utf-8") == '{\n  "a": "ä",\n  "b": 1\n}\n'
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["b.json"]


def test_small_helpers():
    assert media_type("Text/HTML; charset=utf-8") == "text/html" and media_type(None) == ""
    assert iso_z(datetime(2026, 11, 21, 5, 47, 29, tzinfo=UTC)) == "2026-11-21T05:47:29Z"
