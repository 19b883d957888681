"""No control character reaches a terminal or a file. The parsers remove them (parse/canonical.py); as a
second line of defence every command prints them escaped (``\\u001b``), and the JSON files are written with
them escaped. Tested with records whose values hold ESC, BEL, an 8-bit CSI and a right-to-left override,
published directly (so no parser removes them), and with a page holding them harvested end to end."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from clusterharvest.controls import escape_controls
from clusterharvest.dataset import Run
from clusterharvest.models import Cluster
from clusterharvest.pipeline import open_context, run_harvest
from clusterharvest.publish import publish_version, read_latest

from .conftest import ROOT

# A name that sets the terminal's title, rings the bell, clears the screen (7-bit and 8-bit CSI) and reverses
# the text after it.
BAD = "\x1b]0;pwned\x07\x1b[2J\u009b2J\u202eevil"
# What no output may hold: C0 controls but tab and line feed, DEL, C1, and the invisible format characters.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")


def cli(*args: str) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    return subprocess.run([sys.executable, "-m", "clusterharvest.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, timeout=120)


def record(cid: str, text: str) -> Cluster:
    return Cluster.model_validate({
        "id": cid, "name": f"{cid.title()} {text}", "organisation": f"Org {text}", "aliases": [f"Alias {text}"],
        "sources": ["directory"], "description": {"en": f"About {text}", "de": None},
        "target_regions": {"concept": [f"Region {text}"], "implementation": []},
        "contacts": [{"name": f"Erika {text}", "role": f"Head {text}", "phone": ["+49301234567"]}],
        "addresses": [{"organisation": f"Org {text}", "street": f"Street {text}", "city": f"City {text}"}],
        "issues": [{"field": "header", "message": f"unknown line {text}", "value": text}]})


@pytest.fixture(scope="module")
def crafted(tmp_path_factory) -> Path:
    """A dataset root of two versions whose records hold control characters, and a manifest's date too."""
    out = tmp_path_factory.mktemp("controls") / "out"
    sources = [{"id": "directory", "kind": "cluster-directory", "url": "https://example.org/dir"}]
    run = Run.model_validate({"sources": sources})
    publish_version(out, [record("alpha", BAD)], run, now=datetime(2026, 1, 1, tzinfo=UTC))
    second = publish_version(out, [record("alpha", BAD + "2"), record("beta", BAD)], run,
                             now=datetime(2026, 2, 1, tzinfo=UTC)).version
    manifest = out / second / "manifest.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text(encoding="utf-8")), "created": BAD}))
    return out


COMMANDS = [
    ("show", "alpha"), ("diff",), ("diff", "--format", "json"), ("diff", "--format", "ndjson"),
    ("diff", "--format", "csv"), ("history", "alpha"), ("history", "alpha", "--format", "json"),
    ("history", "alpha", "--format", "ndjson"), ("history", "alpha", "--format", "csv"),
    ("versions", "--format", "json"), ("versions", "--format", "ndjson"), ("versions", "--format", "csv"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_no_command_prints_a_control_character(crafted, command):
    res = cli(*command, "--out", str(crafted))
    assert res.returncode == 0, res.stderr
    out = res.stdout.decode("utf-8")
    assert RAW.findall(out) == [], out
    assert "\\u001b" in out or "\\u009b" in out, out  # escaped, not dropped


def test_json_output_escapes_are_json_escapes_so_values_read_back_whole(crafted):
    shown = json.loads(cli("show", "alpha", "--out", str(crafted)).stdout)
    assert shown["name"] == f"Alpha {BAD}2" and shown["contacts"][0]["name"] == f"Erika {BAD}2", shown
    rows = [json.loads(line) for line in cli("diff", "--format", "ndjson", "--out", str(crafted)).stdout.splitlines()]
    assert {"event": "modified", "cluster_id": "alpha", "path": "name", "old": f"Alpha {BAD}",
            "new": f"Alpha {BAD}2", "added": None, "removed": None} in rows, rows


def test_markdown_csv_and_text_show_each_control_as_its_escape(crafted):
    markdown = cli("diff", "--out", str(crafted)).stdout.decode("utf-8")
    assert "`name`: Alpha \\u001b]0;pwned\\u0007\\u001b[2J\\u009b2J\\u202eevil → Alpha " in markdown, markdown
    rows = list(csv.DictReader(io.StringIO(cli("diff", "--format", "csv", "--out", str(crafted)).stdout.decode())))
    name = next(row for row in rows if row["path"] == "name")
    assert name["old"] == "Alpha \\u001b]0;pwned\\u0007\\u001b[2J\\u009b2J\\u202eevil", name
    history = cli("history", "alpha", "--out", str(crafted)).stdout.decode("utf-8")
    assert RAW.findall(history) == [] and "\\u202eevil" in history, history
    versions = cli("versions", "--out", str(crafted)).stdout.decode("utf-8")
    assert RAW.findall(versions) == [], versions


def test_export_prints_its_target_escaped(crafted, tmp_path):
    res = cli("export", "--out", str(crafted), "--to", str(tmp_path / f"to{BAD}"))
    assert res.returncode == 0, res.stderr
    out = res.stdout.decode("utf-8")
    assert RAW.findall(out) == [] and "to\\u001b]0;pwned" in out, out


def test_escape_controls_keeps_tabs_line_feeds_and_every_visible_character():
    assert escape_controls("a\tb\nc\r\x00\x7f\u0085\u009b\u200b\u202e\u2028é€😀") == \
        "a\tb\nc\\u000d\\u0000\\u007f\\u0085\\u009b\\u200b\\u202e\\u2028é€😀"


@pytest.mark.parametrize(("char", "escaped"), [
    ("\ufe0f", "\\ufe0f"), ("\ufff9", "\\ufff9"), ("\u3164", "\\u3164"), ("\uffa0", "\\uffa0"),
    ("\u115f", "\\u115f"), ("\u17b4", "\\u17b4"), ("\u180b", "\\u180b"), ("\u206a", "\\u206a"),
    # beyond U+FFFF: the UTF-16 surrogate pair, as JSON writes such a character (RFC 8259, section 7)
    ("\U000e0041", "\\udb40\\udc41"), ("\U0001bca0", "\\ud82f\\udca0"), ("\U0001d173", "\\ud834\\udd73"),
    ("\U000e0100", "\\udb40\\udd00"),
])
def test_every_character_the_canonical_step_removes_is_escaped_and_reads_back_from_json(char, escaped):
    text = f"Alpha{char}Cluster"
    assert escape_controls(text) == f"Alpha{escaped}Cluster", ascii(escape_controls(text))
    assert json.loads(f'"{escape_controls(text)}"') == text


def test_the_escaped_characters_are_those_the_canonical_step_removes():
    from clusterharvest.parse.canonical import canonical_text

    removed = {c for c in map(chr, range(0x110000)) if not 0xD800 <= ord(c) <= 0xDFFF and canonical_text(c) == ""}
    escaped = {c for c in map(chr, range(0x110000)) if not 0xD800 <= ord(c) <= 0xDFFF and escape_controls(c) != c}
    # Escaped but not removed: carriage return, which the parsers keep as a line break; U+2028/2029, which they turn
    # into line feeds; and the Hangul fillers, which they read as spaces.
    assert escaped - removed == {"\r", "\u2028", "\u2029", "\u115f", "\u1160", "\u3164", "\uffa0"}, \
        sorted(map(ascii, escaped - removed))
    assert removed - escaped == set(), sorted(map(ascii, removed - escaped))


# -- end to end: a page with control characters, harvested -------------------------------------------------

def all_strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in all_strings(v)]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in all_strings(k) + all_strings(v)]
    return []


