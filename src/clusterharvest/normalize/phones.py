"""Phone numbers as written in German directories ('+49 (0) 711 / 892385 19') to E.164 (ITU-T E.164).

A number is read as international only where the text says so: a '+', the international prefix '00', or a
country code followed by '(0)' ('49 (0) 345 279580': the '(0)' marks what comes before it as a country code).
Any other number is a German national number, which begins with the trunk prefix '0'; digits that do not
('49 345 279580') are not read as a number at all, since taking them for a country code or for a number whose '0'
was left out would both be guesses. A trunk prefix after the country code ('(0)', '+49 0711') is dropped only where that
country's numbers have one, by phonenumbers' metadata (national prefix '0' in Germany and Britain; none in
Italy and San Marino, whose numbers keep their leading 0); there a '(0)' is read as the number's own 0, or, where only
the number without it is valid ('+39 (0) 06 ...'), dropped. Every reading beyond the plain form comes back as a
note, for the caller's issues.

One line may hold more than one number. After a number that is complete and valid on its own, a separator ('/',
',', ';') followed by another complete number starts a further number ('+49 30 1234567, +49 30 7654321'); followed
by one short group ('12345-0 / -67', '1234 56 / 57') it is an alternative extension or ending, which is not read
(gluing it on would give a longer number that still looks valid, as German numbers vary in length). Where the text
before a '/' is no valid number (an area code: '0711 / 892385 19'), the '/' is part of the number's writing.
Full-width digits, plus and brackets ('＋４９') are read as their Unicode NFKC forms (the same characters in
another width; nothing to say).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers

DEFAULT_REGION = "DE"
# Text before the number ('Tel 0049 ...') and from the first letter on ('2732/p>', '12345-67 oder -68', '(mobile)'):
# dropped, the raw text kept in issues; digits after a word are not part of the number.
LEADING_TEXT = re.compile(r"^[^\d+(]+")
FROM_A_LETTER = re.compile(r"[^\W\d_].*$", re.S)
TRAILING_JUNK = re.compile(r"[^\d)]+$")
NOT_NUMBER_TEXT = re.compile(r"[^\d\s()+/.,;\-–]")
BRACKETED_CODE = re.compile(r"^\(\s*(\+|00)\s*(\d{1,3})\s*\)")  # '(+49) 711', '(0049) 711'
SPACED_PLUS = re.compile(r"^\+\s+")
INTERNATIONAL_PREFIX = re.compile(r"^\+?\s*00\s*(?=[1-9])")  # ITU-T E.164's recommended international prefix
BARE_CODE = re.compile(r"^(\d{1,3})\s*(?=\(\s*0\s*\))")  # '49 (0) 345 ...'
TRUNK_ZERO = re.compile(r"\(\s*0\s*\)")
NON_DIGITS = re.compile(r"\D")
NUMBER_CHARACTERS = frozenset("0123456789+()")  # what NFKC may give a number's character (full-width '＋４９')
WIDTH_VARIANTS = ("<wide>", "<narrow>", "<small>")  # Unicode decomposition tags of the full-width and small forms
SEPARATOR = re.compile(r"(\s*[/,;]\s*)")  # between numbers, or ('/') inside one's writing
SHORT_GROUP = re.compile(r"^[-–]?\s*\d{1,4}$")  # an alternative extension or ending ('-67', '57')


@dataclass(frozen=True)
class PhoneReading:
    """A written number read: the valid number (None if it does not validate) and, for a valid one, how it was
    read where that took more than its digits (each note an issue message)."""

    number: phonenumbers.PhoneNumber | None
    notes: tuple[str, ...] = ()
    others: tuple[phonenumbers.PhoneNumber, ...] = ()  # further complete numbers on the same line

    @property
    def numbers(self) -> tuple[phonenumbers.PhoneNumber, ...]:
        """The number and the further numbers, in the order written; () if none was read."""
        return (self.number, *self.others) if self.number is not None else ()


def country_code(digits: str) -> int | None:
    """The country calling code a run of digits after '+' begins with (codes are prefix-free); None if none."""
    codes = phonenumbers.COUNTRY_CODE_TO_REGION_CODE
    return next((int(digits[:n]) for n in (1, 2, 3) if len(digits) >= n and int(digits[:n]) in codes), None)


def trunk_prefix(code: int) -> str | None:
    """The national (trunk) prefix of a calling code's main region in phonenumbers' metadata ('0' for 49, None for
    39 and 378)."""
    return phonenumbers.ndd_prefix_for_region(phonenumbers.region_code_for_country_code(code), True)


def international_form(text: str) -> tuple[str, list[str]]:
    """The text with a country code written without '+' ('0049 ...', '49 (0) ...') given its '+', and what was
    read to do so."""
    text = SPACED_PLUS.sub("+", BRACKETED_CODE.sub(r"\1\2 ", text))
    if found := INTERNATIONAL_PREFIX.match(text):
        code = country_code(NON_DIGITS.sub("", text[found.end():]))
        if code is not None:
            return "+" + text[found.end():], [f"international prefix '00' written for '+'; read as +{code}"]
    if (found := BARE_CODE.match(text)) and int(found[1]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE:
        return "+" + text, [f"country code {found[1]} written without '+' (before '(0)'); read as +{found[1]}"]
    return text, []


def number_characters(text: str) -> str:
    """The text with the width variants of digits, '+' and brackets ('＋', '４', '（') in their NFKC form; other
    compatibility characters stay (a superscript '²' is a footnote mark, not a digit)."""
    return "".join(n if (n := unicodedata.normalize("NFKC", c)) in NUMBER_CHARACTERS
                   and unicodedata.decomposition(c).startswith(WIDTH_VARIANTS) else c for c in text)


def read_phone(raw: str, region: str = DEFAULT_REGION) -> PhoneReading:
    """Read one written number, or the numbers of one line.

    Args:
        raw: the number as written, e.g. '+49 (0) 711 / 892385 19', '49 (0) 345 279580', '+39 06 1234 5678',
            '+49 30 1234567, +49 30 7654321'.
        region: the ISO 3166-1 alpha-2 region of numbers written without a country code.

    Returns:
        The number if phonenumbers validates it (else None, with no notes), further complete numbers of the line in
        ``others``, with notes such as "international prefix '00' written for '+'; read as +49", "trunk zero
        written twice ('(0) 0'); read without it", "a further number on the line, read as +49307654321" or "not read
        after the number: '-67' (an alternative extension or ending after '/')".
    """
    text = number_characters((raw or "").strip())
    notes = ["text around the number dropped"] if NOT_NUMBER_TEXT.search(text) else []
    text = TRAILING_JUNK.sub("", FROM_A_LETTER.sub("", LEADING_TEXT.sub("", text)))
    reading = read_numbers(text, region)
    if reading.number is None:
        return reading
    return PhoneReading(reading.number, (*notes, *reading.notes), reading.others)


def read_numbers(text: str, region: str) -> PhoneReading:
    """The numbers of a line's number text: at the first separator after which what came before is a complete
    number, and what follows is another number or one short group, the line is cut (see the module docstring)."""
    pieces = SEPARATOR.split(text)
    for cut in range(1, len(pieces), 2):
        head = read_number("".join(pieces[:cut]), region)
        if head.number is None:
            continue
        separator, tail = pieces[cut].strip(), "".join(pieces[cut + 1:])
        rest = read_numbers(tail, region)
        if rest.number is not None:
            further = [f"a further number on the line, read as {e164(n)}" for n in rest.numbers]
            return PhoneReading(head.number, (*head.notes, *further, *(n for n in rest.notes if n not in further)),
                                rest.numbers)
        if SHORT_GROUP.match(tail):
            return PhoneReading(head.number, (*head.notes, f"not read after the number: {tail!r} (an alternative "
                                                           f"extension or ending after {separator!r})"))
    return read_number(text, region)


def read_number(text: str, region: str) -> PhoneReading:
    """One number's text (leading and trailing text removed) read; PhoneReading(None) if it is no valid number."""
    text, notes = international_form(text)
    code = country_code(NON_DIGITS.sub("", text)) if text.startswith("+") else None
    if code is not None and TRUNK_ZERO.search(text) and trunk_prefix(code) != "0":
        # No trunk prefix: a written '(0)' is the number's own 0, or a trunk prefix written out of habit before it.
        as_digit = read_digits(TRUNK_ZERO.sub("0", text), code, region)
        if as_digit.number is not None:
            return PhoneReading(as_digit.number, (*notes, f"'(0)' read as a digit: numbers of +{code} keep their "
                                                          "leading 0 (no trunk prefix)", *as_digit.notes))
        dropped = read_digits(TRUNK_ZERO.sub("", text), code, region)
        if dropped.number is not None:
            return PhoneReading(dropped.number, (*notes, f"'(0)' dropped: numbers of +{code} have no trunk prefix, "
                                                         "and the number is valid only without it", *dropped.notes))
        return PhoneReading(None)
    trunk_zero_removed = code is not None and bool(TRUNK_ZERO.search(text))
    reading = read_digits(TRUNK_ZERO.sub("", text), code, region, trunk_zero_removed)
    return PhoneReading(reading.number, (*notes, *reading.notes)) if reading.number is not None else reading


