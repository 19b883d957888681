"""Parser for the cluster directory (InterSpiN "cluster network" page, any rendering).

The page is a run of entries. The one line every entry has is its concept-phase targets
("Target countries concept phase: ..." / "Zielländer Konzeptionsphase: ..."), so entries
are anchored on that label, never on markup. Above the anchor sit at most two name lines
(heading, organisation); headings are missing in places and the previous entry's contact
block runs straight into the next name, so the name lines are found by walking back from
the anchor over lines that read as names, stopping at a label, a phone or address line, a
sentence or a list item, and never taking a person (and their organisation) that closes the
contact block above (``contact_tail``). Everything from the anchor to the next entry's name
lines belongs to the entry; an entry left with no name line is named by its own text or not
published (``clusters.nameless``).

A target label written with a typo, another word or no colon is still an anchor (``labels.near_label``); one with
no countries after it takes the line below when that line names countries. What no reading can save (a label
reworded beyond recognition) runs two entries into one: an entry that holds what looks like the start of another
(``second_entry``) is marked, and the record builder quarantines it rather than publish one cluster's contact
under another's name. Lines before the first entry that look like an entry are such an entry too (position 0).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import ParseError
from ..normalize.countries import parse_targets
from ..normalize.names import CLUSTER_WORD_PATTERN as CLUSTER_WORD
from ..normalize.persons import is_organisation_line, is_person_line, is_role_line, split_person
from .contact_block import is_contact_signal, is_prose, parse_contact_block, split_body
from .dates import Dated, as_of
from .labels import text_names_targets
from .lines import Line, classified
from .text import Note, read_document, truncation

MAX_NAME_LINES = 2
MAX_NAME_LENGTH = 120
GENERIC_LABEL = re.compile(r"^[^\s:][^:]{0,40}:\s*\S")
ENDS_LIKE_SENTENCE = re.compile(r"[a-zäöüß]{2,}[.!?][\"”“]?$")
TWO_SENTENCES = re.compile(r"[a-zäöüß]{2,}[.!?]\s+[A-ZÄÖÜ]")
POSTCODE = re.compile(r"(?:^|\s|D-)\d{5}\s+[A-ZÄÖÜ]")
MANY_DIGITS = re.compile(r"(?:\d[\s/().-]*){6,}")
MAX_ENTRIES = 100_000  # far beyond any real directory; more is a page that is not one (or an attack)


@dataclass
class DirectoryEntry:
    """One entry of the directory as written: name lines, target lines and the rest."""

    position: int  # 1-based order on the page
    heading: str | None
    organisation: str | None
    concept: str
    implementation: str | None
    target_lines: list[str] = field(default_factory=list)  # the concept and implementation lines as written
    target_phases: list[str] = field(default_factory=list)  # the phase of each target line ('concept', ...)
    header_extra: list[str] = field(default_factory=list)  # labelled lines among the name lines
    body_lines: list[Line] = field(default_factory=list)  # description and contact block, classified
    lines: list[str] = field(default_factory=list)  # every line of the entry, for the audit
    notes: list[tuple[str, Note]] = field(default_factory=list)  # (line, what reading it needed: text.Document)
    # Why the entry seems to hold a second entry ('second_entry'): it is quarantined, not published. None if not.
    second_entry: str | None = None

    @property
    def body(self) -> list[str]:
        """The description and contact block as text."""
        return [line.text for line in self.body_lines]


def is_name_line(classified_line: Line) -> bool:
    """Whether a line can be a heading or organisation line (short, no label, no sentence)."""
    line = classified_line.text
    return not (
        len(line) > MAX_NAME_LENGTH
        or line.startswith("- ")
        or line.endswith(":")
        or classified_line.label is not None
        or GENERIC_LABEL.match(line) is not None
        or ENDS_LIKE_SENTENCE.search(line) is not None
        or TWO_SENTENCES.search(line) is not None
        or POSTCODE.search(line) is not None
        or MANY_DIGITS.search(line) is not None
    )


def is_stray_label(line: Line) -> bool:
    """A 'Label: value' line of no known kind (e.g. 'Cluster: Finland, ...') next to the anchor."""
    return line.label is None and GENERIC_LABEL.match(line.text) is not None


def entry_start(lines: list[Line], anchor: int, floor: int) -> tuple[int, list[str], list[str]]:
    """Walk back from an anchor: (first line of the entry, name lines, stray labelled lines)."""
    names: list[str] = []
    extra: list[str] = []
    j = anchor - 1
    while j >= floor and len(names) < MAX_NAME_LINES:
        line = lines[j]
        if not names and is_stray_label(line):
            extra.insert(0, line.text)
        elif is_name_line(line):
            names.insert(0, line.text)
        else:
            break
        j -= 1
    return j + 1, names, extra


def awaits_person(block: list[Line]) -> bool:
    """Whether a contact block, read up to its last contact signal, still describes a contact without a name (its
    numbers or address came first, or nobody is named at all): a person line after it names that contact."""
    contacts = parse_contact_block(block).contacts
    return not contacts or contacts[-1].name is None


def is_titled_person(line: str) -> bool:
    """A line naming a person with an academic title or a form of address ('Dr. Max Zweiter', 'Frau Muster')."""
    person = split_person(line)
    return is_person_line(line) and bool(person.academic_title or person.honorific)


WORD = re.compile(r"\w{3,}")


def persons_own(person: str, after: str) -> bool:
    """Whether the line after a person line is that person's: an organisation or a role that does not repeat the
    name's words (a heading repeats its words in the organisation line below it: 'Cool Silicon', 'Cool Silicon
    e.V.')."""
    if not (is_organisation_line(after) or is_role_line(after)):
        return False
    name = split_person(person).name or person
    return not set(WORD.findall(name.casefold())) & set(WORD.findall(after.casefold()))


