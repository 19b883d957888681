"""Polite, bounded HTTP and file fetching into the raw store.

Every request: a descriptive User-Agent, robots.txt obeyed, at most one request per
``min_interval`` per host, connect/read timeouts plus a total deadline, a cap on decoded
bytes, retries with backoff on 408/429/5xx and connection errors (``Retry-After`` honoured),
redirects followed by hand so each hop is re-checked against the configured hosts.
"""

from __future__ import annotations

import contextlib
import email.utils
import errno
import logging
import mimetypes
import re
import socket
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
import urllib3.connection
import urllib3.connectionpool
import urllib3.exceptions
import urllib3.util
from protego import Protego
from requests.adapters import HTTPAdapter

from .config import FetchSettings, Source, product_token
from .errors import FetchError
from .files import read_regular_file
from .parse.text import looks_like_html
from .store import Provenance, RawStore, Snapshot, sha256_hex, utc_now

RETRY_STATUS = frozenset({408, 429, 500, 502, 503, 504})
REDIRECT_STATUS = frozenset({301, 302, 303, 307, 308})
ROBOTS_MAX_BYTES = 512_000  # RFC 9309 2.5: a parsing limit of at least 500 KiB
ROBOTS_MAX_REDIRECTS = 5  # RFC 9309 2.3.1.2: follow at least five consecutive redirects
ROBOTS_DISALLOW_ALL = "User-agent: *\nDisallow: /"
# The product token a user-agent line names: '*' (alone or before a space), else its leading letters, '_' and
# '-', as Google's reference parser reads it ('User-agent: ExampleBot/1.0' names examplebot).
ROBOTS_AGENT = re.compile(r"\*(?!\S)|[A-Za-z_-]+")
DEFAULT_PORTS = {"http": 80, "https": 443}
# Why a connection was never made, in a few words (the message keeps the system's words): by getaddrinfo's
# error for a name that did not resolve, by errno for a connection the network or the host refused.
DNS_FAILURES = {socket.EAI_NONAME: "no such host", socket.EAI_AGAIN: "temporary failure",
                getattr(socket, "EAI_NODATA", socket.EAI_NONAME): "no address"}
CONNECT_FAILURES = {errno.ECONNREFUSED: "connection refused", errno.ENETUNREACH: "network unreachable",
                    errno.EHOSTUNREACH: "no route to host", errno.EADDRNOTAVAIL: "address not available"}


