"""A real HTTP server on 127.0.0.1 for fetch tests (standard library; no mocking of requests).

Routes map a path to a handler ``(request) -> (status, headers, body)``; the server records
every request it saw, so tests can assert what was sent (method, headers, body, counts).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Reply = tuple[int, dict[str, str], bytes]


@dataclass
class Seen:
    """One request as the server saw it."""

    path: str
    headers: dict[str, str]
    raw_path: str = ""  # with the query string
    method: str = "GET"
    body: bytes = b""  # a POST's


@dataclass
class LocalServer:
    """A running server and what it saw."""

    server: ThreadingHTTPServer
    routes: dict[str, Callable[[Seen], Reply]]
    seen: list[Seen] = field(default_factory=list)
    fallback: Callable[[Seen], Reply] | None = None  # for paths no route names

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> int:
        return sum(1 for s in self.seen if s.path == path)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_server(routes: dict[str, Callable[[Seen], Reply]], host: str = "127.0.0.1",
                 fallback: Callable[[Seen], Reply] | None = None) -> LocalServer:
    """Start a threaded server on a free port of ``host``."""
    state: dict[str, LocalServer] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

        def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
            self.do_GET()

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            path = self.path.split("?")[0]
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)) if self.command == "POST" else b""
            seen = Seen(path=path, headers={k.lower(): v for k, v in self.headers.items()}, raw_path=self.path,
                        method=self.command, body=body)
            srv = state["srv"]
            srv.seen.append(seen)
            handler = srv.routes.get(path) or (srv.fallback if path != "/robots.txt" else None)
            status, headers, body = handler(seen) if handler else (404, {}, b"not found")
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            if "Content-Length" not in headers:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    class Server(ThreadingHTTPServer):
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET  # '::1': IPv6 loopback

    server = Server((host, 0), Handler)
    server.daemon_threads = True
    srv = LocalServer(server=server, routes=routes, fallback=fallback)
    state["srv"] = srv
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return srv


def static(body: bytes, content_type: str = "text/html; charset=utf-8", **headers: str) -> Callable[[Seen], Reply]:
    """A route that always answers 200 with this body."""
    return lambda seen: (200, {"Content-Type": content_type, **headers}, body)
