"""Lines of a directory entry that cannot be read as they stand, and what becomes of them.

The decoding step notes the lines that lost a character before it reached us (the source has a replacement
character, U+FFFD, or a byte that stands for no character) and those in UTF-8 encoded twice; a line that looks
like mojibake ('Ã¼', 'â€“', by ftfy's measure) is found here. None is ever published as a value: a name or city
in mojibake is a parse error, a name line that lost a character quarantines its entry, a description keeps the
line with an issue, and any other line is not read, its text kept in an issue under the field it would have gone
to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from ftfy import fix_encoding
from ftfy.badness import is_bad

from ..errors import ParseError
from ..models import Cluster, Issue, issue
from ..normalize.emails import read_email
from ..normalize.phones import e164, read_phone
from .cluster_directory import DirectoryEntry
from .contact_block import ContactBlock, parse_contact_block
from .lines import Line, classify
from .text import LOST, MOJIBAKE, NO_CHARACTER

Placed = list[tuple[str, str]]  # (line of the entry, field it went to): the audit trail

NOT_READ = "the line is not read, only kept in this issue"
READ_AS_TWIN = "the entry has the same line without it, and it is read as that line"
LOST_KINDS = (LOST, NO_CHARACTER)  # a character lost before it reached us
DAMAGE = (*LOST_KINDS, MOJIBAKE)  # the notes of the decoding step that make a line damaged
# What a description does with such a line: prose is published as the source wrote it.
IN_DESCRIPTION = {LOST: "the description has the line without that character",
                  NO_CHARACTER: "the description has the line without that character",
                  MOJIBAKE: "kept in the description as written"}
# What a name line that lost a character has, in the reason its entry is quarantined.
IN_NAME = {LOST: "a replacement character (U+FFFD)",
           NO_CHARACTER: "a byte that stands for no character (shown as U+FFFD)"}


@dataclass(frozen=True)
class Damaged:
    """A line of an entry that cannot be read as it stands: its text as the source has it; why (``LOST``: the
    source has a replacement character in it; ``NO_CHARACTER``: a byte in it stands for none; ``MOJIBAKE``); and,
    for a lost character, whether the entry has the same line undamaged too (``twin``: only a character inserted,
    such as a ``&#0;``, was lost), as which it is read."""

    raw: str
    reason: str
    twin: bool = False


def damaged_lines(entry: DirectoryEntry) -> dict[str, Damaged]:
    """The entry's damaged lines, by their text as read (a lost character removed): those that lost a character
    (``text.Document``'s notes: a U+FFFD, a byte that is no character), those in UTF-8 encoded twice (noted as
    ``MOJIBAKE``), and those that look like mojibake.

    A line that lost a character has a twin when its text, without the character, stands in the entry more often
    than on the lines that lost one: the entry's notes name a line by its text, so which of the copies lost the
    character is not known, and both are read as the source's undamaged one."""
    lost: dict[str, tuple[str, str, set[int]]] = {}  # line -> (the source's line, why, the document lines it is on)
    twice: dict[str, str] = {}  # line -> the source's line
    for line, note in entry.notes:
        if note.reason in LOST_KINDS:
            lost.setdefault(line, (note.raw, note.reason, set()))[2].add(note.line)
        elif note.reason == MOJIBAKE:
            twice.setdefault(line, note.raw)
    found = {line: Damaged(raw, reason, twin=entry.lines.count(line) > len(noted))
             for line, (raw, reason, noted) in lost.items()}
    for line, raw in twice.items():
        found.setdefault(line, Damaged(raw, MOJIBAKE))
    for line in entry.lines:
        if line not in found and garbled(line):
            found[line] = Damaged(line, MOJIBAKE)
    return found


def reading_issues(entry: DirectoryEntry, placed: Placed, damaged: dict[str, Damaged],
                   went: dict[str, str]) -> list[Issue]:
    """An issue for each line of the entry whose reading needed more than decoding (read as windows-1252), and
    for each damaged line, saying what became of it; filed under the field the line went to (``went``: where a
    line not read would have gone; the nth note on a line the entry has more than once under that line's nth
    place), with the line as the source has it."""
    where = {**dict(reversed(placed)), **went}  # a line's first placement
    each: dict[str, list[str]] = {}  # a line's placements in page order: a line the entry has twice ('USA')
    for line, field in placed:
        each.setdefault(line, []).append(field)
    found = []
    for line, note in entry.notes:
        if note.reason not in DAMAGE:
            fields = each.get(line, [])
            found.append(issue(fields.pop(0) if fields else where.get(line, "entry"), note.reason, note.raw))
    for line, bad in damaged.items():
        field = where.get(line, "entry")
        then = READ_AS_TWIN if bad.twin else IN_DESCRIPTION[bad.reason] if field == "description" else NOT_READ
        found.append(issue(field, f"{bad.reason}; {then}", bad.raw))
    return found


PLACE = re.compile(r"(contacts|addresses)\[(\d+)\](?:\.(\w+))?$")


def without(value: str | None, part: str) -> str | None:
    """A value the contact reader joined from lines ('A, B', 'A; B', 'A b') without one of them; None if it was
    the only one."""
    if value is None or value == part:
        return None
    for sep in ("; ", ", ", " "):
        if value.startswith(part + sep):
            return value[len(part) + len(sep):]
        if value.endswith(sep + part):
            return value[:-len(sep) - len(part)]
        if f"{sep}{part}{sep}" in value:
            return value.replace(f"{sep}{part}{sep}", sep, 1)
    return value


def drop_organisation(block: ContactBlock, part: str) -> None:
    """Take an organisation line out of every organisation of a contact block: the reader joins such lines and
    copies an address's organisation to its contacts."""
    for who in block.contacts:
        who.organisation = without(who.organisation, part)
    for address in block.addresses:
        address.organisation = without(address.organisation, part)


def drop_line(block: ContactBlock, text: str, path: str) -> None:
    """Take out of a contact block what one of its lines (``text``, which the reader put at ``path``) gave it: a
    name with its titles, a role, an organisation, a street, the values of an address line, a number or an
    e-mail address."""
    found = PLACE.match(path)
    if found is None:  # a label, or a line the reader kept in an issue
        return
    kind, n, attr = found.group(1), int(found.group(2)), found.group(3)
    line = classify(text)
    if attr == "organisation":
        drop_organisation(block, text)
    elif kind == "contacts" and n < len(block.contacts):
        who = block.contacts[n]
        if attr == "name":
            who.name = who.academic_title = who.honorific = None
        elif attr == "role":
            who.role = without(who.role, text)
        elif attr in ("phone", "fax", "mobile") and line.label and (number := read_phone(line.label.value).number):
            numbers = getattr(who, attr)
            if e164(number) in numbers:
                numbers.remove(e164(number))
        elif attr == "email" and line.label and who.email == read_email(line.label.value).address:
            who.email = None
    elif kind == "addresses" and n < len(block.addresses):
        address = block.addresses[n]
        if attr == "street" and address.street == text:
            address.street = None
        elif attr is None and line.postcode:
            if line.postcode.street and address.street == line.postcode.street:
                address.street = None
            address.postcode = address.city = address.country = None
            if line.postcode.extra:  # text where the street belongs, read into the organisation
                drop_organisation(block, line.postcode.extra)


def read_contacts(lines: list[Line], unreadable: dict[str, Damaged]) -> tuple[ContactBlock, dict[str, str]]:
    """The entry's contact block without what its ``unreadable`` lines say; and the field each of those went to.

    Such a line is read in its place, so that every other line goes where it belongs (a phone after a person not
    read is still that person's, not the previous person's; a person after a phone not read is a person, not a
    role), as the text it stands for: with the lost character removed, or its mojibake (as the source has it)
    repaired by ftfy, only to tell what kind of line it is. Then whatever it gave is taken out again
    (``drop_line``), and the reader's issues about it.
    """
    stands_for: dict[str, str] = {}  # text the reader saw (a line, a label's value) -> the entry's line
    seen = []
    for line in lines:
        if (bad := unreadable.get(line.text)) is not None:
            original = line.text
            text = fix_encoding(bad.raw if bad.reason == MOJIBAKE else original)
            if text != original:
                line = replace(classify(text), glued=line.glued)
            for shown in (text, line.label.value if line.label else None):  # a label's value: a line of its own
                if shown:
                    stands_for.setdefault(shown, original)
        seen.append(line)
    block = parse_contact_block(seen)
    if not stands_for:
        return block, {}
    went: dict[str, str] = {}
    for text, path in block.placed:
        if text in stands_for:
            drop_line(block, text, path)
            if path != "label" or stands_for[text] not in went:
                went[stands_for[text]] = path
    block.issues = [i for i in block.issues if i.value not in stands_for]
    block.placed = [(stands_for.get(text, text), path) for text, path in block.placed]
    return block, went


def garbled(text: str | None) -> str | None:
    """Why a text looks garbled (mojibake by ftfy's measure: 'Ã¼', 'â€“'), or None."""
    return "mojibake: text decoded in the wrong encoding" if text and is_bad(text) else None


def check_garbled(record: Cluster, entry: DirectoryEntry, source_id: str) -> None:
    """Refuse a record whose id, name or city looks garbled (mojibake by ftfy's measure, or a name line the decoding
    step found in UTF-8 encoded twice), also the city of an address line that is not read for it: never published,
    whatever the gates allow. (Any other line in mojibake is not read, or kept in a description, with an issue: see
    ``build_cluster``.)

    Raises:
        ParseError: naming the source, the entry and the text (and the line as the source has it, for a line
            encoded twice).
    """
    twice = {line: note.raw for line, note in entry.notes if note.reason == MOJIBAKE}
    found: list[tuple[str, str | None, str | None]] = [  # (what, its text, why it looks garbled)
        ("name", record.name, "mojibake: UTF-8 encoded twice" if record.name in twice else garbled(record.name)),
        ("city", record.city, garbled(record.city)), ("id", record.id, garbled(record.id))]
    for line in entry.body_lines:
        if line.postcode and garbled(line.text):
            found.append(("city", line.postcode.city, garbled(line.postcode.city)))
        elif line.postcode and line.text in twice:  # the city encoded twice, if ftfy's repair of the line changes it
            repaired = classify(fix_encoding(twice[line.text])).postcode
            changed = repaired is None or repaired.city != line.postcode.city
            found.append(("city", line.postcode.city, "mojibake: UTF-8 encoded twice" if changed else None))
    for what, text, reason in found:
        if reason:
            written = next((raw for line, raw in twice.items() if text and text in line), None)
            source = f"; the source's line: {written!r}" if written else ""
            raise ParseError(f"entry {entry.position}: its {what} {text!r} looks garbled ({reason}){source}", source_id)


def unreadable_name(entry: DirectoryEntry) -> str | None:
    """Why an entry cannot become a record for its name line, which lost a character (the source has a replacement
    character, U+FFFD, or a byte that stands for no character in it), or None: a name read without the character
    would be a name the source never wrote."""
    line = entry.heading or entry.organisation
    bad = damaged_lines(entry).get(line) if line else None
    if bad is None or bad.reason not in LOST_KINDS or bad.twin:
        return None
    return (f"its name line {bad.raw!r} has {IN_NAME[bad.reason]}, where a character was lost before it "
            "reached us: no record without its name")
