"""A directory page of N entries, made by replicating the bundled page's 32 entries under distinct names.

Copy k of an entry gets " k" appended to its heading and organisation line, the last group of its phone
numbers shifted by k, and distinct descriptions: in every description sentence that is not the funding
measure's boilerplate, each word of six or more letters gets a suffix of letters naming the copy
("research" -> "researchbc"), and the sentence a marker (" in batch k"). So no two copies share a sentence
or a paragraph, as on a real directory (replicated text would let recurrence and the caches keyed by text
skip the work), while stopwords, and so the language, stay; and the boilerplate stays the one set of
sentences it is on the real page (otherwise every sentence would recur across copies and be removed as
boilerplate, and the benchmark would measure a different workload).
"""

from __future__ import annotations

import re
from functools import cache

from clusterharvest.parse.cluster_directory import parse_directory
from clusterharvest.parse.contact_block import split_body
from clusterharvest.parse.descriptions import find_boilerplate, paragraphs_of, sentence_key, sentences
from clusterharvest.parse.labels import match_label
from clusterharvest.store import RawStore

from .paths import ROOT

HEADING = re.compile(r"<h3>(.*?)</h3>")
STRONG = re.compile(r"<p><strong>(.*?)</strong></p>")
PARAGRAPH = re.compile(r"<p>([^<]{40,})</p>")
PHONE_END = re.compile(r"((?:Tel|Fax|Mob|Mobil)[^<\d]*\+[\d ()/.\-]*?)(\d{2})(?=\s*(?:<|$))")


@cache
def bundled() -> tuple[str, str, str, set[str]]:
    """(head, entries, tail) of the bundled directory page and the boilerplate sentence keys."""
    snap = RawStore(ROOT / "raw").latest("interspin-directory-en")
    assert snap is not None
    html = snap.read().decode("utf-8")
    start = html.index("<h3>AMZ Sachsen</h3>")
    end = html.index("</main>")
    entries = parse_directory(snap.read())
    boilerplate = find_boilerplate([paragraphs_of([line.text for line in split_body(e.body_lines)[0]])
                                    for e in entries])
    return html[:start], html[start:end], html[end:], boilerplate


LONG_WORD = re.compile(r"\b([A-Za-zÄÖÜäöüß]{6,})\b")


def letters(k: int) -> str:
    """k in base 26 as lower-case letters ('a', 'b', ..., 'ba', ...)."""
    out = ""
    while True:
        k, digit = divmod(k, 26)
        out = chr(ord("a") + digit) + out
        if not k:
            return out


def distinct(sentence: str, k: int) -> str:
    """A sentence made unique to copy k: long words suffixed, a batch marker before its full stop."""
    suffix = letters(k)
    return re.sub(r"([.!?])$", rf" in batch {k}\1", LONG_WORD.sub(lambda m: m.group(1) + suffix, sentence))


def mark_sentences(paragraph: str, k: int, boilerplate: set[str]) -> str:
    return " ".join(s if sentence_key(s) in boilerplate else distinct(s, k) for s in sentences(paragraph))


def copy(k: int) -> str:
    """Copy k of the 32 entries."""
    _, entries, _, boilerplate = bundled()
    if k == 0:
        return entries
    out = HEADING.sub(lambda m: f"<h3>{m.group(1)} {k}</h3>", entries)
    out = STRONG.sub(lambda m: f"<p><strong>{m.group(1)} {k}</strong></p>", out)
    out = PARAGRAPH.sub(lambda m: m.group(0) if match_label(m.group(1)) else
                        f"<p>{mark_sentences(m.group(1), k, boilerplate)}</p>", out)
    return PHONE_END.sub(lambda m: f"{m.group(1)}{(int(m.group(2)) + k) % 100:02d}", out)


def directory(n: int) -> bytes:
    """A page of about n entries (whole copies of the 32: 32 * ceil(n / 32))."""
    head, _, tail, _ = bundled()
    copies = -(-n // 32)
    return (head + "".join(copy(k) for k in range(copies)) + tail).encode("utf-8")
