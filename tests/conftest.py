"""Shared fixtures: project paths, the bundled snapshot, a local HTTP server, an isolated Prefect home."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from clusterharvest.store import RawStore

ROOT = Path(__file__).resolve().parents[1]
CAPTURES = ROOT / "tests" / "fixtures" / "captures"
DIRECTORY_CAPTURE = CAPTURES / "004_f274a48bf349ce0a.txt"
EXPECTED = ROOT / "tests" / "fixtures" / "expected"


def pytest_configure(config: pytest.Config) -> None:
    """Keep Prefect's state out of the user's home, and quiet."""
    home = Path(os.environ.get("PYTEST_PREFECT_HOME", "/tmp")) / f"clusterharvest-prefect-{os.getpid()}"
    os.environ["PREFECT_HOME"] = str(home)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")


def pytest_unconfigure(config: pytest.Config) -> None:
    """No local Prefect server outlives the session (one a harvest without a configured server would start)."""
    home = Path(os.environ["PREFECT_HOME"])
    if (home / "clusterharvest-server.json").exists():
        from clusterharvest_flows.server import stop

        stop(home)


@pytest.fixture(scope="session")
def bundled_directory_html() -> bytes:
    """The bundled (reconstructed) directory page."""
    snap = RawStore(ROOT / "raw").latest("interspin-directory-en")
    assert snap is not None, "bundled snapshot missing from raw/"
    return snap.read()


@pytest.fixture(scope="session")
def directory_capture() -> bytes:
    """The real text capture of the directory page."""
    return DIRECTORY_CAPTURE.read_bytes()


@pytest.fixture(scope="session")
def expected_directory() -> list[dict]:
    """The hand-written expectation for the 32 entries."""
    return yaml.safe_load((EXPECTED / "interspin_directory_en.yml").read_text(encoding="utf-8"))


@pytest.fixture
def site(bundled_directory_html):
    """The bundled directory page served at /dir on 127.0.0.1; change ``page["body"]`` to serve another."""
    from .httpserver import start_server

    page = {"body": bundled_directory_html}
    srv = start_server({"/dir": lambda seen: (200, {"Content-Type": "text/html; charset=utf-8"}, page["body"])})
    yield srv, page
    srv.stop()


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory):
    """One real ``prefect server start`` on a free loopback port for the whole session (its own PREFECT_HOME,
    a quick scheduler loop); stopped, with every process a test started against it, at the end."""
    from .prefect_server import start_prefect_server

    server = start_prefect_server(tmp_path_factory.mktemp("prefect-server"))
    yield server
    server.stop()
