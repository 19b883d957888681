"""Web archive access through the Wayback Machine's CDX API and raw captures.

- Captures of a URL: ``{wayback}/cdx/search/cdx?url=...&output=json&filter=statuscode:200&collapse=digest``
  (the first row is the header: urlkey, timestamp, original, mimetype, statuscode, digest, length).
- A capture's raw bytes: ``{wayback}/web/{timestamp}id_/{original}``.

Requests go through the project's ``Fetcher``: the same politeness (rate limit, robots.txt), size
caps, deadlines and redirect checks as live fetching; the archive's origin is allowed explicitly.
Captures are stored in the raw store under their source's id, with ``method: archive`` and the
capture's timestamp and URL; ``captures.json`` beside them maps timestamps to stored snapshots so a
capture already stored is never fetched again.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit

from .config import Source
from .errors import FetchError
from .fetch import DEFAULT_PORTS, Fetcher, unsafe_url
from .store import Provenance, RawStore, Snapshot, atomic_write, iso_z, pretty_json

INDEX = "captures.json"
log = logging.getLogger("clusterharvest.archive")


@dataclass(frozen=True)
class Capture:
    """One archived capture of a URL."""

    timestamp: str  # YYYYMMDDhhmmss, UTC
    original: str
    mimetype: str | None
    digest: str

    def raw_url(self, base: str) -> str:
        return f"{base}/web/{self.timestamp}id_/{self.original}"

    @property
    def captured(self) -> datetime:
        """When the capture was taken (UTC)."""
        return datetime.strptime(self.timestamp[:14].ljust(14, "0"), "%Y%m%d%H%M%S").replace(tzinfo=UTC)

    @property
    def as_of(self) -> str:
        """The capture time as ISO 8601 ('2019-05-04T10:20:30Z')."""
        return iso_z(self.captured)

    def provenance(self, base: str) -> Provenance:
        """What a snapshot of this capture records about it (its sidecar, then the manifest)."""
        return Provenance(via="archive", capture_timestamp=self.timestamp, capture_url=self.raw_url(base),
                          as_of=self.as_of)


def valid_timestamp(text: str) -> bool:
    """Whether a CDX timestamp is a real date and time (YYYYMMDDhhmmss)."""
    try:
        datetime.strptime(text, "%Y%m%d%H%M%S")
    except ValueError:
        return False
    return len(text) == 14 and text.isdigit()


def page_key(url: str) -> tuple[str, int | None, str, str] | None:
    """What the URLs an archive records for one page share: the host in lower case without a leading 'www.', the
    port unless it is the scheme's default, the path without trailing slashes, the query (the scheme and the
    fragment left out); None for anything but an http(s) URL with a host, and for a URL the fetcher refuses
    whatever its host (``fetch.unsafe_url``: 'http://other.example\\@host/' names no page of ``host``)."""
    url = url.strip()
    if unsafe_url(url) is not None:
        return None
    parts = urlsplit(url)
    port = parts.port
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return (parts.hostname.lower().removeprefix("www."), None if port == DEFAULT_PORTS[scheme] else port,
            parts.path.rstrip("/"), parts.query)


def same_url(original: str, url: str) -> bool:
    """Whether a capture's ``original`` is the page at ``url``: scheme, 'www.', the default port and a trailing
    slash aside ('http://www.interspin.de:80/en/' is 'https://interspin.de/en')."""
    key = page_key(original)
    return key is not None and key == page_key(url)


def parse_cdx(body: bytes, source_id: str) -> list[Capture]:
    """Captures from a CDX JSON answer, oldest first (an empty answer is no captures)."""
    if not body.strip():
        return []
    try:
        rows = json.loads(body)
    except ValueError:
        raise FetchError("archive CDX answer is not JSON", source_id) from None
    if not rows:
        return []
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise FetchError("archive CDX answer is not a JSON array of rows", source_id)
    header = [str(h) for h in rows[0]]
    missing = {"timestamp", "original"} - set(header)
    if missing:
        raise FetchError(f"archive CDX header lacks {sorted(missing)}", source_id)
    out = []
    for row in rows[1:]:
        item = dict(zip(header, row, strict=False))
        if str(item.get("statuscode", "200")) != "200" or not valid_timestamp(str(item.get("timestamp", ""))):
            continue  # not a capture we can date ('20199999999999'): skipped, never a traceback
        out.append(Capture(timestamp=str(item["timestamp"]), original=str(item["original"]),
                           mimetype=item.get("mimetype") or None, digest=str(item.get("digest", ""))))
    return sorted(out, key=lambda c: c.timestamp)


def checked(captures: list[Capture], source: Source, now: datetime | None = None) -> list[Capture]:
    """The captures an archive's answer may contribute: those of the source's own URL (``same_url``), taken up to
    now. A capture of another site's URL would be published as the source's history; one dated in the future
    would become the newest capture and make every later backfill skip the real ones. Each kind left out is a
    warning."""
    now = now or datetime.now(UTC)
    kept: list[Capture] = []
    foreign: list[Capture] = []
    future: list[Capture] = []
    for capture in captures:
        if not same_url(capture.original, source.location):
            foreign.append(capture)
        elif capture.captured > now:
            future.append(capture)
        else:
            kept.append(capture)
    if foreign:
        log.warning("source %s: %d archive capture(s) of another URL not used, e.g. %s of %s (the source is %s)",
                    source.id, len(foreign), foreign[0].timestamp, foreign[0].original, source.location)
    if future:
        log.warning("source %s: %d archive capture(s) dated in the future ignored, e.g. %s (%s)", source.id,
                    len(future), future[0].timestamp, future[0].as_of)
    return kept


class Archive:
    """A Wayback Machine at ``base``, reached through ``fetcher``, storing captures in ``store``."""

    def __init__(self, base: str, fetcher: Fetcher, store: RawStore) -> None:
        self.base = base.rstrip("/")
        self.fetcher = fetcher
        self.store = store

    def captures(self, source: Source, year_from: int | None = None, year_to: int | None = None) -> list[Capture]:
        """Distinct captures (by content digest) of the source's URL with status 200, oldest first, taken up to now
        (``checked``); a FetchError when there is none."""
        query = {"url": source.location, "output": "json", "filter": "statuscode:200", "collapse": "digest"}
        if year_from:
            query["from"] = str(year_from)
        if year_to:
            query["to"] = str(year_to)
        resp = self.fetcher.get(f"{self.base}/cdx/search/cdx?{urlencode(query)}", source.id)
        if resp.status != 200:
            raise FetchError(f"archive CDX query answered HTTP {resp.status}", source.id, status=resp.status)
        found = [c for c in checked(parse_cdx(resp.body, source.id), source)
                 if (not year_from or int(c.timestamp[:4]) >= year_from)
                 and (not year_to or int(c.timestamp[:4]) <= year_to)]
        if not found:
            raise FetchError(f"no archived capture of {source.location} in {self.base}", source.id)
        return found

    def index(self, source_id: str) -> dict[str, str]:
        path = self.store.root / source_id / INDEX
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def stored(self, source: Source, capture: Capture) -> Snapshot | None:
        """The capture's snapshot if it is already in the raw store."""
        sha = self.index(source.id).get(capture.timestamp)
        if not sha:
            return None
        return next((s for s in self.store.snapshots(source.id) if s.sha256 == sha), None)

    def fetch(self, source: Source, capture: Capture) -> Snapshot:
        """A capture's raw bytes into the raw store (or the stored copy when it is there already)."""
        already = self.stored(source, capture)
        if already is not None:
            return self._as_capture(already, capture)
        url = capture.raw_url(self.base)
        resp = self.fetcher.get(url, source.id)
        if resp.status != 200 or not resp.body:
            raise FetchError(f"archived capture {url} answered HTTP {resp.status}", source.id, status=resp.status)
        snap = self.store.save(source.id, source.location, resp.body,
                               content_type=resp.headers.get("content-type") or capture.mimetype, method="archive",
                               provenance=capture.provenance(self.base))
        index = self.index(source.id)
        index[capture.timestamp] = snap.sha256
        atomic_write(self.store.root / source.id / INDEX, pretty_json(index))
        return snap

    def _as_capture(self, snap: Snapshot, capture: Capture) -> Snapshot:
        """A stored snapshot labelled as this capture (two captures may share identical bytes)."""
        captured = capture.provenance(self.base)
        return replace(snap, method="archive", provenance=replace(
            snap.provenance, via=captured.via, capture_timestamp=captured.capture_timestamp,
            capture_url=captured.capture_url, as_of=captured.as_of))

    def newest(self, source: Source) -> Snapshot:
        """The newest capture of the source, fetched (or reused from the store)."""
        return self.fetch(source, self.captures(source)[-1])
