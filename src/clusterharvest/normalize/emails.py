"""E-mail addresses: validated, never repaired; obfuscated forms read, each reading said.

Pages hide addresses from harvesters in a few well-known ways, all read here and each reported by
``read_email``'s note: '(at)', '[at]', '{at}', '(a)', '(@)', ' at ' or ' @ ' for '@' and '(dot)', '[dot]', '(.)',
' dot ' or '(punkt)' for '.' ('j.muster [at] example [dot] org'), and Cloudflare's e-mail protection.
Cloudflare replaces an address with the placeholder '[email protected]' and keeps it in the element's
``data-cfemail`` attribute (or in a link to ``/cdn-cgi/l/email-protection#<hex>``): hex bytes, the first the XOR
key of the others, which are the address in UTF-8. The HTML text extraction (``parse.text.LineCollector``) writes
such a placeholder as ``cfemail:<hex>``, decoded here. A reading counts only if its result is a valid address; a
truncated address ('post@deepsea-mining-alliance.') is never completed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

EMAIL = re.compile(r"^[A-Za-z0-9._%+'-]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}$")
# What an address cut short looks like: a valid start that ends at '@', '.', '-' or an ellipsis.
TRUNCATED = re.compile(r"^[A-Za-z0-9._%+'-]+@(?:[A-Za-z0-9-]+\.)*[A-Za-z0-9-]*(?:\.\.\.|…)?$")
CUT_ENDS = ("@", ".", "-", "…")
CFEMAIL = re.compile(r"^cfemail:([0-9A-Fa-f]*)$")  # parse.text.LineCollector's form of a protected address
CF_PLACEHOLDER = "[email protected]"
# Obfuscated '@' and '.': a word in brackets, or a word or the sign between spaces.
AT_FORMS = re.compile(r"\s*[(\[{<]\s*(?:at|a|@)\s*[)\]}>]\s*|\s+at\s+|\s+@\s*|\s*@\s+", re.I)
DOT_FORMS = re.compile(r"\s*[(\[{<]\s*(?:dot|punkt|\.)\s*[)\]}>]\s*|\s+(?:dot|punkt)\s+|\s+\.\s*|\s*\.\s+", re.I)


@dataclass(frozen=True)
class EmailReading:
    """An address as read (None if none could be), and a note (an issue message): how an obfuscated address was
    read, or why no address was ('truncated e-mail address', 'invalid e-mail address'); None for a plain one."""

    address: str | None
    note: str | None = None


def stripped(raw: str) -> str:
    """The text without surrounding space, 'mailto:' and angle brackets."""
    return (raw or "").strip().removeprefix("mailto:").strip("<>").strip()


def normalize_email(raw: str) -> str | None:
    """A syntactically valid address (surrounding space and 'mailto:' removed, domain lower-cased);
    None for a truncated, malformed or obfuscated one (``read_email`` reads those)."""
    text = stripped(raw)
    if not EMAIL.match(text) or ".." in text:
        return None
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


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
    """Read one written address.

    Args:
        raw: the text after an e-mail label: 'f.welter@fz-juelich.de', 'l.beispiel(at)example.org',
            'cfemail:42296c...' (see the module docstring).

    Returns:
        The valid address (domain lower-cased) and, unless it was written plainly, a note: "obfuscated e-mail read
        as j.muster@example.org: '[at]' for '@', '[dot]' for '.'", "truncated e-mail address", "invalid e-mail
        address". Never raises.
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
    if TRUNCATED.match(text) and text.endswith(CUT_ENDS) and not normalize_email(text.rstrip(".")):
        return EmailReading(None, "truncated e-mail address")
    return EmailReading(None, "invalid e-mail address")
