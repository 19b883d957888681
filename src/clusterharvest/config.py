"""The source registry: ``sources.toml`` read into typed settings."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ConfigError

KINDS = ("programme-page", "flyer", "announcement", "cluster-directory")
LANGS = ("en", "de")
DEFAULT_USER_AGENT = (
    "clusterharvest/0.1 (harvester of the public record of the BMBF funding measure "
    "'Internationalisation of Leading-Edge Clusters'; obeys robots.txt, 1 request/s per host)"
)


@dataclass(frozen=True)
class FetchSettings:
    """Politeness and safety limits for every request."""

    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    deadline: float = 120.0  # total seconds for one response, however slowly it trickles in
    max_bytes: int = 20_000_000  # cap on decoded body bytes
    min_interval: float = 1.0  # seconds between two requests to one host
    max_tries: int = 4
    backoff: float = 1.0  # first retry delay; doubles per try
    max_retry_after: float = 300.0  # a server asking for a longer wait is treated as a failure
    max_redirects: int = 5
    obey_robots: bool = True


@dataclass(frozen=True)
class Source:
    """One registered source."""

    id: str
    url: str  # as written in the registry
    kind: str
    lang: str
    location: str  # resolved: an http(s) URL, or an absolute file path
    gates: dict[str, float] = field(default_factory=dict)

    @property
    def is_file(self) -> bool:
        """True for sources read from the local file system."""
        return not self.location.startswith(("http://", "https://"))

    @property
    def host(self) -> str | None:
        """Host name of an http(s) source, lower-cased."""
        return None if self.is_file else (urlsplit(self.location).hostname or "").lower()


@dataclass(frozen=True)
class Registry:
    """Everything ``sources.toml`` configures."""

    path: Path
    sources: tuple[Source, ...]
    fetch: FetchSettings
    wayback: str | None = None  # [archive] wayback: base URL of a Wayback Machine (CDX API and raw captures)

    def get(self, source_id: str) -> Source:
        """The source with this id, or a ConfigError."""
        for source in self.sources:
            if source.id == source_id:
                return source
        raise ConfigError(f"{self.path}: no source with id {source_id!r}")

    @property
    def hosts(self) -> frozenset[str]:
        """Hosts the fetcher may talk to: those of the configured sources."""
        return frozenset(s.host for s in self.sources if s.host)


def resolve_location(url: str, base: Path) -> str:
    """An http(s) URL as is; a file:// URL or a path relative to ``base`` as an absolute path."""
    parts = urlsplit(url)
    if parts.scheme in ("http", "https"):
        if not parts.hostname:
            raise ConfigError(f"url {url!r} has no host")
        return url
    if parts.scheme == "file":
        return str(Path(parts.path).resolve())
    if parts.scheme and len(parts.scheme) > 1:  # a one-letter scheme is a Windows drive
        raise ConfigError(f"url {url!r}: only http, https, file and relative paths are allowed")
    return str((base / url).resolve())


def load_registry(path: str | Path) -> Registry:
    """Read and check a ``sources.toml``.

    Args:
        path: the registry file; relative source paths are resolved against its folder.

    Returns:
        The registry, every source checked for id, url, kind and lang.
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: sources file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    fetch_keys = FetchSettings.__dataclass_fields__
    unknown = set(data.get("fetch", {})) - set(fetch_keys)
    if unknown:
        raise ConfigError(f"{path}: unknown [fetch] settings {sorted(unknown)}")
    fetch = FetchSettings(**data.get("fetch", {}))
    sources: list[Source] = []
    for i, table in enumerate(data.get("source", [])):
        missing = [k for k in ("id", "url", "kind", "lang") if not table.get(k)]
        if missing:
            raise ConfigError(f"{path}: source #{i + 1} lacks {', '.join(missing)}")
        if table["kind"] not in KINDS:
            raise ConfigError(f"{path}: source {table['id']!r} has unknown kind {table['kind']!r}")
        if table["lang"] not in LANGS:
            raise ConfigError(f"{path}: source {table['id']!r} has unknown lang {table['lang']!r}")
        if any(s.id == table["id"] for s in sources):
            raise ConfigError(f"{path}: duplicate source id {table['id']!r}")
        try:
            location = resolve_location(table["url"], path.parent)
        except ConfigError as exc:
            raise ConfigError(f"{path}: source {table['id']!r}: {exc}") from None
        gates = {k: v for k, v in table.items() if k not in ("id", "url", "kind", "lang")}
        sources.append(Source(table["id"], table["url"], table["kind"], table["lang"], location, gates))
    if not sources:
        raise ConfigError(f"{path}: no [[source]] tables")
    archive = data.get("archive", {})
    unknown = set(archive) - {"wayback"}
    if unknown:
        raise ConfigError(f"{path}: unknown [archive] settings {sorted(unknown)}")
    wayback = archive.get("wayback")
    if wayback is not None and urlsplit(str(wayback)).scheme not in ("http", "https"):
        raise ConfigError(f"{path}: [archive] wayback must be an http(s) URL, not {wayback!r}")
    return Registry(path=path, sources=tuple(sources), fetch=fetch,
                    wayback=str(wayback).rstrip("/") if wayback else None)