def test_a_page_with_control_characters_leaves_none_in_any_output_file(tmp_path, bundled_directory_html):
    from .httpserver import start_server

    page = bundled_directory_html.decode("utf-8")
    planted = {  # the organisation line, a contact's name and role, a line of no kind, an address, a country
        "<strong>AMZ Sachsen</strong>": f"<strong>AMZ {BAD}Sachsen</strong>",
        "Alexander Helbych<br>": f"Alexander {BAD}Helbych<br>",
        "Projektleiter TADA<br>": f"Projektleiter {BAD}TADA<br>",
        "Tel.: +49 1728380024</p>": f"Tel.: +49 1728380024<br>Odd line {BAD}</p>",
        "Pfaffenwaldring 19 |": f"Pfaffenwaldring {BAD}19 |",
        "England, Finnland,": f"England, Finn{BAD}land,",
        "<p>In addition to strengthening": f"<p>In {BAD}addition to strengthening",
    }
    for old, new in planted.items():
        assert page.count(old) == 1, old
        page = page.replace(old, new)
    # The server's headers carry them too; the manifest records the Content-Type as it was sent.
    srv = start_server({"/dir": lambda seen: (200, {"Content-Type": "text/html; charset=utf-8; x=\x1b]0;t\x07\x9b"},
                                              page.encode("utf-8"))})
    try:
        (tmp_path / "sources.toml").write_text(
            f'[fetch]\nmin_interval = 0\n[[source]]\nid = "directory"\nurl = "{srv.url("/dir")}"\n'
            'kind = "cluster-directory"\nlang = "en"\n', encoding="utf-8")
        result = run_harvest(open_context(tmp_path / "sources.toml", tmp_path / "out", tmp_path / "raw"))
    finally:
        srv.stop()
    version = tmp_path / "out" / result.version
    records = json.loads((version / "clusters.json").read_text(encoding="utf-8"))
    amz = next(r for r in records if r["id"] == "amz-sachsen")
    assert amz["organisation"] == "AMZ ]0;pwned[2J2JevilSachsen", amz  # read, the controls removed
    assert [s for s in all_strings(records) if RAW.search(s)] == []  # no value holds one
    for path in sorted(version.iterdir()):
        if path.suffix == ".parquet":
            text = json.dumps(pq.read_table(path).to_pylist(), ensure_ascii=False)
        elif path.suffix == ".sqlite":
            db = sqlite3.connect(path)
            text = "\n".join(db.iterdump())
            db.close()
        else:  # CSV rows end in CR LF (RFC 4180)
            text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
        assert RAW.findall(text) == [], path.name
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["sources"][0]["content_type"].endswith("x=\x1b]0;t\x07\x9b")  # escaped in the file, kept whole
    res = cli("extract", str(next((tmp_path / "raw" / "directory").glob("*.html"))), "--kind", "cluster-directory")
    assert res.returncode == 0 and RAW.findall(res.stdout.decode("utf-8")) == [], res.stderr
    assert read_latest(tmp_path / "out") == result.version
