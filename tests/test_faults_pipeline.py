"""Bad input and crashes end in a clear error naming the source, with the last good dataset intact:
publish gates, pages that are not the directory, parser limits, quarantine, SIGKILL while publishing,
two harvests at once. Against a real HTTP server on 127.0.0.1, without Prefect."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from clusterharvest.errors import GateError, HarvestError, LockedError, ParseError, ValidationFailed
from clusterharvest.pipeline import LOCK_NAME, dataset_lock, open_context, run_harvest
from clusterharvest.publish import list_versions, read_latest, read_manifest

from .conftest import ROOT

GATES = "min_entries = 25\nmax_entries = 50\nmax_shrink = 0.1\n"


def harvest(tmp_path, srv, gates: str = GATES, allow_shrink: bool = False):
    (tmp_path / "sources.toml").write_text(
        f'[fetch]\nmin_interval = 0\nmax_tries = 1\n\n[[source]]\nid = "directory"\nurl = "{srv.url("/dir")}"\n'
        f'kind = "cluster-directory"\nlang = "en"\n{gates}', encoding="utf-8")
    return run_harvest(open_context(tmp_path / "sources.toml", tmp_path / "out", tmp_path / "raw",
                                    allow_shrink=allow_shrink))


def intact(tmp_path, version: str) -> None:
    """LATEST still names the last good version, and no other version or leftover exists."""
    out = tmp_path / "out"
    assert read_latest(out) == version and list_versions(out) == [version]
    assert not [p.name for p in out.iterdir() if p.name.startswith(".tmp-")]


def first_entries(html: str, n: int) -> str:
    """The bundled page cut after its n-th entry (a truncated directory): before the (n+1)-th entry's
    concept line, its organisation line and its heading, where it has them."""
    marks = [i for i in range(len(html)) if html.startswith("Target countries concept phase:", i)]
    if n >= len(marks):
        return html
    cut = html.rfind("<p>", 0, marks[n])
    for closing, opening in (("</strong></p>", "<p><strong>"), ("</h3>", "<h3>")):
        if html[:cut].rstrip().endswith(closing):
            cut = html.rfind(opening, 0, cut)
    return html[:cut] + "</main></body></html>"


@pytest.mark.parametrize(("body", "reason"), [
    (b"<html><body><h1>Wartungsarbeiten</h1><p>Die Seite ist bald wieder da.</p></body></html>", "no .*entr"),
    (b"<html><body><form><h1>Login</h1><input name='user'><input type='password'></form></body></html>",
     "no .*entr"),
])
def test_a_200_page_that_is_not_the_directory_fails(tmp_path, site, body, reason):
    srv, page = site
    good = harvest(tmp_path, srv).version
    page["body"] = body
    with pytest.raises(ParseError, match=f"source directory: .*{reason}"):
        harvest(tmp_path, srv)
    intact(tmp_path, good)


def test_truncated_directory_is_stopped_by_its_gates_and_allow_shrink_overrides(tmp_path, site):
    srv, page = site
    good = harvest(tmp_path, srv).version
    page["body"] = first_entries(page["body"].decode("utf-8"), 16).encode("utf-8")
    with pytest.raises(GateError, match="source directory: gate min_entries: 16 entries, fewer than the required 25"):
        harvest(tmp_path, srv)
    with pytest.raises(GateError, match=r"gate max_shrink: 16 entries, 50% fewer than the 32 in "):
        harvest(tmp_path, srv, gates="max_shrink = 0.1\n")
    intact(tmp_path, good)
    smaller = harvest(tmp_path, srv, allow_shrink=True)
    assert smaller.changed and read_manifest(tmp_path / "out", smaller.version).counts.clusters == 16


def test_a_directory_that_suddenly_doubles_is_stopped(tmp_path, site):
    srv, page = site
    good = harvest(tmp_path, srv).version
    html = page["body"].decode("utf-8")
    start, end = html.index("<h3>"), html.index("</main>")
    page["body"] = (html[:end] + html[start:end] + html[end:]).encode("utf-8")
    with pytest.raises(GateError, match="gate max_entries: 64 entries, more than the allowed 50"):
        harvest(tmp_path, srv)
    with pytest.raises(GateError, match="max_entries"):
        harvest(tmp_path, srv, allow_shrink=True)  # --allow-shrink lets fewer entries through, not more
    intact(tmp_path, good)


def test_one_invalid_entry_is_quarantined_and_the_rest_published(tmp_path, site):
    srv, page = site
    html = page["body"].decode("utf-8")
    bad = ("<h3>★★★</h3>\n<p>Target countries concept phase: France<br>\n"
           "Target countries implementation phase: France</p>\n")
    page["body"] = html.replace("<h3>Cool Silicon</h3>", bad + "<h3>Cool Silicon</h3>").encode("utf-8")
    result = harvest(tmp_path, srv)
    manifest = read_manifest(tmp_path / "out", result.version).to_json()
    assert manifest["counts"]["clusters"] == 32
    [q] = manifest["quarantined"]
    assert q["source"] == "directory" and q["first_line"] == "★★★" and "gives no id" in q["reason"]
    assert "Target countries concept phase: France" in q["lines"]



def test_a_name_line_that_lost_a_character_quarantines_only_its_entry(tmp_path, site):
    """A U+FFFD in a heading stops neither the source nor a scheduled harvest: the entry is quarantined and the
    max_quarantined gate decides about the run; other lines that lost one are not read, with an issue."""
    srv, page = site
    html = page["body"].decode("utf-8")
    assert "<h3>Cool Silicon</h3>" in html and html.count("Tel.: +49 1728380024") == 1  # AMZ Sachsen's phone
    page["body"] = (html.replace("<h3>Cool Silicon</h3>", "<h3>Cool Sil&#xFFFD;con</h3>")
                    .replace("Tel.: +49 1728380024", "Tel.: +49 17283\ufffd80024").encode("utf-8"))
    result = harvest(tmp_path, srv)
    manifest = read_manifest(tmp_path / "out", result.version).to_json()
    assert manifest["counts"]["clusters"] == 31, manifest["counts"]
    [q] = manifest["quarantined"]
    assert (q["source"], q["first_line"]) == ("directory", "Cool Silcon"), q
    assert q["reason"] == ("its name line 'Cool Sil\ufffdcon' has a replacement character (U+FFFD), where a "
                           "character was lost before it reached us: no record without its name"), q["reason"]
    [amz] = [r for r in json.loads((tmp_path / "out" / result.version / "clusters.json").read_text("utf-8"))
             if r["id"] == "amz-sachsen"]
    assert [c["phone"] for c in amz["contacts"]] == [[]], amz["contacts"]
    assert [(i["field"], i["value"]) for i in amz["issues"] if "U+FFFD" in i["message"]] == [
        ("contacts[0].phone", "Tel.: +49 17283\ufffd80024")], amz["issues"]

def test_all_entries_invalid_fails_the_run(tmp_path, site):
    srv, page = site
    good = harvest(tmp_path, srv).version
    entry = "<h3>★{}★</h3>\n<p>Target countries concept phase: France</p>\n"
    page["body"] = ("<html><body><main>" + "".join(entry.format("·" * n) for n in range(30))
                    + "</main></body></html>").encode("utf-8")
    with pytest.raises(ValidationFailed, match="source directory: all 30 entries are invalid"):
        harvest(tmp_path, srv)
    intact(tmp_path, good)


HUGE_TEXT = "<p>" + ("Lorem ipsum dolor sit amet " * 400_000) + "</p>"  # about 11 MB in one text node


@pytest.mark.parametrize(("before_cool_silicon", "before_main_end"), [
    ("<div>" * 3000, "</div>" * 3000),  # nested far past libxml2's default depth limit
    (HUGE_TEXT, ""),  # an enormous text node
])
def test_hostile_markup_gives_every_entry_or_an_error(tmp_path, site, bundled_directory_html, before_cool_silicon,
                                                      before_main_end):
    srv, page = site
    html = bundled_directory_html.decode("utf-8")
    page["body"] = html.replace("<h3>Cool Silicon</h3>", before_cool_silicon + "<h3>Cool Silicon</h3>").replace(
        "</main>", before_main_end + "</main>").encode("utf-8")
    try:
        result = harvest(tmp_path, srv, gates="")
    except HarvestError as exc:  # an explicit error naming the source is acceptable ...
        assert "source directory" in str(exc)
    else:  # ... fewer records silently is not
        assert read_manifest(tmp_path / "out", result.version).counts.clusters == 32


def test_sigkill_while_publishing_leaves_latest_and_the_next_run_cleans_up(tmp_path, site, bundled_directory_html):
    srv, page = site
    good = harvest(tmp_path, srv).version
    page["body"] = bundled_directory_html.replace(b"Tel.: +49 3518925800", b"Tel.: +49 3518925801")
    (tmp_path / "sources.toml").write_text((tmp_path / "sources.toml").read_text())
    # A child harvests the changed page but stalls inside publishing, after the version's files are written
    # and before the rename that completes it; the test kills it there with SIGKILL.
    child = textwrap.dedent(f"""
        import os, time
        import clusterharvest.publish as publish
        from clusterharvest.pipeline import open_context, run_harvest
        real_rename = os.rename
        def stalled(src, dst):
            open({str(tmp_path / "stalled")!r}, "w").close()
            time.sleep(60)
        publish.os.rename = stalled
        run_harvest(open_context({str(tmp_path / "sources.toml")!r}, {str(tmp_path / "out")!r},
                                 {str(tmp_path / "raw")!r}))
    """)
    proc = subprocess.Popen([sys.executable, "-c", child], cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while not (tmp_path / "stalled").exists():
            assert proc.poll() is None and time.monotonic() < deadline, "child did not reach publishing"
            time.sleep(0.05)
        assert [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".tmp-")]  # a partial version
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert read_latest(tmp_path / "out") == good and list_versions(tmp_path / "out") == [good]
    result = harvest(tmp_path, srv)  # the next run: the lock the dead child held is free, leftovers go
    assert result.changed and read_latest(tmp_path / "out") == result.version
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".tmp-")]


def test_second_harvest_on_the_same_root_exits_locked_at_once_and_the_lock_dies_with_its_holder(tmp_path):
    out = tmp_path / "out"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import time
        from pathlib import Path
        from clusterharvest.pipeline import dataset_lock
        with dataset_lock(Path({str(out)!r})):
            Path({str(tmp_path / "held")!r}).touch()
            time.sleep(60)
    """)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / "held").exists():
            assert holder.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        started = time.monotonic()
        with pytest.raises(LockedError, match="locked"):
            run_harvest(open_context(ROOT / "sources.toml", out, ROOT / "raw", offline=True))
        assert time.monotonic() - started < 5
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
    finally:
        if holder.poll() is None:
            holder.kill()
    with dataset_lock(out):  # free again once the holder is dead
        assert (out / LOCK_NAME).exists()