@dataclass(frozen=True)
class ContactTail:
    """Lines after a contact block's last signal that are that block's contact's, not the next entry's names."""

    person: int  # index of the person line
    end: int  # index of the first line after the contact's lines
    why: str


def contact_tail(lines: list[Line], anchor: int, floor: int) -> ContactTail | None:
    """The person line (and the organisation or role line after it) that close the contact block above an anchor,
    which are that contact's and never the entry's name lines; None where no such line stands there.

    After a block's last contact signal (a label, number, e-mail or postcode line), a person line is that block's
    contact, not a heading, where it gives a title or a form of address ('Dr. Max Zweiter'), or where the block
    still awaits its contact's name (its numbers came first) and the line reads as a person's name (no cluster
    word in it) with the person's organisation or role after it ('Tilman Becker', 'Deutsches Forschungszentrum
    ...'). A line that merely reads as two capitalised words ('Cool Silicon', 'Elektromobilität Süd-West') after
    a block whose contact is named, or with no organisation of its own after it, is a heading, as on the real
    page."""
    signal = next((i for i in range(anchor - 1, floor - 1, -1) if is_contact_signal(lines[i])), None)
    if signal is None or signal + 1 >= anchor:
        return None
    for i in range(signal + 1, anchor):
        text, after = lines[i].text, lines[i + 1].text if i + 1 < anchor else ""
        if lines[i].label is None and is_titled_person(text):
            why = "it names a person with a title or a form of address"
        elif (i == signal + 1 and lines[i].label is None and is_person_line(text) and not CLUSTER_WORD.search(text)
              and persons_own(text, after) and awaits_person(split_body(lines[floor:signal + 1])[1])):
            why = (f"it reads as a person's name, with their organisation or role after it ({after!r}), and the "
                   "block named no person before its numbers")
        else:
            continue
        return ContactTail(i, i + 1 + (1 if after and persons_own(text, after) else 0),
                           f"after the contact block's last number, e-mail or address line, read as that block's "
                           f"contact and not as the next entry's heading: {why}")
    return None


def is_target_label(lines: list[Line], at: int, kind: str) -> bool:
    """Whether a line is a target label of a phase ('concept', 'implementation'). One that names only the phase
    ('Implementation phase:') with nothing after it is one only where the next line names countries: as a heading
    above text it is no label."""
    label = lines[at].label
    if label is None or label.kind != kind:
        return False
    return not (label.phase_only and not label.value) or (at + 1 < len(lines) and is_value_line(lines[at + 1]))