@dataclass(frozen=True)
class Response:
    """A complete, size-checked response."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes


def origin(url: str) -> tuple[str, int]:
    """(host, port) of an http(s) URL, the port defaulted by scheme."""
    parts = urlsplit(url)
    return (parts.hostname or "").lower(), parts.port or DEFAULT_PORTS.get(parts.scheme, 0)


def ip_literal(host: str) -> str:
    """A host as urlsplit gives it: an IPv6 literal without its brackets ('[::1]' -> '::1')."""
    return host[1:-1] if host.startswith("[") and host.endswith("]") else host


def allowed_origins(sources: tuple[Source, ...] | list[Source]) -> frozenset[tuple[str, int]]:
    """Origins the fetcher may contact; a default-port source allows both http and https."""
    out: set[tuple[str, int]] = set()
    for source in sources:
        if source.is_file:
            continue
        host, port = origin(source.location)
        out.add((host, port))
        if port in DEFAULT_PORTS.values():
            out.update((host, p) for p in DEFAULT_PORTS.values())
    return frozenset(out)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (now if now is not None else time.time()))


class HostLimiter:
    """At most one request per interval per host, across threads."""

    def __init__(self, interval: float, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        """Picklable (a task on another process gets its own limiter; the lock is not copied)."""
        return {k: v for k, v in self.__dict__.items() if k != "_lock"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def wait(self, host: str) -> None:
        """Block until a request to ``host`` is allowed, and book that slot."""
        with self._lock:
            now = self.clock()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + self.interval
        if slot > now:
            self.sleep(slot - now)


class ResponseWatch:
    """The total deadline of one response, from the request to its last byte: at the deadline the socket of the
    connection in use is shut down, so a read blocked on a server that trickles its status line, headers or body
    a byte at a time (each byte inside the read timeout) ends there. A blocked thread cannot be interrupted; its
    socket can. Used as a context manager around one request on this thread."""

    current = threading.local()  # the watch of the request this thread is making, if any

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._fired = self._over = False
        self._timer = threading.Timer(seconds, self.fire)
        self._timer.daemon = True

    def __enter__(self) -> ResponseWatch:
        ResponseWatch.current.watch = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()
        with self._lock:
            self._over = True  # a socket back in the pool is never shut down by this watch
        ResponseWatch.current.watch = None

    @property
    def expired(self) -> bool:
        """Whether the deadline has passed."""
        return self._fired or time.monotonic() >= self.deadline

    def attach(self, sock: socket.socket) -> None:
        """Watch the socket a response is read from (shut at once if the deadline has passed)."""
        with self._lock:
            if self._over:
                return
            self._sockets.append(sock)
            if self._fired:
                shut(sock)

    def fire(self) -> None:
        """The deadline: shut every watched socket."""
        with self._lock:
            if self._over:
                return
            self._fired = True
            for sock in self._sockets:
                shut(sock)

    def error(self, url: str, source_id: str) -> FetchError:
        """The failure of a response cut off at the deadline (final: a retry would only take as long again)."""
        return FetchError(f"{url} not received within the total deadline ({self.seconds:g}s)", source_id,
                          reason=f"over the total deadline ({self.seconds:g}s)")


def shut(sock: socket.socket) -> None:
    """Shut a socket down for reading and writing, so a read blocked on it in another thread returns."""
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the plain socket's: a TLS socket's would drop its state


class WatchedConnection(urllib3.connection.HTTPConnection):
    """An HTTP connection whose socket the current request's ``ResponseWatch`` may shut."""

    def getresponse(self) -> urllib3.response.HTTPResponse:  # type: ignore[override]
        watch = getattr(ResponseWatch.current, "watch", None)
        if watch is not None and self.sock is not None:
            watch.attach(self.sock)
        return super().getresponse()


class WatchedHTTPSConnection(WatchedConnection, urllib3.connection.HTTPSConnection):
    """The same for HTTPS."""


class WatchedPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = WatchedConnection


class WatchedHTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = WatchedHTTPSConnection


class WatchedAdapter(HTTPAdapter):
    """requests' adapter with connections a ``ResponseWatch`` can cut off while the headers are read."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": WatchedPool, "https": WatchedHTTPSPool}


class HandRedirectSession(requests.Session):
    """A session that leaves redirects to the fetcher (``Fetcher.get``): requests works out a redirect's next
    request even with ``allow_redirects=False``, reading its Location as UTF-8, which raised UnicodeDecodeError
    for a Location in ISO-8859-1 ('/St\\xe4dte')."""

    def get_redirect_target(self, resp: requests.Response) -> None:
        return None


class Transport:
    """One GET at a time, no redirects followed: this thread's HTTP session, the per-host rate limit, the
    connect/read timeouts, a total deadline from the request to the last byte (``ResponseWatch``), the size cap,
    and a check of the address actually connected to."""

    def __init__(self, settings: FetchSettings, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self.limiter = HostLimiter(settings.min_interval, sleep=sleep)
        self._local = threading.local()  # one requests.Session per thread: sessions are not thread-safe

    def __getstate__(self) -> dict[str, Any]:
        """Picklable, for task runners that run tasks in other processes (Dask): sessions are per process."""
        return {k: v for k, v in self.__dict__.items() if k != "_local"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._local = threading.local()

    @property
    def session(self) -> requests.Session:
        """This thread's HTTP session."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = HandRedirectSession()
            session.headers.update({"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate"})
            session.trust_env = False  # no proxies or .netrc from the environment: only configured hosts
            for prefix in ("http://", "https://"):
                session.mount(prefix, WatchedAdapter())
            self._local.session = session
        return session

    def request_once(self, url: str, source_id: str, headers: dict[str, str], max_bytes: int) -> Response:
        """One GET, streamed under the size cap and the total deadline (status line, headers and body)."""
        s = self.settings
        self.limiter.wait(origin(url)[0])
        with ResponseWatch(s.deadline) as watch:
            try:
                raw = self.session.get(url, headers=headers, stream=True, allow_redirects=False,
                                       timeout=(min(s.connect_timeout, s.deadline), s.read_timeout))
            except requests.exceptions.RequestException as exc:
                raise request_error(exc, url, source_id, watch) from None
            try:
                check_peer(raw, url, source_id)
                body = read_capped(raw, url, source_id, max_bytes, watch)
            finally:
                raw.close()
        hdrs = {k.lower(): v for k, v in raw.headers.items()}
        return Response(url=url, status=raw.status_code, headers=hdrs, body=body)


