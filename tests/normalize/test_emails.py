"""E-mail addresses: validated, obfuscated forms read with a note saying how, a truncated address never published.
Expectations written by hand (the Cloudflare one decoded by hand: key 0x42, each following byte XOR 0x42)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterharvest.normalize.emails import normalize_email, read_email

# k.probe@example.org as Cloudflare's e-mail protection writes it (tests/fixtures/cases/13-email-obfuscated.html)
CF_PROBE = "42296c32302d202702273a232f322e276c2d3025"


@pytest.mark.parametrize(("raw", "want"), [
    ("f.welter@fz-juelich.de", "f.welter@fz-juelich.de"),
    (" mailto:Info@Example.ORG ", "Info@example.org"),
    ("post@deepsea-mining-alliance.", None),  # truncated in the directory capture
    ("", None), ("post@", None), ("a@b", None), ("a..b@x.de", None), ("no at sign.de", None),
    ("l.beispiel(at)example.org", None),  # validation only: reading is read_email's
])
def test_normalize_email(raw, want):
    assert normalize_email(raw) == want


@pytest.mark.parametrize(("raw", "want", "forms"), [
    ("l.beispiel(at)example.org", "l.beispiel@example.org", ["'(at)' for '@'"]),
    ("l.beispiel (at) example.org", "l.beispiel@example.org", ["'(at)' for '@'"]),
    ("L.Beispiel(AT)Example.ORG", "L.Beispiel@example.org", ["'(AT)' for '@'"]),
    ("j.muster [at] example [dot] org", "j.muster@example.org", ["'[at]' for '@'", "'[dot]' for '.'"]),
    ("j.muster[at]example[dot]org", "j.muster@example.org", ["'[at]' for '@'", "'[dot]' for '.'"]),
    ("j.muster at example dot org", "j.muster@example.org", ["' at ' for '@'", "' dot ' for '.'"]),
    ("j(dot)muster(at)example(dot)org", "j.muster@example.org", ["'(dot)' for '.'", "'(at)' for '@'"]),
    ("info{at}cluster-beispiel.de", "info@cluster-beispiel.de", ["'{at}' for '@'"]),
    ("info (at) cluster-beispiel (punkt) de", "info@cluster-beispiel.de", ["'(at)' for '@'", "'(punkt)' for '.'"]),
    ("info @ cluster-beispiel.de", "info@cluster-beispiel.de", ["' @ ' for '@'"]),
    ("info(@)cluster-beispiel(.)de", "info@cluster-beispiel.de", ["'(@)' for '@'", "'(.)' for '.'"]),
    ("info(a)cluster-beispiel.de", "info@cluster-beispiel.de", ["'(a)' for '@'"]),
    ("j.muster [at] example [dot] co [dot] uk", "j.muster@example.co.uk", ["'[at]' for '@'", "'[dot]' for '.'"]),
])
def test_obfuscated_addresses_are_read_with_a_note(raw, want, forms):
    got = read_email(raw)
    assert got.address == want, got
    assert got.note is not None and got.note.startswith(f"obfuscated e-mail read as {want}"), got.note
    assert all(form in got.note for form in forms), got.note


@pytest.mark.parametrize(("raw", "want"), [
    (f"cfemail:{CF_PROBE}", "k.probe@example.org"),
    (f"cfemail:{CF_PROBE.upper()}", "k.probe@example.org"),
    # key 0x00: the bytes are the address itself
    ("cfemail:00" + b"info@example.de".hex(), "info@example.de"),
    # key 0x7f
    ("cfemail:7f" + bytes(b ^ 0x7F for b in b"m.weber@uni-beispiel.de").hex(), "m.weber@uni-beispiel.de"),
])
def test_cloudflare_protected_addresses_are_decoded_with_a_note(raw, want):
    got = read_email(raw)
    assert got.address == want, got
    assert got.note is not None and got.note.startswith(f"obfuscated e-mail read as {want}"), got.note
    assert "Cloudflare" in got.note, got.note


@pytest.mark.parametrize(("raw", "kind"), [
    ("post@deepsea-mining-alliance.", "truncated"),  # the directory capture's (004_f274a48bf349ce0a.txt)
    ("post@", "truncated"),
    ("k.probe@exam…", "truncated"),
    ("k.probe@example-", "truncated"),
    ("a@b", "invalid"),
    ("a..b@x.de", "invalid"),
    ("k.probe@example.org.", "invalid"),   # a full stop after a complete address: not cut short
    ("k.probe at the office", "invalid"),
    ("cfemail:42", "invalid"),             # no encoded address after the key
    ("cfemail:4229zz", "invalid"),         # not hex
    ("[email protected]", "Cloudflare"),   # the placeholder without its encoded address
])
def test_unreadable_addresses_say_why(raw, kind):
    got = read_email(raw)
    assert got.address is None, got
    assert got.note is not None and kind in got.note and "obfuscated" not in got.note, got.note
    assert kind != "invalid" or "truncated" not in got.note, got.note


def test_a_plain_address_needs_no_note():
    assert read_email(" mailto:Info@Example.ORG ") == read_email("Info@example.org"), read_email("Info@example.org")
    assert read_email("Info@example.org").note is None


@given(st.text(max_size=80))
def test_never_raises_and_is_idempotent(text):
    got = normalize_email(text)
    if got is not None:
        assert normalize_email(got) == got
    read = read_email(text)
    if read.address is not None:
        assert normalize_email(read.address) == read.address and read_email(read.address).note is None, read
