"""E-mail addresses: validated, never repaired; obfuscated forms read, each reading said.

Addresses are internationalised e-mail addresses (RFC 6531): UTF-8 letters and digits may stand in the local part,
and the domain's labels are checked by IDNA2008 (the ``idna`` package; a symbol such as '☃' is not allowed). They
are published in Unicode as written, the domain as its IDNA2008 U-label (lower case, NFC); a domain written as
A-labels ('xn--mller-kva.de') stays so.

Pages hide addresses from harvesters in a few well-known ways, all read here and each reported by
``read_email``'s note: '(at)', '[at]', '{at}', '(a)', '(ät)', '(@)', ' at ' or ' @ ' for '@' and '(dot)', '[dot]',
'(.)', ' dot ' or '(punkt)' for '.' ('j.muster [at] example [dot] org'), and Cloudflare's e-mail protection.
Cloudflare replaces an address with the placeholder '[email protected]' and keeps it in the element's
``data-cfemail`` attribute (or in a link to ``/cdn-cgi/l/email-protection#<hex>``): hex bytes, the first the XOR
key of the others, which are the address in UTF-8. The HTML text extraction (``parse.text.LineCollector``) writes
such a placeholder as ``cfemail:<hex>``, decoded here. A reading counts only if its result is a valid address; a
truncated address ('post@deepsea-mining-alliance.') is never completed.

An address may have something beside it: a full stop ending the sentence ('x@example.org.'; not where dropping it
leaves a domain without a dot, which is a truncated one), a second address ('x@example.org; y@example.org'), a word
('(Sekretariat)'). The first valid address is read, further valid ones are given apart, and the note says what
was dropped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import idna

LOCAL_PART = re.compile(r"^[\w.%+'-]+$")  # RFC 5322's usual atext, and (RFC 6531) letters and digits of any script
# The domain in ASCII (A-labels for an internationalised one): LDH labels, a top-level domain of letters or an A-label.
DOMAIN = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,24}|xn--[A-Za-z0-9-]{1,59})$")
# What an address cut short looks like: a valid start that ends at '@', '.', '-' or an ellipsis.
TRUNCATED = re.compile(r"^[\w.%+'-]+@(?:[\w-]+\.)*[\w-]*(?:\.\.\.|…)?$")
# An address-like run of text inside a longer value ('x@example.org (Sekretariat)', 'x@a.org; y@b.org').
ADDRESS_LIKE = re.compile(r"[^\s,;<>()\[\]\"']+@[^\s,;<>()\[\]\"']+")
BESIDE = " ,;"  # separators around an address in a longer value, not text of their own
CUT_ENDS = ("@", ".", "-", "…")
CFEMAIL = re.compile(r"^cfemail:([0-9A-Fa-f]*)$")  # parse.text.LineCollector's form of a protected address
CF_PLACEHOLDER = "[email protected]"
# Obfuscated '@' and '.': a word in brackets, or a word or the sign between spaces.
AT_FORMS = re.compile(r"\s*[(\[{<]\s*(?:at|ät|a|@)\s*[)\]}>]\s*|\s+at\s+|\s+@\s*|\s*@\s+", re.I)
DOT_FORMS = re.compile(r"\s*[(\[{<]\s*(?:dot|punkt|\.)\s*[)\]}>]\s*|\s+(?:dot|punkt)\s+|\s+\.\s*|\s*\.\s+", re.I)


@dataclass(frozen=True)
class EmailReading:
    """An address as read (None if none could be), and a note (an issue message): how an obfuscated address was
    read, or why no address was ('truncated e-mail address', 'invalid e-mail address'); None for a plain one."""

    address: str | None
    note: str | None = None
    others: tuple[str, ...] = ()  # further valid addresses in the same value


def stripped(raw: str) -> str:
    """The text without surrounding space, 'mailto:' and angle brackets."""
    return (raw or "").strip().removeprefix("mailto:").strip("<>").strip()


def normalize_email(raw: str) -> str | None:
    """A syntactically valid address (RFC 5322's usual form, internationalised as RFC 6531 allows; surrounding space
    and 'mailto:' removed, the domain lower-cased, an internationalised one as its IDNA2008 U-label); None for a
    truncated, malformed or obfuscated one (``read_email`` reads those)."""
    local, at, domain = stripped(raw).rpartition("@")
    if not at or not LOCAL_PART.match(local) or ".." in local or local.startswith(".") or local.endswith("."):
        return None
    try:
        ascii_domain = domain if domain.isascii() else idna.encode(domain, uts46=True).decode("ascii")
        if not DOMAIN.match(ascii_domain):
            return None
        # An A-label is checked by decoding it; an internationalised domain is published as its U-label.
        unicode_domain = idna.decode(ascii_domain) if "xn--" in ascii_domain.lower() else ascii_domain
    except UnicodeError:  # idna.IDNAError: a label IDNA2008 does not allow, or an A-label that decodes to none
        return None
    return f"{local}@{ascii_domain.lower() if domain.isascii() else unicode_domain}"  # as written: ASCII or Unicode


def decode_cfemail(encoded: str) -> str | None:
    """Cloudflare's ``data-cfemail`` hex (first byte the XOR key of the others) as text; None if it is not one."""
    try:
        data = bytes.fromhex(encoded)
        return bytes(b ^ data[0] for b in data[1:]).decode("utf-8") if len(data) > 1 else None
    except (ValueError, UnicodeDecodeError):  # odd length or not hex; bytes that are no UTF-8
        return None


