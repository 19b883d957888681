"""Directory entries to Cluster records: names, ids, target countries, issues."""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass, replace

from ftfy import fix_encoding
from ftfy.badness import is_bad

from ..errors import ParseError
from ..models import Address, Cluster, Issue, Phases, Project, issue
from ..normalize.countries import parse_targets
from ..normalize.emails import read_email
from ..normalize.names import self_name, slugify
from ..normalize.phones import e164, read_phone
from .cluster_directory import DirectoryEntry
from .contact_block import ContactBlock, parse_contact_block, split_body
from .descriptions import Paragraph, describe, find_boilerplate, kept_sentences, paragraphs_of
from .lines import Line, classify
from .projects import mentions_in, resolve
from .text import LOST


def entry_name(entry: DirectoryEntry) -> tuple[str | None, list[Issue]]:
    """Heading, else organisation line, else the name the entry's text uses; a derived name is an issue."""
    if entry.heading:
        if entry.heading.count("(") != entry.heading.count(")"):
            return entry.heading, [issue("name", "the name line has an unclosed bracket (cut short in the source?); "
                                                 "name kept as written", entry.heading)]
        return entry.heading, []
    if entry.organisation:
        return entry.organisation, [issue("name", "entry has no heading; name taken from its organisation line",
                                          entry.organisation)]
    derived = self_name(" ".join(entry.body))
    if derived:
        return derived, [issue("name", "entry has neither heading nor organisation line; name derived from "
                                       "the name its text uses for itself", derived)]
    return None, []


WORD = re.compile(r"\w+")


def words_key(text: str) -> str:
    """' lower-case words ' of a name, a space at both ends, so that containment is word for word."""
    return " " + " ".join(WORD.findall(text.casefold())) + " "


def record_city(addresses: list[Address], own_names: list[str]) -> tuple[str | None, list[Issue]]:
    """The record's city: that of the address of the cluster's own organisation (an address whose organisation
    contains, word for word, its organisation line or name, ``own_names``), else of its first address that
    states a city; where its addresses name different cities, an issue says which was taken and why."""
    stated = [a for a in addresses if a.city]
    if not stated:
        return None, []
    keys = [words_key(name) for name in own_names if WORD.search(name)]
    own = next((a for a in stated if a.organisation and any(k in words_key(a.organisation) for k in keys)), None)
    taken = own or stated[0]
    cities = list(dict.fromkeys(a.city for a in stated if a.city))
    if len(cities) == 1:
        return taken.city, []
    why = (f"the city of the address of the cluster's own organisation ({own.organisation!r})" if own else
           "the first address's city (no address names the cluster's own organisation)")
    return taken.city, [issue("city", f"the addresses name different cities; took {taken.city}, {why}",
                              "; ".join(c for c in cities if c))]


Placed = list[tuple[str, str]]  # (line of the entry, field it went to): the audit trail

MOJIBAKE = "looks like mojibake: text decoded in the wrong encoding"
NOT_READ = "the line is not read, only kept in this issue"
READ_AS_TWIN = "the entry has the same line without it, and it is read as that line"
# What a description does with such a line: prose is published as the source wrote it.
IN_DESCRIPTION = {LOST: "the description has the line without that character",
                  MOJIBAKE: "kept in the description as written"}


@dataclass(frozen=True)
class Damaged:
    """A line of an entry that cannot be read as it stands: its text as the source has it; why (``LOST``: the
    source has a replacement character in it; ``MOJIBAKE``); and, for a lost character, whether the entry has the
    same line undamaged too (``twin``: only a character inserted, such as a ``&#0;``, was lost), as which it is
    read."""

    raw: str
    reason: str
    twin: bool = False