def request_error(exc: requests.exceptions.RequestException, url: str, source_id: str,
                  watch: ResponseWatch) -> FetchError:
    """The FetchError of a request that got no status line and headers. Only a connection never made (refused,
    DNS failure) is ``unreachable``, the sign of a server that may be gone; a server that accepted the connection
    and then answered malformed (too many or too long headers) or broke it is a transient failure."""
    if watch.expired:
        return watch.error(url, source_id)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return FetchError(f"timed out connecting to {url}", source_id, transient=True, reason="connect timed out")
    if isinstance(exc, requests.exceptions.Timeout):
        return FetchError(f"timed out waiting for the answer from {url}", source_id, transient=True,
                          reason="read timed out")
    if isinstance(exc, requests.exceptions.ConnectionError):
        reason = exc.args[0] if exc.args else exc
        reason = getattr(reason, "reason", None) or reason  # a MaxRetryError's
        if isinstance(reason, urllib3.exceptions.NewConnectionError):  # refused, no route, DNS failure
            return FetchError(f"cannot connect to {url}: {short_reason(reason.__cause__ or reason)}", source_id,
                              transient=True, unreachable=True, reason=connect_failure(reason))
        if isinstance(reason, urllib3.exceptions.ProtocolError) and len(reason.args) == 2:
            reason = reason.args[1]  # ('Connection aborted.', what went wrong)
        return FetchError(f"{url} answered with a broken or malformed response: {short_reason(reason)}", source_id,
                          transient=True)
    return FetchError(f"request to {url} failed: {short_reason(exc)}", source_id)


def connect_failure(error: urllib3.exceptions.NewConnectionError) -> str:
    """Why a connection was never made, in a few words: 'DNS: no such host', 'connection refused', ..."""
    cause = error.__cause__
    if isinstance(cause, socket.gaierror) or isinstance(error, urllib3.exceptions.NameResolutionError):
        code = getattr(cause, "errno", None)
        return "DNS: " + DNS_FAILURES.get(code, str(getattr(cause, "strerror", None) or "no address").lower())
    if isinstance(cause, OSError) and cause.errno in CONNECT_FAILURES:
        return CONNECT_FAILURES[cause.errno]
    return str(getattr(cause, "strerror", None) or "no connection").lower()


