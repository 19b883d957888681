"""The same 32 records from every rendering of the directory.

The renderings besides the capture and the bundled page are synthetic, made here from the real
capture's lines (so no content is invented): every line in a <br>-separated paragraph, every
line in its own element, and a windows-1252 page declaring its charset in <meta>.
"""

from __future__ import annotations

from html import escape

import pytest

from clusterharvest.parse.cluster_directory import parse_directory
from clusterharvest.parse.clusters import build_clusters

from .conftest import DIRECTORY_CAPTURE

LINES = [line.strip() for line in DIRECTORY_CAPTURE.read_text(encoding="utf-8").splitlines() if line.strip()]
CHROME = ('<nav><ul><li><a href="/">Home</a></li><li>Cluster network</li></ul></nav>',
          '<footer><p>Imprint</p><p>Privacy policy</p></footer><div role="dialog">We use cookies. OK</div>')


def page(body: str, charset: str = "utf-8") -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>Cluster network</title></head><body>'
            f"{CHROME[0]}<main>{body}</main>{CHROME[1]}</body></html>")


def br_lines() -> bytes:
    return page("<p>" + "<br>\n".join(escape(x, quote=False) for x in LINES) + "</p>").encode()


def element_per_line() -> bytes:
    return page("".join(f"<div><span>{escape(x, quote=False)}</span></div>" for x in LINES)).encode()


def windows_1252() -> bytes:
    body = "".join(f"<p>{escape(x, quote=False)}</p>" for x in LINES)
    return page(body, "windows-1252").encode("cp1252")


def dump(data: bytes, content_type: str | None = None) -> list[dict]:
    return [r.model_dump() for r in build_clusters(parse_directory(data, "", content_type), "interspin-directory-en")]


@pytest.fixture(scope="module")
def reference(directory_capture) -> list[dict]:
    return dump(directory_capture)


@pytest.mark.parametrize("make", [br_lines, element_per_line, windows_1252], ids=lambda f: f.__name__)
def test_rendering_gives_the_same_records(make, reference):
    got = dump(make(), "text/html")
    assert len(got) == 32
    for a, b in zip(got, reference, strict=True):
        assert a == b, (a["id"], {k: (a[k], b[k]) for k in a if a[k] != b[k]})


def test_bundled_html_gives_the_same_records(bundled_directory_html, reference):
    assert dump(bundled_directory_html, "text/html; charset=UTF-8") == reference


def test_windows_1252_page_without_header_charset_keeps_umlauts(reference):
    got = {r["id"]: r for r in dump(windows_1252(), "text/html")}
    assert got["elektromobilitaet-sued-west"]["name"] == "Elektromobilität Süd-West"
    assert got["kunststoff-institut-luedenscheid"]["addresses"][0]["city"] == "Lüdenscheid"
    assert not any("Ã" in str(r) for r in got.values())


def test_every_line_of_every_entry_lands_in_a_field_or_an_issue(reference):
    """The audit: build_clusters files any line that reached no field as an 'entry' issue; there are none."""
    leftovers = [(r["id"], i["value"]) for r in reference for i in r["issues"] if i["field"] == "entry"]
    assert leftovers == []


def pasted_windows_1252(first: str, last: str) -> bytes:
    """The capture's page in UTF-8 with the lines from ``first`` to ``last`` in windows-1252, as if pasted
    from a word processor."""
    a, b = LINES.index(first), LINES.index(last) + 1
    html = page("").encode().split(b"</main>")
    body = lambda lines: "".join(f"<p>{escape(x, quote=False)}</p>" for x in lines)  # noqa: E731
    return (html[0] + body(LINES[:a]).encode() + body(LINES[a:b]).encode("cp1252") + body(LINES[b:]).encode()
            + b"</main>" + html[1])


def test_an_entry_pasted_in_windows_1252_into_a_utf8_page_loses_and_garbles_nothing(reference):
    # MERGE's contact block, with the person "Katharina Götz", is the pasted part.
    got = dump(pasted_windows_1252("Katharina Götz", "Fax: +49 (0) 371 / 531 830498"), "text/html; charset=utf-8")
    merge = "merge-technology-fusion-for-multifunctional-lightweight-structures"
    for a, b in zip(got, reference, strict=True):
        if a["id"] != merge:
            assert a == b, (a["id"], {k: (a[k], b[k]) for k in a if a[k] != b[k]})
            continue
        assert {k: v for k, v in a.items() if k != "issues"} == {k: v for k, v in b.items() if k != "issues"}
        new = [i for i in a["issues"] if i not in b["issues"]]
        assert new == [{"field": "contacts[0].name", "value": "Katharina Götz",
                        "message": "bytes in this line are not UTF-8, the page's encoding; read as windows-1252"}], new