def is_anchor(lines: list[Line], at: int) -> bool:
    """A concept-phase label line. One read without any colon only if what follows its words names countries: a
    sentence that starts with the label's words ('Target countries concept phase and ...') starts no entry."""
    label = lines[at].label
    return is_target_label(lines, at, "concept") and label is not None and not (
        label.unmarked and label.value and not parse_targets(label.value, "target_countries").countries)


def names_targets(line: Line) -> bool:
    """Whether a line without a known label names target countries or regions (at least one)."""
    return text_names_targets(line.text.partition(":")[2] if is_stray_label(line) else line.text)


def is_value_line(line: Line) -> bool:
    """A line that can be the value of the target label above it: no label, no address, no prose, and it names
    countries or regions."""
    return line.label is None and line.postcode is None and not is_prose(line.text) and names_targets(line)


@dataclass
class TargetLines:
    """An entry's target lines as read: the values, the line after them, and what reading them needed."""

    concept: str
    implementation: str | None
    end: int  # index of the first line after the target lines
    notes: list[tuple[int, str]]  # (line index, how it was read)
    split: int  # index of the first implementation-phase line (``end`` where there is none)
    stray: list[str] = field(default_factory=list)  # labelled lines of no known kind naming countries after them

    @property
    def body(self) -> int:
        """Index of the first line of the description and contact block: after the target and stray lines."""
        return self.end + len(self.stray)


def label_value(lines: list[Line], at: int, limit: int, notes: list[tuple[int, str]]) -> tuple[str, int]:
    """A target label's value and the index after it: its own, else the next line's if that names countries."""
    label = lines[at].label
    assert label is not None
    if label.reading:
        notes.append((at, label.reading))
    if label.value:
        return label.value, at + 1
    if at + 1 < limit and is_value_line(lines[at + 1]):
        notes.append((at + 1, f"the countries stand on the line after its label {lines[at].text!r}; read as that "
                              "label's value"))
        return lines[at + 1].text, at + 2
    notes.append((at, "the label has no countries after it, on its line or the next"))
    return "", at + 1


def read_targets(lines: list[Line], anchor: int, limit: int) -> TargetLines:
    """The concept line at ``anchor`` and the implementation line right after it (or after the concept's value
    line), read up to ``limit``, the next anchor."""
    notes: list[tuple[int, str]] = []
    concept, rest = label_value(lines, anchor, limit, notes)
    implementation, split = None, rest
    if rest < limit and is_target_label(lines, rest, "implementation"):
        implementation, rest = label_value(lines, rest, limit, notes)
    stray: list[str] = []  # a target label reworded past reading ('Countries for the later stage: Japan'): not text
    while rest + len(stray) < limit and is_stray_label(line := lines[rest + len(stray)]) and names_targets(line):
        stray.append(line.text)
    return TargetLines(concept, implementation, rest, notes, split, stray)


def is_block_signal(line: Line) -> bool:
    """A contact signal that starts a contact block on its own: not a section label that is a whole line without
    its colon ('Contact', as a menu item or a heading may be), which only starts one with a number or an address
    after it."""
    return is_contact_signal(line) and not (line.label is not None and line.label.unmarked)


def second_entry(lines: list[Line]) -> str | None:
    """Why an entry's description and contact block seem to hold a second entry, else None: an
    implementation-phase line; a name line followed by a labelled line that names countries (an organisation and
    its targets); or, after the contact block began, prose followed by a second contact block. Each is how the next
    entry reads when its concept-phase label was not read, and none stands in a real entry."""
    in_contact, prose, previous = False, None, None
    for at, line in enumerate(lines):
        if is_target_label(lines, at, "implementation"):
            return f"an implementation-phase line ({line.text!r}) below the description"
        if previous is not None and is_stray_label(line) and is_name_line(previous) and names_targets(line):
            return f"an organisation line and a line naming countries ({previous.text!r}, {line.text!r})"
        if is_block_signal(line):
            if prose is not None:
                return f"a second contact block ({line.text!r}) after text below the first ({prose.text[:60]!r})"
            in_contact = True
        elif in_contact and prose is None and is_prose(line.text):
            prose = line
        previous = line
    return None


def quarantine_reason(why: str) -> str:
    """The reason a record builder quarantines an entry that seems to hold a second entry with."""
    return (f"the entry seems to hold a second entry: {why}; a label that starts an entry may be worded so "
            "that it was not read, and the two are not published as one")