def check_peer(raw: requests.Response, url: str, source_id: str) -> None:
    """The address actually connected to must be one the URL's host resolves to: whatever a URL parser made of
    the URL, bytes from another machine are never taken."""
    connection = getattr(raw.raw, "_connection", None)
    sock = getattr(connection, "sock", None)
    if sock is None:
        return  # no socket to ask (the body came with the headers and the connection is back in the pool)
    peer = sock.getpeername()[0]
    host, port = origin(url)
    try:
        expected = {info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
    except OSError:
        expected = set()
    if peer not in expected:
        raw.close()
        raise FetchError(f"refused {url}: connected to {peer}, not to an address of {host}", source_id)


class Retrying:
    """Retries of one URL on 408/429/5xx and connection errors, with exponential backoff, honouring
    ``Retry-After`` (a wait longer than ``max_retry_after`` is a failure): the one retry layer. A connection
    never made (refused, a name that does not resolve, no route) is not retried: it is what a network outage
    or a gone server looks like, neither of which passes within the seconds a retry waits, and the source
    falls back to the web archive at once."""

    def __init__(self, transport: Transport, log: logging.Logger, sleep: Callable[[float], None] = time.sleep) -> None:
        self.transport = transport
        self.settings = transport.settings
        self.log = log
        self.sleep = sleep

    def get(self, url: str, source_id: str, headers: dict[str, str], max_bytes: int | None = None) -> Response:
        """One URL, retried as transient failures allow; no redirect following."""
        s = self.settings
        last: FetchError | None = None
        for attempt in range(1, s.max_tries + 1):
            try:
                resp = self.transport.request_once(url, source_id, headers, max_bytes or s.max_bytes)
            except FetchError as exc:
                if not exc.transient or exc.unreachable:
                    raise
                last, wait = exc, s.backoff * 2 ** (attempt - 1)
            else:
                if resp.status not in RETRY_STATUS:
                    return resp
                last = FetchError(f"HTTP {resp.status} from {url}", source_id, transient=True,
                                  status=resp.status, reason=f"HTTP {resp.status}")
                wait = s.backoff * 2 ** (attempt - 1)
                asked = parse_retry_after(resp.headers.get("retry-after"))
                if asked is not None:
                    if asked > s.max_retry_after:
                        raise FetchError(f"HTTP {resp.status} from {url} asks to retry after {asked:.0f}s, "
                                         f"more than the {s.max_retry_after:.0f}s allowed", source_id,
                                         status=resp.status, reason=f"HTTP {resp.status}, retry after {asked:.0f}s")
                    wait = max(asked, 0.0)
            if attempt < s.max_tries:
                self.log.warning("%s: %s; retry %d/%d in %.1fs", source_id, last.message, attempt,
                                 s.max_tries - 1, wait)
                self.sleep(wait)
        assert last is not None
        raise FetchError(f"{last.message} (gave up after {s.max_tries} tries)", source_id, transient=True,
                         status=last.status, unreachable=last.unreachable,
                         reason=f"{last.brief}, {s.max_tries} tries")


def unsafe_url(url: str) -> str | None:
    """Why the fetcher refuses a URL whatever its host, or None: not a valid URL (a port out of range too), a
    scheme other than http(s), or a URL that parsers read differently: a backslash or user info
    ('http://evil\\@good/') makes urlsplit see one host while urllib3 connects to another, so neither is allowed
    at all."""
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        parts.port  # noqa: B018 - raises for a port out of range ('http://host:99999/') or not a number
        connected_host = urllib3.util.parse_url(url).host or ""
    except ValueError as exc:
        return f"not a valid URL ({exc})"
    if scheme not in ("http", "https"):
        return f"scheme {scheme or 'none'!r} not allowed"
    if "\\" in url or "@" in parts.netloc:
        return "backslashes and user info are not allowed in URLs"
    if ip_literal(connected_host).lower() != (parts.hostname or ""):  # urllib3 keeps an IPv6 literal's brackets
        return f"URL parsers read its host differently ({connected_host!r} or {parts.hostname!r})"
    return None


class HostPolicy:
    """Where the fetcher may go: http(s) only, only the configured origins, no URL that parsers read
    differently, and what each host's robots.txt allows our product token (RFC 9309, see ``load_robots``).
    An origin found unreachable (no connection made) is not tried again by this fetcher: one try per host."""

    def __init__(self, origins: frozenset[tuple[str, int]], retrying: Retrying, obey_robots: bool = True) -> None:
        self.origins = origins
        self.retrying = retrying
        self.obey_robots = obey_robots
        self._robots: dict[tuple[str, str, int], Protego] = {}
        self._robots_lock = threading.Lock()
        self._unreachable: dict[tuple[str, int], FetchError] = {}

    def __getstate__(self) -> dict[str, Any]:
        """Picklable: the robots.txt cache, what was unreachable, and the lock are per process."""
        return {k: v for k, v in self.__dict__.items() if k not in ("_robots", "_robots_lock", "_unreachable")}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._robots = {}
        self._robots_lock = threading.Lock()
        self._unreachable = {}

    def check(self, url: str, source_id: str, redirect: bool = False) -> None:
        """Refuse a URL (or a redirect's target) the fetcher may not fetch, with the reason; an unreachable
        FetchError, without a request, for an origin found unreachable before."""
        self.check_url(url, source_id, redirect)
        known = self._unreachable.get(origin(url))
        if known is not None:
            raise FetchError(known.message, source_id, transient=True, unreachable=True, reason=known.reason)
        if self.obey_robots and not self.robots_allows(url, source_id):
            raise FetchError(f"robots.txt disallows {url}", source_id)

    def unreachable(self, url: str, error: FetchError) -> None:
        """Remember that ``url``'s origin could not be connected to (``error``), for the rest of this fetcher's
        life (a run): later requests there fail at once."""
        self._unreachable.setdefault(origin(url), error)

    def check_url(self, url: str, source_id: str, redirect: bool = False) -> None:
        """Refuse a URL ``unsafe_url`` refuses, and hosts other than the configured sources'."""
        what = "redirect to" if redirect else "url"
        reason = unsafe_url(url)
        if reason:
            raise FetchError(f"refused {what} {url}: {reason}", source_id)
        if origin(url) not in self.origins:
            host, port = origin(url)
            raise FetchError(f"refused {what} {url}: host {f'[{host}]' if ':' in host else host}:{port} is not a "
                             "configured source", source_id)

    def robots_allows(self, url: str, source_id: str) -> bool:
        """Whether the host's robots.txt lets our product token fetch ``url`` (read once per process)."""
        parts = urlsplit(url)
        key = (parts.scheme, *origin(url))
        with self._robots_lock:
            rules = self._robots.get(key)
            if rules is None:
                try:
                    rules = self.load_robots(f"{parts.scheme}://{parts.netloc}/robots.txt", source_id)
                except FetchError as exc:
                    if exc.unreachable:
                        self.unreachable(url, exc)
                    raise
                self._robots[key] = rules
        return rules.can_fetch(url, "*")  # the rules' one group holds what applies to us

    def load_robots(self, robots_url: str, source_id: str) -> Protego:
        """Fetch robots.txt and keep the rules for our product token (RFC 9309 2.3): a 200 is read by
        ``robots_rules``; a 4xx allows all; a 5xx, a timeout or any other failure disallows all; redirects
        are followed up to five hops within the configured origins and the rules found apply to this host
        (more hops, a loop or another host: disallow all). A host that refuses connections raises an
        unreachable FetchError, since the page cannot be fetched either."""
        url = robots_url
        seen: list[str] = []
        try:
            while True:
                resp = self.retrying.get(url, source_id, {}, max_bytes=ROBOTS_MAX_BYTES)
                if resp.status not in REDIRECT_STATUS:
                    break
                url = redirect_target(resp, seen, ROBOTS_MAX_REDIRECTS, source_id)
                self.check_url(url, source_id, redirect=True)
        except FetchError as exc:
            if exc.unreachable:
                raise FetchError(f"cannot connect to {origin(url)[0]} (robots.txt: {exc.message})",
                                 source_id, transient=True, unreachable=True, reason=exc.reason) from None
            self.retrying.log.warning("%s: robots.txt not read (%s): treating the host as disallowed",
                                      source_id, exc.message)
            return Protego.parse(ROBOTS_DISALLOW_ALL)
        if resp.status == 200:
            return robots_rules(resp.body, product_token(self.retrying.settings.user_agent))
        if 400 <= resp.status < 500:
            return Protego.parse("")  # no rules: everything allowed
        return Protego.parse(ROBOTS_DISALLOW_ALL)


def robots_groups(text: str) -> list[tuple[list[str], list[str]]]:
    """The groups of a robots.txt (RFC 9309 2.1-2.2): per group, the lower-cased product tokens of its
    user-agent lines and its rules ('allow: /path', 'disallow: /path'). Consecutive user-agent lines start
    one group and a rule ends its list of agents; any other record (Sitemap, Crawl-delay, unknown) neither
    starts nor ends a group (2.2.4), and rules before the first user-agent line belong to none (2.2.2)."""
    groups: list[tuple[list[str], list[str]]] = []
    naming = False  # inside a run of user-agent lines
    for line in re.split(r"\r\n|\r|\n", text):
        key, colon, value = line.split("#", 1)[0].partition(":")
        key, value = key.strip().lower(), value.strip()
        if not colon:
            continue
        if key == "user-agent":
            if not naming:
                groups.append(([], []))
                naming = True
            agent = ROBOTS_AGENT.match(value)
            groups[-1][0].append(agent.group().lower() if agent else "")
        elif key in ("allow", "disallow"):
            naming = False
            if groups:
                groups[-1][1].append(f"{key}: {value}")
    return groups


def robots_rules(body: bytes, token: str) -> Protego:
    """The rules of a robots.txt body for the crawler with this product token, as a Protego parser with one
    ``*`` group (RFC 9309): the body read as UTF-8 without a byte-order mark; the rules of every group naming
    the token (case-insensitive, whole token: 'cluster' does not name 'clusterharvest') merged, else of every
    ``*`` group, else none (allow all). Protego then matches them: ``*`` and ``$``, the longest match wins,
    Allow wins a tie."""
    groups = robots_groups(body.decode("utf-8-sig", errors="replace"))
    chosen = [rules for agents, rules in groups if token.lower() in agents] \
        or [rules for agents, rules in groups if "*" in agents]
    return Protego.parse("\n".join(["User-agent: *", *(rule for rules in chosen for rule in rules)]))


class Fetcher:
    """Fetches http(s) sources into a raw store under one set of limits: redirects followed by hand, each hop
    checked by the host policy, each request retried by the retry layer over the transport, and conditional
    GETs against the stored snapshot. (File sources are read by ``read_file_source``, not fetched.)"""

    def __init__(self, settings: FetchSettings, store: RawStore, sources: tuple[Source, ...] | list[Source],
                 log: logging.Logger | None = None, sleep: Callable[[float], None] = time.sleep,
                 extra_origins: tuple[str, ...] = ()) -> None:
        """``extra_origins``: URLs of further services the fetcher may contact (the web archive)."""
        self.settings = settings
        self.store = store
        self.log = log or logging.getLogger("clusterharvest.fetch")
        self.transport = Transport(settings, sleep)
        self.retrying = Retrying(self.transport, self.log, sleep)
        self.policy = HostPolicy(allowed_origins(sources) | {origin(url) for url in extra_origins}, self.retrying,
                                 settings.obey_robots)

    @property
    def origins(self) -> frozenset[tuple[str, int]]:
        """The origins the fetcher may contact."""
        return self.policy.origins

    def fetch(self, source: Source) -> Snapshot:
        """GET an http(s) source conditionally into the store.

        Args:
            source: a registered http(s) source.

        Returns:
            The snapshot: newly stored, or the stored one refreshed by a 304.

        Raises:
            FetchError: naming the source and the reason; ``transient`` if a retry may help.
        """
        previous = self.store.latest(source.id)
        headers = {}
        if previous and previous.etag:
            headers["If-None-Match"] = previous.etag
        if previous and previous.last_modified:
            headers["If-Modified-Since"] = previous.last_modified
        resp = self.get(source.location, source.id, headers)
        if resp.status == 304:
            if previous is None:
                raise FetchError("server answered 304 but no snapshot is stored", source.id)
            self.log.info("%s: not modified, reusing snapshot %s", source.id, previous.sha256[:12])
            return self.store.refreshed(previous, etag=resp.headers.get("etag"),
                                        last_modified=resp.headers.get("last-modified"))
        if not resp.body:
            raise FetchError(f"empty body from {resp.url}", source.id)
        return self.store.save(
            source.id, source.location, resp.body, content_type=resp.headers.get("content-type"),
            etag=resp.headers.get("etag"), last_modified=resp.headers.get("last-modified"),
            provenance=Provenance(final_url=resp.url) if resp.url != source.location else None,
        )

    def get(self, url: str, source_id: str, headers: dict[str, str] | None = None) -> Response:
        """GET following redirects by hand, every hop checked (host, scheme, robots.txt, loops, count) and
        retried; a 200 or 304 response, or a FetchError."""
        seen: list[str] = []
        while True:
            self.policy.check(url, source_id, redirect=bool(seen))
            try:
                resp = self.retrying.get(url, source_id, headers or {})
            except FetchError as exc:
                if exc.unreachable:
                    self.policy.unreachable(url, exc)
                raise
            if resp.status not in REDIRECT_STATUS:
                break
            url = redirect_target(resp, seen, self.settings.max_redirects, source_id)
        if resp.status in (200, 304):
            return resp
        raise FetchError(f"HTTP {resp.status} from {url}", source_id, status=resp.status,
                         transient=resp.status in RETRY_STATUS, reason=f"HTTP {resp.status}")


def redirect_target(resp: Response, seen: list[str], max_redirects: int, source_id: str) -> str:
    """The URL a redirect response points to, its URL added to ``seen``; a FetchError for a redirect without
    Location, a loop, or more than ``max_redirects`` hops."""
    location = resp.headers.get("location")
    if not location:
        raise FetchError(f"redirect {resp.status} without Location from {resp.url}", source_id)
    seen.append(resp.url)
    url = urljoin(resp.url, location_reference(location))
    if url in seen:
        raise FetchError(f"redirect loop at {url}", source_id)
    if len(seen) > max_redirects:
        raise FetchError(f"more than {max_redirects} redirects", source_id)
    return url


def location_reference(location: str) -> str:
    """A Location header's value as an ASCII URI reference. A header value is bytes, read as ISO-8859-1 (RFC 9110
    5.5), so each byte outside visible ASCII is percent-encoded as the byte it is (RFC 3986 2.1): a UTF-8 name
    becomes the escapes of its UTF-8 bytes ('/St%C3%A4dte'), a Latin-1 one those of its own ('/St%E4dte')."""
    try:
        raw = location.strip().encode("latin-1")  # the bytes the header carried
    except UnicodeEncodeError:  # not decoded as ISO-8859-1 on the way: its characters as UTF-8
        raw = location.strip().encode("utf-8")
    return re.sub(rb"[^\x21-\x7e]", lambda m: b"%%%02X" % m[0][0], raw).decode("ascii")


def short_reason(exc: BaseException) -> str:
    """The innermost useful message of a requests/urllib3 exception, on one line."""
    text = str(exc if isinstance(exc, OSError) else exc.args[0] if exc.args else exc)  # OSError: '[Errno 111] ...'
    return " ".join(text.split())[:300]


def body_decoder(encoding: str, url: str, source_id: str) -> Any:
    """A zlib decompressor for a Content-Encoding (we only ask for gzip and deflate), None for identity."""
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise FetchError(f"{url} uses content-encoding {encoding!r}, which was not asked for", source_id)


def read_capped(raw: requests.Response, url: str, source_id: str, max_bytes: int,
                watch: ResponseWatch) -> bytes:
    """Read a streamed body: decoded bytes capped (a small gzip that inflates past the cap is stopped as it
    inflates), the total time bounded by the watch, short bodies and truncated compressed streams refused."""
    declared = raw.headers.get("content-length")
    encoding = raw.headers.get("content-encoding", "identity").lower().strip()
    if declared and declared.isdigit() and encoding in ("", "identity") and int(declared) > max_bytes:
        raise FetchError(f"{url} declares {int(declared)} bytes, over the cap of {max_bytes}", source_id)
    if raw.status_code in REDIRECT_STATUS or raw.status_code == 304:
        return b""
    decoder = body_decoder(encoding, url, source_id)
    chunks: list[bytes] = []
    received = total = 0
    try:
        while True:
            chunk = raw.raw.read1(65536, decode_content=False)
            if not chunk:
                break
            received += len(chunk)
            pending = chunk
            while pending:
                if decoder is None:
                    piece, pending = pending, b""
                else:
                    piece = decoder.decompress(pending, max_bytes + 1 - total)
                    pending = decoder.unconsumed_tail
                total += len(piece)
                if total > max_bytes:
                    raise FetchError(f"{url} body exceeds the cap of {max_bytes} bytes", source_id)
                chunks.append(piece)
            if watch.expired:
                raise watch.error(url, source_id)
    except FetchError:
        raise
    except Exception as exc:  # urllib3 protocol errors, zlib errors, or the watchdog's close
        if watch.expired:
            raise watch.error(url, source_id) from None
        raise FetchError(f"{url} body incomplete or undecodable: {short_reason(exc)}", source_id,
                         transient=True) from None
    if watch.expired:  # the watch shut the socket: a silent EOF, not the end
        raise watch.error(url, source_id)
    if declared and declared.isdigit() and received < int(declared):
        raise FetchError(f"{url} body shorter than its Content-Length ({received} < {declared})", source_id,
                         transient=True)
    if decoder is not None and not decoder.eof:
        raise FetchError(f"{url} compressed body ends before its end-of-stream marker (truncated)", source_id,
                         transient=True)
    return b"".join(chunks)


def guess_content_type(path: Path, data: bytes) -> str:
    """Content type of a local file from its magic bytes, else its extension."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if looks_like_html(data):
        return "text/html"
    return mimetypes.guess_type(path.name)[0] or "text/plain"


def read_file_source(source: Source, max_bytes: int, deadline: float = FetchSettings.deadline) -> Snapshot:
    """Read a file source directly (not copied into the store), hashed.

    Args:
        source: a registered file source.
        max_bytes: the byte cap, as for a response (a file of exactly this size is read).
        deadline: seconds the read may take, as for a response.

    Returns:
        The snapshot (``method: file``, or the bundled reconstruction it is).

    Raises:
        FetchError: naming the source, for a path that is no regular file (a device such as /dev/zero, a FIFO, a
            folder, a socket), a file over the cap or the deadline, or one that cannot be read.
    """
    path = Path(source.location)
    data = read_regular_file(path, max_bytes, deadline, source.id)
    digest = sha256_hex(data)
    # The bytes travel with the snapshot: the parse uses them, never a second read of a path that may have
    # become a FIFO or a link to a device since.
    snap = Snapshot(source_id=source.id, url=source.url, file=str(path), sha256=digest, bytes=len(data),
                    content_type=guess_content_type(path, data), obtained_at=utc_now(), method="file", data=data)
    return reconstruction_of(snap) or snap


def reconstruction_of(snap: Snapshot) -> Snapshot | None:
    """A file source that is a bundled reconstruction (a raw-store sidecar beside it, of the same bytes, says
    ``reconstructed``), described as one: its method, when and from which capture it was made; else None.
    So the manifest never passes a reconstruction off as a file read at run time."""
    folder = Path(snap.file).resolve().parent
    sidecar = RawStore(folder.parent).described(folder / f"{snap.sha256}.json")
    if sidecar is None or sidecar.sha256 != snap.sha256 or sidecar.method != "reconstructed" \
            or Path(sidecar.file) != Path(snap.file).resolve():
        return None
    return replace(snap, method="reconstructed", obtained_at=sidecar.obtained_at, provenance=sidecar.provenance)