def read_digits(text: str, code: int | None, region: str, trunk_zero_removed: bool = False) -> PhoneReading:
    """A number's digits validated (``code``: the country code it is written with, None for a national number);
    a trunk prefix written after the country code is dropped with a note."""
    digits = NON_DIGITS.sub("", text)
    if len(digits) < 5:
        return PhoneReading(None)
    try:
        number = phonenumbers.parse("+" + digits if code is not None else digits, region)
    except phonenumbers.NumberParseException:
        return PhoneReading(None)
    if code is None and not digits.startswith(phonenumbers.ndd_prefix_for_region(region, True) or ""):
        # A national number without its trunk prefix ('49 345 279580', '44 20 7946 0018'): phonenumbers would take
        # leading digits for a country code or the prefix for omitted; either is a guess, not a reading.
        return PhoneReading(None)
    if not phonenumbers.is_valid_number(number):
        return PhoneReading(None)
    notes = []
    if code is not None:
        written, national = digits[len(str(code)):], phonenumbers.national_significant_number(number)
        if written != national and written.endswith(national):
            notes.append("trunk zero written twice ('(0) 0'); read without it" if trunk_zero_removed else
                         f"trunk prefix {written[:-len(national)]!r} written after the country code; read without it")
    return PhoneReading(number, tuple(notes))


def parse_phone(raw: str, region: str = DEFAULT_REGION) -> phonenumbers.PhoneNumber | None:
    """One written number as a valid phonenumbers number (see ``read_phone``); None if it does not validate."""
    return read_phone(raw, region).number


def e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_phone(raw: str, region: str = DEFAULT_REGION) -> str | None:
    """One written number to E.164; None if it does not validate (callers keep the raw text in the record's
    issues)."""
    number = parse_phone(raw, region)
    return e164(number) if number is not None else None


def is_mobile(number: phonenumbers.PhoneNumber) -> bool:
    """Whether a valid number is in a mobile range (phonenumbers' number type)."""
    return phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
