"""Phone numbers as written in German directories ('+49 (0) 711 / 892385 19') to E.164."""

from __future__ import annotations

import re

import phonenumbers

DEFAULT_REGION = "DE"
# Markup residue or stray text after the number ('2732/p>'): dropped, the raw text kept in issues.
TRAILING_JUNK = re.compile(r"[^\d)]+$")
SPACED_PLUS = re.compile(r"^\+\s+")
DOUBLE_ZERO = re.compile(r"^00(?=[1-9])")
TRUNK_ZERO = re.compile(r"\(\s*0\s*\)")
DOUBLED_TRUNK_ZERO = re.compile(r"^\s*(?:\+|00)\s*\d{1,3}\s*\(\s*0\s*\)\s*0")
NON_DIGITS = re.compile(r"\D")


def clean_number(raw: str) -> str:
    """Digits and a leading '+' only: '(0)' trunk prefixes after a country code and a doubled trunk '0'
    ('+49 (0) 06441/...') removed, '+ 49' and '0049' read as '+49'."""
    text = TRAILING_JUNK.sub("", raw.strip())
    text = SPACED_PLUS.sub("+", text)
    text = DOUBLE_ZERO.sub("+", text)
    if text.startswith("+"):
        text = TRUNK_ZERO.sub("", text)
    digits = "+" * text.startswith("+") + NON_DIGITS.sub("", text)
    if digits.startswith("+"):
        code = next((digits[1:n] for n in (2, 3, 4) if int(digits[1:n]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE),
                    None) if len(digits) > 4 else None
        if code and digits[1 + len(code):].startswith("0"):
            digits = f"+{code}{digits[1 + len(code):].lstrip('0')}"
    return digits


def parse_phone(raw: str, region: str = DEFAULT_REGION) -> phonenumbers.PhoneNumber | None:
    """One written number as a valid phonenumbers number, German numbers assumed without a country code;
    None if it does not validate."""
    digits = clean_number(raw or "")
    if len(digits.lstrip("+")) < 5:
        return None
    try:
        number = phonenumbers.parse(digits, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_phone(raw: str, region: str = DEFAULT_REGION) -> str | None:
    """One written number to E.164; None if it does not validate (callers keep the raw text in the record's
    issues)."""
    number = parse_phone(raw, region)
    return e164(number) if number is not None else None


def doubled_trunk_zero(raw: str) -> bool:
    """Whether a number writes its trunk zero twice, after a country code ('+49 (0) 06441/...')."""
    return bool(DOUBLED_TRUNK_ZERO.match(raw or ""))


def is_mobile(number: phonenumbers.PhoneNumber) -> bool:
    """Whether a valid number is in a mobile range (phonenumbers' number type)."""
    return phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