def parse_directory(data: bytes | str, url: str = "", content_type: str | None = None) -> list[DirectoryEntry]:
    """A cluster directory page's entries (``parse_directory_page`` without the page's date)."""
    return parse_directory_page(data, url, content_type)[0]


def parse_directory_page(data: bytes | str, url: str = "", content_type: str | None = None
                         ) -> tuple[list[DirectoryEntry], Dated | None]:
    """Parse a cluster directory page into its entries, and the date it states for itself ("(As of ...)").

    Args:
        data: the page as bytes (decoded by header, BOM, ``<meta charset>``) or text; HTML or plain text.
        url: where the page came from, for error messages.
        content_type: the HTTP Content-Type, if known.

    Returns:
        The entries in page order, and the page's own date (``dates.as_of``) or None. An entry that seems to
        hold a second entry has ``second_entry`` set; lines before the first entry that look like an entry
        (a contact block or an implementation-phase line) are an entry of position 0 with it set.

    Raises:
        ParseError: if the page has no entry at all.
    """
    cut = truncation(data, content_type)
    if cut:
        raise ParseError(f"the directory looks cut off: {cut}; its last entries would be lost")
    doc = read_document(data, content_type)
    numbered = [(n, part) for n, line in enumerate(doc.lines) for part in classified(line)]
    lines = [part for _, part in numbered]
    notes: dict[int, list[Note]] = {}
    for note in doc.notes:
        notes.setdefault(note.line, []).append(note)
    anchors = [i for i in range(len(lines)) if is_anchor(lines, i)]
    if not anchors:
        raise ParseError("no directory entries: no 'Target countries concept phase' label found in "
                         f"{url or 'the page'}")
    if len(anchors) > MAX_ENTRIES:
        raise ParseError(f"{len(anchors)} directory entries, more than the parser's limit of {MAX_ENTRIES}")
    targets = [read_targets(lines, anchor, limit) for anchor, limit in zip(anchors, [*anchors[1:], len(lines)],
                                                                             strict=True)]
    readings: dict[int, list[Note]] = {}  # by line of ``lines`` (a page line may have been split into several)
    for found in targets:
        for i, reason in found.notes:
            readings.setdefault(i, []).append(Note(numbered[i][0], lines[i].text, reason))
    starts: list[tuple[int, list[str], list[str]]] = []
    floor = 0
    for anchor, found in zip(anchors, targets, strict=True):
        tail = contact_tail(lines, anchor, floor)
        begun = entry_start(lines, anchor, tail.end if tail else floor)
        if tail and entry_start(lines, anchor, floor)[0] < tail.end:  # the walk would have taken them: say so
            readings.setdefault(tail.person, []).append(Note(numbered[tail.person][0], lines[tail.person].text,
                                                             tail.why))
        starts.append(begun)
        floor = found.body
    entries = []
    preamble = lines[:starts[0][0]]
    if why := second_entry(preamble) or next((f"a contact line ({line.text!r})" for line in preamble
                                              if is_block_signal(line)), None):
        entries.append(DirectoryEntry(
            position=0, heading=None, organisation=None, concept="", implementation=None, body_lines=preamble,
            lines=[line.text for line in preamble],
            second_entry=quarantine_reason(f"the lines before the first entry look like one, {why}")))
    for n, (anchor, (start, names, extra), found) in enumerate(zip(anchors, starts, targets, strict=True)):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        heading, organisation = (names[0], names[1]) if len(names) == 2 else (None, names[0] if names else None)
        body = lines[found.body:end]
        why = second_entry(body)
        entries.append(DirectoryEntry(
            position=n + 1, heading=heading, organisation=organisation, concept=found.concept,
            implementation=found.implementation, target_lines=[line.text for line in lines[anchor:found.end]],
            target_phases=["concept" if i < found.split else "implementation" for i in range(anchor, found.end)],
            header_extra=extra + found.stray, body_lines=body, lines=[line.text for line in lines[start:end]],
            notes=[(lines[i].text, note) for i in range(start, end)
                   for note in (*notes.get(numbered[i][0], ()), *readings.get(i, ()))],
            second_entry=quarantine_reason(why) if why else None,
        ))
    return entries, as_of(doc.lines)
