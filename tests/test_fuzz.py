"""Arbitrary input into every parser and normaliser: only the project's own errors, never a crash or a
hang (Hypothesis, a bounded number of examples, each with a deadline)."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clusterharvest.errors import HarvestError
from clusterharvest.link import name_key
from clusterharvest.parse.announcement import parse_announcement, parse_item
from clusterharvest.parse.cluster_directory import parse_directory
from clusterharvest.parse.contact_block import parse_contact_block
from clusterharvest.parse.facts import contact_facts, prose_facts
from clusterharvest.parse.labels import split_line
from clusterharvest.parse.programme_page import parse_programme_page
from clusterharvest.parse.text import document_lines, sniff_encoding

BOUNDED = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])

# Bytes that look a little like the real pages, so the fuzzer gets past the first checks.
FRAGMENTS = [b"<p>", b"</p>", b"<h3>", b"<br>", b"<li>", b"<ol>", b"<div>", b"Target countries concept phase: ",
             b"Target countries implementation phase: ", b"Contact Data:", b"Tel.: +49 (0) 711 / 12 34-5",
             b"Fax: ", b"E-Mail: a@b.", b"\xe4\xf6\xfc", b"\xc3\xa4", b"France, Korea",
             b"1. Name, Region, \xe2\x80\x9c",
             b"\xe2\x80\x9d", b"In the 3rd round", b" ten projects ", b"up to four million euros", b"<meta charset=x>",
             b"\n", b"\x00", b"&amp;", b"<!--", b"]]>", b"<script>"]
page_bytes = st.one_of(st.binary(max_size=3000),
                       st.lists(st.sampled_from(FRAGMENTS) | st.binary(max_size=20), max_size=80).map(b"".join))
content_types = st.sampled_from([None, "text/html", "text/plain", "text/html; charset=utf-16", "text/html; charset=x"])


def only_our_errors(call, *args):
    """Run a parser: returning or raising the project's own error is fine; anything else fails the test."""
    with contextlib.suppress(HarvestError):
        call(*args)


@BOUNDED
@given(page_bytes, content_types)
def test_directory_parser(data, ctype):
    only_our_errors(parse_directory, data, "fuzz", ctype)


@BOUNDED
@given(page_bytes, content_types, st.one_of(st.none(), st.integers(1, 5)))
def test_announcement_parser(data, ctype, configured):
    only_our_errors(parse_announcement, data, ctype, configured)


@BOUNDED
@given(page_bytes, content_types)
def test_programme_page_parser_and_text_extraction(data, ctype):
    only_our_errors(parse_programme_page, data, ctype)
    only_our_errors(document_lines, data, ctype)
    assert sniff_encoding(data, ctype)


@BOUNDED
@given(st.text(max_size=2000), st.one_of(st.none(), st.integers(1, 4)))
def test_prose_facts(text, own_round):
    only_our_errors(prose_facts, text, own_round)


@BOUNDED
@given(st.lists(st.text(max_size=120), max_size=15))
def test_contact_blocks_and_lines(lines):
    only_our_errors(contact_facts, ["Contact", *lines])
    only_our_errors(parse_contact_block, [part for line in lines for part in split_line(line)])
    for line in lines:
        parse_item(line)


@BOUNDED
@given(st.text(max_size=300))
def test_link_keys(name):
    assert name_key(name) == name_key(name)