def damaged_lines(entry: DirectoryEntry) -> dict[str, Damaged]:
    """The entry's damaged lines, by their text as read (a U+FFFD removed): those in which the source has a
    replacement character (``text.Document``'s notes), and those that look like mojibake.

    A line that lost a character has a twin when its text, without the character, stands in the entry more often
    than on the lines that lost one: the entry's notes name a line by its text, so which of the copies lost the
    character is not known, and both are read as the source's undamaged one."""
    lost: dict[str, tuple[str, set[int]]] = {}  # line -> (the source's line, the document lines it stands on)
    for line, note in entry.notes:
        if note.reason == LOST:
            lost.setdefault(line, (note.raw, set()))[1].add(note.line)
    found = {line: Damaged(raw, LOST, twin=entry.lines.count(line) > len(noted))
             for line, (raw, noted) in lost.items()}
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
        if note.reason != LOST:
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
    role), as the text it stands for: with the U+FFFD removed, or its mojibake repaired by ftfy, only to tell what
    kind of line it is. Then whatever it gave is taken out again (``drop_line``), and the reader's issues about it.
    """
    stands_for: dict[str, str] = {}  # text the reader saw (a line, a label's value) -> the entry's line
    seen = []
    for line in lines:
        if line.text in unreadable:
            original, text = line.text, fix_encoding(line.text)
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


def build_cluster(entry: DirectoryEntry, source_id: str, boilerplate: set[str] | None = None,
                  body: tuple[list[Line], list[Line]] | None = None,
                  paragraphs: list[Paragraph] | None = None, lang: str = "en") -> tuple[Cluster, Placed]:
    """One entry as a record (ids made unique by ``build_clusters``), with where each line went.

    ``body`` is the entry's ``split_body`` result and ``paragraphs`` its grouped description, when the
    caller already has them; ``lang`` is the source's language ('en' or 'de'), for the country readings.
    """
    damaged = damaged_lines(entry)
    unreadable = {line: bad for line, bad in damaged.items() if not bad.twin}
    placed: Placed = []
    name, issues = entry_name(entry)
    if name is None:
        name = f"Unnamed entry {entry.position}"
        issues.append(issue("name", "entry has no heading, organisation or self-name; named by position"))
    organisation = None if entry.heading and entry.organisation in unreadable else entry.organisation
    placed += [(line, where) for line, where in ((entry.heading, "name"),
                                                 (entry.organisation, "organisation" if entry.heading else "name"))
               if line]
    countries, regions = Phases(), Phases()
    for phase, value in (("concept", entry.concept), ("implementation", entry.implementation)):
        path = f"target_countries.{phase}"
        lines = [line for line, of in zip(entry.target_lines, entry.target_phases, strict=True) if of == phase]
        if value is None:
            issues.append(issue(path, "entry has no implementation-phase line"))
        elif not any(line in unreadable for line in lines):
            targets = parse_targets(value, path, lang)
            issues += targets.issues
            setattr(countries, phase, targets.countries)
            setattr(regions, phase, targets.regions)
        placed += [(line, path) for line in lines]
    issues += [issue("header", "labelled line of unknown kind beside the target countries", line)
               for line in entry.header_extra]
    placed += [(line, "header") for line in entry.header_extra]

    description, contact_lines = body or split_body(entry.body_lines)
    description_lines = [line.text for line in description]
    paragraphs = paragraphs if paragraphs is not None else paragraphs_of(description_lines)
    described, removed = describe(paragraphs, boilerplate or set())
    issues += [issue("description", "the funding measure's boilerplate (sentences that recur across entries), "
                                    "left out of the description", text) for text in removed]
    placed += [(line, "description") for line in description_lines]
    project, ambiguous = resolve(mentions_in(kept_sentences(paragraphs, boilerplate or set()), name))
    if ambiguous:
        issues.append(issue("project", "the text names several projects; none taken",
                            "; ".join(m.title or m.acronym or "" for m in ambiguous)))
    block, went = read_contacts(contact_lines, unreadable)
    issues += block.issues
    placed += block.placed
    issues += reading_issues(entry, placed, damaged, went)
    city, found = record_city(block.addresses, [n for n in (organisation, name) if n])
    issues += found
    record = Cluster(
        id=slugify(name), name=name, organisation=organisation, target_countries=countries,
        target_regions=regions, description=described, contacts=block.contacts, addresses=block.addresses,
        city=city,
        project=Project(title=project.title, acronym=project.acronym, source=source_id,
                        evidence=project.sentence) if project else None,
        sources=[source_id], issues=issues,
    )
    return record, placed


def unplaced_lines(entry: DirectoryEntry, placed: Placed) -> list[str]:
    """Lines of the entry that went to no field and no issue (the audit: should be none)."""
    remaining = list(placed)
    missing = []
    for line in entry.lines:
        found = next((p for p in remaining if p[0] == line), None)
        if found is None:
            missing.append(line)
        else:
            remaining.remove(found)
    return missing


@dataclass(frozen=True)
class Quarantined:
    """An entry left out because it could not become a valid record (the manifest's ``quarantined``)."""

    source: str
    position: int
    first_line: str
    reason: str
    lines: list[str]


def garbled(text: str | None) -> str | None:
    """Why a text looks garbled (mojibake by ftfy's measure: 'Ã¼', 'â€“'), or None."""
    return "mojibake: text decoded in the wrong encoding" if text and is_bad(text) else None


def check_garbled(record: Cluster, entry: DirectoryEntry, source_id: str) -> None:
    """Refuse a record whose id, name or city looks garbled (mojibake by ftfy's measure), also the city of an
    address line that is not read for it: never published, whatever the gates allow. (Any other line that looks
    like mojibake is not read, or kept in a description, with an issue: see ``build_cluster``.)

    Raises:
        ParseError: naming the source, the entry and the text.
    """
    cities = [line.postcode.city for line in entry.body_lines if line.postcode and garbled(line.text)]
    for what, text in (("name", record.name), ("city", record.city), ("id", record.id),
                       *(("city", city) for city in cities)):
        reason = garbled(text)
        if reason:
            raise ParseError(f"entry {entry.position}: its {what} {text!r} looks garbled ({reason})", source_id)


def unreadable_name(entry: DirectoryEntry) -> str | None:
    """Why an entry cannot become a record for its name line, in which the source has a replacement character
    (U+FFFD), or None: a name read without the character would be a name the source never wrote."""
    line = entry.heading or entry.organisation
    bad = damaged_lines(entry).get(line) if line else None
    if bad is None or bad.reason != LOST or bad.twin:
        return None
    return (f"its name line {bad.raw!r} has a replacement character (U+FFFD), where a character was lost before it "
            "reached us: no record without its name")


def invalid_reason(record: Cluster) -> str | None:
    """Why a built record cannot be published, or None: it needs an id (a name that gives a slug)."""
    if not record.id:
        return f"its name {record.name!r} gives no id (no letters or digits)"
    return None


TIME_LIMIT = 300.0  # seconds to build one source's records; a real directory takes well under one


def build_clusters(entries: list[DirectoryEntry], source_id: str,
                   quarantine: list[Quarantined] | None = None, time_limit: float = TIME_LIMIT,
                   lang: str = "en") -> list[Cluster]:
    """All entries as records: boilerplate found across entries, ids unique (a clash gets the page position
    appended, as an issue), and any line that reached no field kept as an issue. ``lang`` is the source's language
    ('en' or 'de'; the registry's ``lang``): on a German source, German ISO 3166-1 country names need no issue.

    An entry that cannot become a valid record raises, unless ``quarantine`` is given: then it is left out
    and described there (source, position, first line, reason, its lines), for the manifest.
    """
    bodies = [split_body(e.body_lines) for e in entries]
    grouped = [paragraphs_of([line.text for line in description]) for description, _ in bodies]
    boilerplate = find_boilerplate(grouped)
    clusters: list[Cluster] = []
    kept: list[DirectoryEntry] = []
    deadline = time.monotonic() + time_limit
    for entry, body, paragraphs in zip(entries, bodies, grouped, strict=True):
        if time.monotonic() > deadline:
            raise ParseError(f"building records took longer than {time_limit:g} s ({len(clusters)} of "
                             f"{len(entries)} entries done)", source_id)
        try:
            record, placed = build_cluster(entry, source_id, boilerplate, body, paragraphs, lang)
            reason = entry.second_entry or invalid_reason(record) or unreadable_name(entry)
        except Exception as exc:  # noqa: BLE001 - one bad entry must not sink the others
            record, placed, reason = None, [], f"{type(exc).__name__}: {exc}"
        if reason is not None or record is None:
            if quarantine is None:
                raise ParseError(f"entry {entry.position} ({(entry.lines or [''])[0]!r}) cannot become a record: "
                                 f"{reason}", source_id)
            quarantine.append(Quarantined(source_id, entry.position, (entry.lines or [""])[0], reason or "invalid",
                                          entry.lines))
            continue
        check_garbled(record, entry, source_id)
        unplaced = [issue("entry", "line not taken into any field", line) for line in unplaced_lines(entry, placed)]
        clusters.append(record.model_copy(update={"issues": [*record.issues, *unplaced]}) if unplaced else record)
        kept.append(entry)
    counts = Counter(c.id for c in clusters)
    return [cluster.model_copy(update={
        "id": f"{cluster.id}-{entry.position}",
        "issues": [*cluster.issues, issue("id", "another entry has the same name; id made unique by position",
                                          cluster.id)]}) if counts[cluster.id] > 1 else cluster
            for entry, cluster in zip(kept, clusters, strict=True)]
