"""The source registry: ``sources.toml`` read into typed, checked settings.

Strict: an unknown key, a value of the wrong type or out of range is a ``ConfigError`` naming the table
and the key, never silently ignored (a misspelt gate must not switch a gate off). Defaults protect: every
directory source has publish gates whether or not any are written down.
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

from .errors import ConfigError, FetchError
from .files import read_regular_file

LANGS = ("en", "de")
# Sources a registry may have: the programme has five, and a few dozen renderings would still be far below. A
# thousand ran into the temporary Prefect server's limits; a registry that long is a mistake, not a need. (A run
# is tagged with its sources' ids up to 50 sources only: flows/harvest.py, MAX_TAGGED_SOURCES.)
MAX_SOURCES = 200
REGISTRY_MAX_BYTES = 1_000_000  # a sources.toml of MAX_SOURCES sources with every gate written is under 100 KB
# Source ids name folders of the raw store: slugs only, never a path.
SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
DEFAULT_USER_AGENT = (
    "clusterharvest/0.1 (harvester of the public record of the BMBF funding measure "
    "'Internationalisation of Leading-Edge Clusters'; obeys robots.txt, 1 request/s per host)"
)
# RFC 9309 2.2.1: a crawler's product token, matched against robots.txt user-agent lines.
PRODUCT_TOKEN = re.compile(r"[A-Za-z_-]+")
# What a User-Agent may hold: visible ASCII and spaces (RFC 9110 5.5; a client encodes header values as ISO-8859-1
# at most, and a line break would start another header).
HEADER_TEXT = re.compile(r"[\x20-\x7e]+")


def product_token(user_agent: str) -> str:
    """The RFC 9309 product token of a User-Agent string: its part before the first '/' ('clusterharvest')."""
    return user_agent.split("/", 1)[0].strip()


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


# The range of each setting (README, "Sources"): timeouts and caps positive, counts at least one, and nothing
# beyond what any real run could want, so a slip ('deadline = inf', 'max_bytes = 10**18') is an error. With the
# largest values a fetch still ends: 10 tries, backoff doubling from 60 s, each response within an hour.
FETCH_MINIMUM: dict[str, float] = {"connect_timeout": 0.001, "read_timeout": 0.001, "deadline": 0.001,
                                   "max_bytes": 1, "min_interval": 0, "max_tries": 1, "backoff": 0,
                                   "max_retry_after": 0, "max_redirects": 0}
FETCH_MAXIMUM: dict[str, float] = {"connect_timeout": 600, "read_timeout": 3600, "deadline": 3600,
                                   "max_bytes": 1_000_000_000, "min_interval": 3600, "max_tries": 10, "backoff": 60,
                                   "max_retry_after": 3600, "max_redirects": 20}


@dataclass(frozen=True)
class Gates:
    """Publish gates of a directory source: a run whose figures break one stops before publishing.

    On by default for every directory source; each can be set per source in ``sources.toml``.
    """

    min_entries: int = 1  # fewer entries (or published records) than this: the page is not the directory
    max_entries: int | None = None  # an absolute cap, where one is known
    max_growth: float = 3.0  # more than this many times the previous version's entries: the page doubled
    max_shrink: float = 0.1  # a larger share fewer than the previous (or the largest recent) version
    max_quarantined: float = 0.1  # a larger share of the entries could not become records
    max_duplicates: int = 0  # entries that repeat another entry line for line (a page rendered twice)
    # Value gates (``gates.py``), on the records that would be published, against the previous version:
    max_value_loss: float = 0.1  # a share of records with a value (a phone, ...) falling by more (0.1: 10 points)
    max_new_issues: int = 10  # new issues beyond both this and the previous count (so: more than double, and +10)


GATE_MINIMUM: dict[str, float] = {"min_entries": 0, "max_entries": 1, "max_growth": 1, "max_shrink": 0,
                                  "max_quarantined": 0, "max_duplicates": 0, "max_value_loss": 0,
                                  "max_new_issues": 0}
# Shares are at most 1; counts of entries at most what a directory may have at all (``MAX_ENTRIES``, 100,000).
GATE_MAXIMUM: dict[str, float] = {"min_entries": 100_000, "max_entries": 100_000, "max_growth": 1000,
                                  "max_shrink": 1, "max_quarantined": 1, "max_duplicates": 100_000,
                                  "max_value_loss": 1, "max_new_issues": 1_000_000}


@dataclass(frozen=True)
class Source:
    """One registered source."""

    id: str
    url: str  # as written in the registry
    kind: str
    lang: str
    location: str  # resolved: an http(s) URL, or an absolute file path
    gates: Gates = field(default_factory=Gates)
    round: int | None = None  # announcements: the round the post announces where its text does not say
    archive: bool = True  # fall back to the web archive when the live source is gone

    @property
    def is_file(self) -> bool:
        """True for sources read from the local file system."""
        return not self.location.startswith(("http://", "https://"))


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


PORT_RANGE = "the port must be a number from 1 to 65535"


def valid_port(parts: SplitResult) -> bool:
    """Whether a split URL's port, if it has one, is a TCP port (1 to 65535): 'http://host:99999/' passes urlsplit
    and fails only when a request is made."""
    try:
        return parts.port is None or 1 <= parts.port <= 65535
    except ValueError:  # out of range, or not a number ('-1')
        return False


def resolve_location(url: str, base: Path) -> str:
    """An http(s) URL as is; a file:// URL or a path relative to ``base`` as an absolute path."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as exc:  # 'http://[::1/dir': an unclosed IPv6 bracket
        raise ConfigError(f"url {url!r} is not a valid URL ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if not host:
            raise ConfigError(f"url {url!r} has no host")
        if "\\" in url or parts.username is not None or parts.password is not None:
            raise ConfigError(f"url {url!r}: backslashes and user names are not allowed in source URLs")
        if not valid_port(parts):
            raise ConfigError(f"url {url!r}: {PORT_RANGE}")
        return f"{scheme}{url[len(scheme):]}"  # 'HTTP://...' is an http URL, never a file path
    if scheme == "file":
        return str(Path(parts.path).resolve())
    if scheme and len(scheme) > 1:  # a one-letter scheme is a Windows drive
        raise ConfigError(f"url {url!r}: only http, https, file and relative paths are allowed")
    return str((base / url).resolve())


def typed(where: str, key: str, value: Any, kind: type, minimum: float | None = None,
          maximum: float | None = None) -> Any:
    """A setting's value checked for its type (an int is a float too, a bool is neither) and range."""
    ok = isinstance(value, kind) and not isinstance(value, bool) if kind is not bool else isinstance(value, bool)
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        ok, value = True, float(value)
    if not ok:
        name = {float: "a number", int: "a whole number", str: "a string", bool: "true or false"}[kind]
        raise ConfigError(f"{where}: {key} must be {name}, not {value!r}")
    if kind is float and not math.isfinite(value):  # nan passes every comparison with a bound: refused first
        raise ConfigError(f"{where}: {key} must be a finite number, not {value!r}")
    if minimum is not None and value < minimum:
        raise ConfigError(f"{where}: {key} must be at least {minimum:g}, not {value!r}")
    if maximum is not None and value > maximum:
        raise ConfigError(f"{where}: {key} must be at most {maximum:g}, not {value!r}")
    return value


def field_types(cls: type) -> dict[str, type]:
    """A settings dataclass's fields and the type each takes (``int | None`` -> int)."""
    names = {"str": str, "int": int, "float": float, "bool": bool, "int | None": int}
    return {f.name: names[str(f.type)] for f in fields(cls)}


def read_table(where: str, table: Any, cls: type, minimum: dict[str, float],
               maximum: dict[str, float] | None = None) -> dict[str, Any]:
    """The settings of one TOML table for a settings dataclass: unknown keys and bad values are errors."""
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table, not {table!r}")
    types = field_types(cls)
    unknown = sorted(set(table) - set(types))
    if unknown:
        raise ConfigError(f"{where}: unknown settings {unknown} (known: {', '.join(types)})")
    return {k: typed(where, k, v, types[k], minimum.get(k), (maximum or {}).get(k)) for k, v in table.items()}


SOURCE_KEYS = ("id", "url", "kind", "lang", "round", "archive")


def read_source(path: Path, n: int, table: Any, seen: set[str]) -> Source:
    """One ``[[source]]`` table."""
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: source #{n} must be a table, not {table!r}")
    missing = [k for k in ("id", "url", "kind", "lang") if k not in table or table[k] in ("", None)]
    if missing:
        raise ConfigError(f"{path}: source #{n} lacks {', '.join(missing)}")
    for key in ("id", "url", "kind", "lang"):
        typed(f"{path}: source #{n}", key, table[key], str)
    sid = table["id"]
    if not SOURCE_ID.match(sid):
        raise ConfigError(f"{path}: source id {sid!r} must be a slug (lower-case letters, digits, '.', '-', '_'; "
                          "no path)")
    where = f"{path}: source {sid!r}"
    if sid in seen:
        raise ConfigError(f"{path}: duplicate source id {sid!r}")
    from .kinds import kind_names, kind_of  # the parsers, imported only once a registry is read

    if table["kind"] not in kind_names():
        raise ConfigError(f"{where} has unknown kind {table['kind']!r} (known: {', '.join(kind_names())})")
    if table["lang"] not in LANGS:
        raise ConfigError(f"{where} has unknown lang {table['lang']!r} (known: {', '.join(LANGS)})")
    gate_keys = {k: v for k, v in table.items() if k not in SOURCE_KEYS}
    if gate_keys and not kind_of(table["kind"]).gives_records:
        raise ConfigError(f"{where}: unknown settings {sorted(gate_keys)} (publish gates are for directory "
                          "sources)")
    gates = Gates(**read_table(where, gate_keys, Gates, GATE_MINIMUM, GATE_MAXIMUM))
    round_number = typed(where, "round", table["round"], int, 1, 99) if "round" in table else None
    archive = typed(where, "archive", table["archive"], bool) if "archive" in table else True
    try:
        location = resolve_location(table["url"], path.parent)
    except ConfigError as exc:
        raise ConfigError(f"{where}: {exc}") from None
    return Source(sid, table["url"], table["kind"], table["lang"], location, gates, round_number, archive)


def load_registry(path: str | Path) -> Registry:
    """Read and check a ``sources.toml``.

    Args:
        path: the registry file; relative source paths are resolved against its folder.

    Returns:
        The registry, every source checked for id, url, kind, lang and options.

    Raises:
        ConfigError: one line naming the file, the table and the key at fault; for a file that is no regular
            file (a FIFO, ``/dev/zero``) or is over ``REGISTRY_MAX_BYTES``, naming the file.
    """
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: sources file not found")
    try:
        data = tomllib.loads(read_regular_file(path, REGISTRY_MAX_BYTES).decode("utf-8"))
    except FetchError as exc:  # a FIFO, a device, a folder, a file over the cap, an unreadable file
        raise ConfigError(f"{path}: {exc.message.removeprefix(f'{path} ')}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    unknown = sorted(set(data) - {"fetch", "archive", "source"})
    if unknown:
        raise ConfigError(f"{path}: unknown tables or keys {unknown} (known: [fetch], [archive], [[source]])")
    fetch = FetchSettings(**read_table(f"{path}: [fetch]", data.get("fetch", {}), FetchSettings, FETCH_MINIMUM,
                                       FETCH_MAXIMUM))
    if not HEADER_TEXT.fullmatch(fetch.user_agent):
        raise ConfigError(f"{path}: [fetch]: user_agent must be printable ASCII (it is sent as the User-Agent "
                          f"header), not {fetch.user_agent!r}")
    if not PRODUCT_TOKEN.fullmatch(product_token(fetch.user_agent)):
        raise ConfigError(f"{path}: [fetch]: user_agent must start with a product token (letters, '_', '-'; RFC 9309) "
                          f"before its first '/', not {fetch.user_agent!r}")
    tables = data.get("source", [])
    if not isinstance(tables, list):
        raise ConfigError(f"{path}: sources are [[source]] tables (an array of tables), not [source]")
    if len(tables) > MAX_SOURCES:
        raise ConfigError(f"{path}: {len(tables)} [[source]] tables, more than the {MAX_SOURCES} a registry may have")
    sources: list[Source] = []
    for n, table in enumerate(tables, 1):
        sources.append(read_source(path, n, table, {s.id for s in sources}))
    if not sources:
        raise ConfigError(f"{path}: no [[source]] tables")
    archive = read_table(f"{path}: [archive]", data.get("archive", {}), Archive, {})
    wayback = archive.get("wayback")
    if wayback is not None:
        try:
            parts = urlsplit(wayback)
        except ValueError:
            parts = urlsplit("")
        if parts.scheme not in ("http", "https"):
            raise ConfigError(f"{path}: [archive] wayback must be an http(s) URL, not {wayback!r}")
        if not valid_port(parts):
            raise ConfigError(f"{path}: [archive] wayback {wayback!r}: {PORT_RANGE}")
    return Registry(path=path, sources=tuple(sources), fetch=fetch,
                    wayback=str(wayback).rstrip("/") if wayback else None)


@dataclass(frozen=True)
class Archive:
    """The ``[archive]`` table."""

    wayback: str = ""