def deobfuscated(text: str) -> tuple[str, list[str]]:
    """The text with obfuscated '@' and '.' written as such, and each form replaced ("'[at]' for '@'")."""
    forms: list[str] = []

    def replace(sign: str) -> Callable[[re.Match[str]], str]:
        def sub(found: re.Match[str]) -> str:
            token = found.group().strip()
            form = f"{token!r} for {sign!r}" if token[:1] in "([{<" else f"' {token} ' for {sign!r}"
            if form not in forms:
                forms.append(form)
            return sign
        return sub

    return DOT_FORMS.sub(replace("."), AT_FORMS.sub(replace("@"), text)), forms


def read_email(raw: str) -> EmailReading:
    """Read one written address, or the addresses of one value.

    Args:
        raw: the text after an e-mail label: 'f.welter@fz-juelich.de', 'l.beispiel(at)example.org',
            'cfemail:42296c...' (see the module docstring), 'x@example.org (Sekretariat)'.

    Returns:
        The valid address (domain lower-cased), further valid addresses of the value in ``others``, and, unless it
        was written plainly, a note: "obfuscated e-mail read as j.muster@example.org: '[at]' for '@', '[dot]' for
        '.'", "full stop after the e-mail address dropped", "text beside the e-mail address not read: ...",
        "truncated e-mail address", "invalid e-mail address". Never raises.
    """
    text = stripped(raw)
    plain = normalize_email(text)
    if plain:
        return EmailReading(plain)
    if found := CFEMAIL.match(text):
        address = normalize_email(decode_cfemail(found.group(1)) or "")
        if address:
            return EmailReading(address, f"obfuscated e-mail read as {address}: decoded from Cloudflare's e-mail "
                                         "protection (data-cfemail)")
        return EmailReading(None, "invalid e-mail address: Cloudflare's e-mail protection that decodes to none")
    if " ".join(text.split()) == CF_PLACEHOLDER:
        return EmailReading(None, "e-mail address hidden by Cloudflare's e-mail protection; the page holds no "
                                  "encoded address for it")
    read, forms = deobfuscated(text)
    address = normalize_email(read) if forms else None
    if address:
        return EmailReading(address, f"obfuscated e-mail read as {address}: {', '.join(forms)}")
    beside = addresses_beside_text(text)
    if beside.address:
        return beside
    beside = addresses_beside_text(read) if forms else beside
    if beside.address:
        said = f"obfuscated e-mail read as {beside.address}: {', '.join(forms)}"
        return EmailReading(beside.address, "; ".join(filter(None, [said, beside.note])), beside.others)
    if TRUNCATED.match(text) and text.endswith(CUT_ENDS) and not normalize_email(text.rstrip(".")):
        return EmailReading(None, "truncated e-mail address")
    return EmailReading(None, "invalid e-mail address")


def addresses_beside_text(text: str) -> EmailReading:
    """The valid addresses in a value that holds more than one address (the first, and the others), with a note
    for what was dropped: a full stop after an address, other text; EmailReading(None) if it holds none."""
    addresses, dropped, kept, stop = [], [], 0, False
    for found in ADDRESS_LIKE.finditer(text):
        candidate = found.group()
        address = normalize_email(candidate)
        if address is None and candidate.endswith(".") and (address := normalize_email(candidate[:-1])):
            stop = True
        if address is None:
            continue
        addresses.append(address)
        dropped.append(text[kept:found.start()])
        kept = found.end()
    if not addresses:
        return EmailReading(None)
    dropped.append(text[kept:])
    rest = [part.strip(BESIDE) for part in dropped if part.strip(BESIDE)]
    notes = ["full stop after the e-mail address dropped"] if stop else []
    notes += [f"text beside the e-mail address not read: {', '.join(repr(part) for part in rest)}"] if rest else []
    return EmailReading(addresses[0], "; ".join(notes) or None, tuple(addresses[1:]))
