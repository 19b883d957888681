"""Phone numbers to E.164 (expectations written by hand from the directory capture and the numbering plans)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterharvest.normalize.phones import e164, normalize_phone, read_phone


@pytest.mark.parametrize(("raw", "want"), [
    ("+49 1728380024", "+491728380024"),
    ("+49 (0) 711 685 68370", "+4971168568370"),               # "(0)"
    ("+49 (0)345/ 1314 2732/p>", "+4934513142732"),            # "/" and markup residue
    ("+49 (0) 4141 40740 - 15", "+4941414074015"),             # " - " extension
    ("+49 (0) 211 / 67 931-38", "+492116793138"),
    ("+ 49 (0) 40 / 22 70 19 479", "+4940227019479"),          # "+ 49"
    ("+49 (0) 23 51.10 64-195", "+4923511064195"),             # "."
    ("+49 (0) 06441/992051", "+496441992051"),                 # "(0) 0..."
    ("+49 (0)208-9925 - 255", "+492089925255"),
    ("0711 685 68370", "+4971168568370"),                      # German number without country code
    ("0049 711 685 68370", "+4971168568370"),
    ("+33 1 23 45 67 89", "+33123456789"),
    ("12345", None), ("", None), ("call us", None), ("+49 (0) 711", None),
])
def test_normalize_phone(raw, want):
    assert normalize_phone(raw) == want, raw


# A country code is read without its '+' only where the text marks it as one: the international prefix '00' before
# it, or a '(0)' right after it. Each such reading is a note (an issue of the record). Digits that merely begin like
# a country code are a German national number, or nothing.
@pytest.mark.parametrize(("raw", "want", "note"), [
    ("49 (0) 345 279580", "+49345279580", "country code 49 written without '+'"),
    ("49(0)345-279580", "+49345279580", "country code 49 written without '+'"),
    ("44 (0) 20 7946 0018", "+442079460018", "country code 44 written without '+'"),
    ("33 (0)1 23 45 67 89", "+33123456789", "country code 33 written without '+'"),
    ("0049 345 279580", "+49345279580", "international prefix '00' written for '+'; read as +49"),
    ("0049 (0) 345 279580", "+49345279580", "international prefix '00' written for '+'; read as +49"),
    ("00 44 20 7946 0018", "+442079460018", "international prefix '00' written for '+'; read as +44"),
    ("(0049) 711 685 68370", "+4971168568370", "international prefix '00' written for '+'; read as +49"),
    ("0039 06 1234 5678", "+390612345678", "international prefix '00' written for '+'; read as +39"),
    ("00378 0549 886377", "+3780549886377", "international prefix '00' written for '+'; read as +378"),
    # plain national numbers: German, unchanged, nothing to say
    ("0345 279580", "+49345279580", None),
    ("0711 / 685 68370", "+4971168568370", None),
    ("(0711) 685 68370", "+4971168568370", None),
    ("030 1234567", "+49301234567", None),
    # written international forms with nothing to say
    ("(+49) 711 685 68370", "+4971168568370", None),
    ("+49 (0) 345 279580", "+49345279580", None),
    ("+44 (0) 20 7946 0018", "+442079460018", None),
    # digits that begin like a country code, with no "+", "00", "(0)" or trunk "0": not read (no guess)
    ("4971168568370", None, None),
    ("44 20 7946 0018", None, None),
    ("49 345 279580", None, None),
    ("711 685 68370", None, None),
])
def test_country_code_only_where_written_as_one(raw, want, note):
    got = read_phone(raw)
    assert normalize_phone(raw) == want, raw
    assert [n for n in got.notes if note and note in n] == ([n for n in got.notes] if note else []), got.notes
    assert bool(got.notes) == (note is not None), got.notes


# A leading 0 after the country code is a trunk prefix only where the country's numbers have one (phonenumbers'
# metadata): German and British numbers drop it; Italian (Rome, the Vatican) and San Marino numbers keep it.
@pytest.mark.parametrize(("raw", "want", "note"), [
    ("+39 06 1234 5678", "+390612345678", None),                 # Rome
    ("+39 06 6981 2345", "+390669812345", None),                 # the Vatican, on the Italian plan
    ("+39 02 1234 5678", "+390212345678", None),                 # Milan
    ("+378 0549 886377", "+3780549886377", None),                # San Marino
    ("+39 (0)6 1234 5678", "+390612345678", "'(0)' read as a digit: numbers of +39 keep their leading 0"),
    ("+49 0711 685 68370", "+4971168568370", "trunk prefix '0' written after the country code; read without it"),
    ("+44 020 7946 0018", "+442079460018", "trunk prefix '0' written after the country code; read without it"),
    ("+49 (0) 06441/992051", "+496441992051", "trunk zero written twice ('(0) 0'); read without it"),
    ("+39 6 1234 5678", None, None),                             # a Rome number without its 0 is no number
    ("+378 549 886377", None, None),
])
def test_trunk_zero_only_where_the_country_has_a_trunk_prefix(raw, want, note):
    got = read_phone(raw)
    assert normalize_phone(raw) == want, raw
    assert [n for n in got.notes if note and note in n] == ([n for n in got.notes] if note else []), got.notes
    assert bool(got.notes) == (note is not None), got.notes


# Text around a number is dropped with a note; digits after a word are not part of the number (an alternative
# extension, a second number), and the number's own form is read after any words before it.
@pytest.mark.parametrize(("raw", "want", "notes"), [
    ("+49 (0)345/ 1314 2732/p>", "+4934513142732", ("text around the number dropped",)),
    ("+49 30 1234567 (mobile)", "+49301234567", ("text around the number dropped",)),
    ("+49 (0) 30 12345-67 oder -68", "+49301234567", ("text around the number dropped",)),
    ("+49 30 1234567 ext. 12", "+49301234567", ("text around the number dropped",)),
    ("Tel 0049 30 1234567", "+49301234567",
     ("text around the number dropped", "international prefix '00' written for '+'; read as +49")),
    ("Telefon: (0711) 685 68370", "+4971168568370", ("text around the number dropped",)),
])
def test_text_around_the_number_is_a_note(raw, want, notes):
    got = read_phone(raw)
    assert (normalize_phone(raw), got.notes) == (want, notes), got


@given(st.text(max_size=60))
def test_never_raises_and_is_idempotent(text):
    got = normalize_phone(text)
    if got is not None:
        assert got.startswith("+") and normalize_phone(got) == got
        assert read_phone(got).notes == (), read_phone(got)


# After a number that is already complete and valid, a '/' (or ',') followed by one short group is an alternative
# extension or a second ending ('12345-0 / -67': -0 or -67), not more digits of the number: gluing it on gives a
# longer number that still looks valid, as German numbers vary in length. The number before it is read and the
# note says what was not. A '/' between the area code and the subscriber number, as German writing has it, is
# part of the number: what stands before it is no valid number on its own.
@pytest.mark.parametrize(("raw", "want", "not_read"), [
    ("+49 (0)3641 12345-0 / -67", "+493641123450", "'-67'"),
    ("+49 3641 123456 / -457", "+493641123456", "'-457'"),
    ("+49 3641 1234 56 / 57", "+493641123456", "'57'"),
    ("+49 30 1234567, -89", "+49301234567", "'-89'"),
    ("0711 892385-19 / -49", "+4971189238519", "'-49'"),
    # '/' after the area code: one number, nothing to say
    ("+49 (0) 371 / 531 30498", "+4937153130498", None),
    ("0711 / 892385 19", "+4971189238519", None),
    ("+49 (0) 89 / 89 96 79-29", "+498989967929", None),
    ("+49 (0) 6221 / 5419169", "+4962215419169", None),
    ("0 36 41 / 12 34 56", "+493641123456", None),
    ("+49/3641/123456", "+493641123456", None),
])
def test_a_short_group_after_a_complete_number_is_not_glued_on(raw, want, not_read):
    got = read_phone(raw)
    assert (normalize_phone(raw), got.others) == (want, ()), got
    if not_read is None:
        assert got.notes == (), got.notes
    else:
        [note] = got.notes
        assert note.startswith("not read after the number: " + not_read), note


# Two complete numbers on one line, each valid on its own: both are read, the second as a further number, with a
# note; a second number that is not complete on its own is not glued to the first.
@pytest.mark.parametrize(("raw", "want"), [
    ("+49 30 1234567, +49 30 7654321", ["+49301234567", "+49307654321"]),
    ("+49 30 1234567 / +49 30 7654321", ["+49301234567", "+49307654321"]),
    ("+49 30 1234567; 030 7654321", ["+49301234567", "+49307654321"]),
    ("+49 3641 123456, +49 3641 123457", ["+493641123456", "+493641123457"]),
    ("0711 / 892385 19, 0711 / 892385 49", ["+4971189238519", "+4971189238549"]),
    ("+49 30 1234567, +49 (0) 89 / 89 96 79-29, 030 7654321", ["+49301234567", "+498989967929", "+49307654321"]),
])
def test_two_complete_numbers_on_one_line_are_both_read(raw, want):
    got = read_phone(raw)
    assert [e164(n) for n in got.numbers] == want, got
    assert normalize_phone(raw) == want[0], raw
    assert [n for n in got.notes if n.startswith("a further number on the line")] == [
        f"a further number on the line, read as {w}" for w in want[1:]], got.notes


# Where the country has no trunk prefix, a written '(0)' is the number's own 0 if that gives a valid number
# ('+39 (0)6 ...'); before the number's own 0 ('+39 (0) 06 ...') it is a trunk prefix written out of habit, and is
# dropped with a note.
@pytest.mark.parametrize(("raw", "want", "note"), [
    ("+39 (0) 06 1234 5678", "+390612345678", "'(0)' dropped: numbers of +39 have no trunk prefix"),
    ("+39 (0)06 6981 2345", "+390669812345", "'(0)' dropped: numbers of +39 have no trunk prefix"),
    ("+378 (0) 0549 886377", "+3780549886377", "'(0)' dropped: numbers of +378 have no trunk prefix"),
    ("+39 (0)6 1234 5678", "+390612345678", "'(0)' read as a digit: numbers of +39 keep their leading 0"),
])
def test_a_zero_in_brackets_before_the_own_zero_is_dropped_where_there_is_no_trunk_prefix(raw, want, note):
    got = read_phone(raw)
    assert normalize_phone(raw) == want, got
    assert [n for n in got.notes if n.startswith(note)] == list(got.notes) and len(got.notes) == 1, got.notes


# Full-width digits, plus and brackets (East Asian input methods) are the same characters in another width: read
# as such (Unicode NFKC of those characters only), with nothing to say.
@pytest.mark.parametrize(("raw", "want"), [
    ("＋４９ ３６４１ １２３４５６", "+493641123456"),
    ("＋４９ （０） ３６４１ １２３４５６", "+493641123456"),
    ("（０３６４１）　１２３４５６", "+493641123456"),
    ("+49 ３６４１ 123456", "+493641123456"),
])
def test_full_width_digits_plus_and_brackets(raw, want):
    got = read_phone(raw)
    assert (normalize_phone(raw), got.notes) == (want, ()), got


def test_a_superscript_after_a_number_is_no_digit_of_it():
    got = read_phone("+49 30 1234567²")
    assert (normalize_phone("+49 30 1234567²"), got.notes) == ("+49301234567", ("text around the number dropped",)), got
