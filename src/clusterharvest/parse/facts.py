"""Programme facts stated in prose: funding cap, durations, rounds, counts, start, name, funder, contact.

The flyer, the programme page and the announcements say the same things in different words
("up to 4 million Euros", "funding up to four million euros"; "Concept development phase (up to 2
years)", "a concept development phase lasting a maximum of two years"). The extractors here work
on sentences, anchored on what the words mean rather than on one page's layout, and return each
fact with the sentence that states it, so every published value is traceable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..models import Contact
from ..normalize.addresses import is_street_line, parse_postcode_line
from ..normalize.persons import is_organisation_line, is_person_line, is_role_line, split_person
from ..paths import keyed
from .contact_block import EMAIL_LIKE, PHONE_LIKE, PROSE_LENGTH, parse_contact_block
from .labels import NUMBER_KINDS, match_label, split_line

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "twenty": 20,
}
NUM = r"(\d+|" + "|".join(NUMBER_WORDS) + r")"
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
            "5th": 5}
ORDINAL = r"(" + "|".join(ORDINALS) + r")"
MONTHS = {m: n for n, m in enumerate(("january", "february", "march", "april", "may", "june", "july", "august",
                                      "september", "october", "november", "december"), 1)}
MONTH = r"(" + "|".join(MONTHS) + r")"
APPROXIMATE = r"(about|approximately|around|some|roughly|circa|ca\.)"
COUNTED = r"(?:new |promising |further |more |selected |German )*(?:projects|clusters|networks|consortia)"
SENTENCE_BREAK = re.compile(r"(?<=[.!?])[”\"]?\s+(?=[A-Z0-9“\"„])")

FUNDING = re.compile(rf"\b(?:up to|a maximum of|maximum of|at most)\s+(?:(?:EUR|€)\s?{NUM}\s+million\b|"
                     rf"{NUM}\s+million\s+(?:euros?\b|EUR\b|€))", re.I)
DURATION = re.compile(rf"\b(?:over|for) (?:a|the) (?:period|duration|term) of up to {NUM} years\b", re.I)
PHASE = re.compile(rf"\b(concept(?:ion)?|implementation)(?: development)? phase\b[^.;:]{{0,25}}?"
                   rf"\b(?:up to|a maximum of|maximum of|at most|max\.)\s+{NUM}\s+years?\b", re.I)
ROUND_YEARS = re.compile(r"\brounds? of (?:funding|competition)\W{1,3}((?:(?:19|20)\d\d(?:\s*,\s*|\s+and\s+)?)+)",
                         re.I)
APPROX_PER_ROUND = re.compile(rf"\b{APPROXIMATE}\s+{NUM}\b[^.]*?\b(?:each|every|per|a) round\b", re.I)
ORDINAL_ROUND = re.compile(rf"\b{ORDINAL} (?:funding )?round\b", re.I)
COUNT = re.compile(rf"\b{NUM} {COUNTED}\b", re.I)
SELECTED = re.compile(r"\b(?:selected|recommended|chosen|funded|awarded)\b", re.I)
OWN_ROUND = re.compile(r"\b(?:the|this) (?:new|latest|current|present) (?:funding )?round\b|\bnow been selected\b",
                       re.I)
START = re.compile(rf"\b(?:start\w*|begin(?:s|ning)?|commenc\w*)\b[^.]{{0,60}}?\b(?:{MONTH}\s+)?((?:19|20)\d\d)\b",
                   re.I)
NAME = re.compile(r"[“\"„](Internationali[sz]ation of [^”\"“]{10,200}?)[”\"“]", re.I)
# Other names the measure goes by ('name.alias': never the name itself): a heading that is only its name, and
# a quoted designation of the programme ('a programme to develop “international excellence clusters, ...”').
# (A PDF's lines carry no paragraph breaks: the heading after the cover title may run on into it.)
HEADING_NAME = re.compile(r"^(Internationali[sz]ation of [^.!?“”\"„]{10,200}?\b(?:Networks|Netzwerke))"
                          r"(?:\s+[A-Z]\w*)?$")
DESIGNATION = re.compile(r"\b(?:programme|program|initiative|funding measure)\s+(?:to develop|called|named|"
                         r"entitled)\s+[“\"„]([^”\"“]{10,200}?)[”\"“]", re.I)
# A ministry's name: one field, or a list of them ending in 'and' ("of Education and Research", "of Education,
# Science, Research and Technology"); a comma not followed by such an ending leaves the name ("..., Bonn").
FUNDER = re.compile(r"\b(Federal Ministry (?:of|for) [A-Z][a-z]+(?:(?:, [A-Z][a-z]+){0,2} and [A-Z][a-z]+)?)"
                    r"(?:\s*\(([A-Z]{2,6})\))?")
# A heading is capitalised: 'contact with partners' at a line's start is a sentence wrapped there.
CONTACT_LABEL = re.compile(r"^(?:Contact|Kontakt|Ansprechpartner|CONTACT|KONTAKT|ANSPRECHPARTNER)\b[^:]{0,80}$")
# The rest of a number on the line after it ('Fax: +49 2461' / '61-8047'): digits and the signs numbers are written
# with, not starting as a number starts ('+', '0'), which would be a number of its own.
NUMBER_REST = re.compile(r"^[1-9][\d\s/().\-\u2013]*$")
# A word no phrase ends with, written in lower case: an article, a conjunction, 'of', 'für'. A line ending in one runs
# on to the next ("Forward-Looking Projects and" / "Comparable Networks"). A closed class, English and German; not
# 'by', 'to', 'von', which end headings ("Published by", "In writing to", "Herausgegeben von").
OPEN_END = re.compile(r"(?:^|\s)(?:a|an|the|and|or|nor|of|der|die|das|des|dem|den|ein|eine|und|oder|für|zur|zum)$")


@dataclass(frozen=True)
class FactKey:
    """Which field of the programme record a fact states: a field ('max_funding_eur'), a part of one ('phases'
    and 'concept', 'contact' and 'email', 'name' and 'en', 'funder' and 'abbreviation'), or a field of a round
    ('rounds', 'planned_start', round 3; every round: round None, as in "about 10 clusters in each round",
    which states 'projects_selected_approx')."""

    field: str
    part: str | None = None
    round: int | None = None

    @property
    def path(self) -> str:
        """The field's path in programme.json (``paths``): 'rounds[number=3].planned_start' (round 3, not the third
        item), 'rounds[*].projects_selected_approx', 'phases[name=concept].max_years', 'contact.email'."""
        if self.field == "rounds":
            return f"rounds[*].{self.part}" if self.round is None else keyed("rounds", "number", self.round, self.part)
        if self.field == "phases" and self.part:
            return keyed("phases", "name", self.part, "max_years")
        if self.field == "funder" and self.part:
            return "funder_abbreviation"
        return f"{self.field}.{self.part}" if self.part else self.field


@dataclass(frozen=True)
class Fact:
    """One fact a source states: which field, its value, the sentence, and whether it is approximate."""

    key: FactKey
    value: Any
    quote: str
    approximate: bool = False
    # How the value was read where that took interpretation ("obfuscated e-mail read as ..."), each with the text as
    # written: the record's issues when this fact's value is the one kept.
    readings: tuple[tuple[str, str | None], ...] = ()

    @property
    def path(self) -> str:
        """The key's field path."""
        return self.key.path

    def to_json(self) -> dict[str, Any]:
        """What ``extract`` prints of a fact."""
        return {"path": self.path, "value": self.value, "quote": self.quote, "approximate": self.approximate}


def number(word: str) -> int:
    """'11' or 'eleven' as an int."""
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


def prose_sentences(text: str) -> list[str]:
    """Text as sentences with single spaces: paragraphs (split at blank lines) split at sentence ends, so
    line wrapping inside a paragraph does not matter."""
    out = []
    for paragraph in re.split(r"\n\s*\n", text):
        flat = " ".join(paragraph.split())
        out += [s.strip() for s in SENTENCE_BREAK.split(flat) if s.strip()]
    return out


def round_facts(sentence: str, recent: list[int], own_round: int | None) -> list[Fact]:
    """Counts and starts of rounds in one sentence; ``recent`` are the rounds named in the sentences just
    before it, ``own_round`` the round the document announces."""
    facts = []
    named = [ORDINALS[m.group(1).lower()] for m in ORDINAL_ROUND.finditer(sentence)]
    counted = COUNT.search(sentence)
    if counted and SELECTED.search(sentence):
        target = named[0] if len(set(named)) == 1 else (own_round if not named and OWN_ROUND.search(sentence)
                                                         else None)
        if target is not None:
            facts.append(Fact(FactKey("rounds", "projects_selected", target), number(counted.group(1)), sentence))
    approx = APPROX_PER_ROUND.search(sentence)
    if approx:
        facts.append(Fact(FactKey("rounds", "projects_selected_approx"), number(approx.group(2)), sentence,
                          approximate=True))
    start = START.search(sentence)
    if start:
        target = named[-1] if named else (recent[-1] if recent else own_round)
        if target is not None:
            month = start.group(1)
            value = f"{start.group(2)}-{MONTHS[month.lower()]:02d}" if month else start.group(2)
            facts.append(Fact(FactKey("rounds", "planned_start", target), value, sentence))
    return facts


def prose_facts(text: str, own_round: int | None = None) -> list[Fact]:
    """Every programme fact the text states, in text order, each quoting its sentence."""
    facts: list[Fact] = []
    recent: list[int] = []
    for sentence in prose_sentences(text):
        found: list[Fact] = []
        for m in FUNDING.finditer(sentence):
            found.append(Fact(FactKey("max_funding_eur"), number(m.group(1) or m.group(2)) * 1_000_000, sentence))
        for m in DURATION.finditer(sentence):
            found.append(Fact(FactKey("max_duration_years"), number(m.group(1)), sentence))
        for m in PHASE.finditer(sentence):
            phase = "implementation" if m.group(1).lower().startswith("impl") else "concept"
            found.append(Fact(FactKey("phases", phase), number(m.group(2)), sentence))
        for m in ROUND_YEARS.finditer(sentence):
            for n, year in enumerate(re.findall(r"\d{4}", m.group(1)), 1):
                found.append(Fact(FactKey("rounds", "year", n), int(year), sentence))
        for m in NAME.finditer(sentence):
            found.append(Fact(FactKey("name", "en"), " ".join(m.group(1).split()), sentence))
        for m in FUNDER.finditer(sentence):
            found.append(Fact(FactKey("funder"), m.group(1), sentence))
            if m.group(2):
                found.append(Fact(FactKey("funder", "abbreviation"), m.group(2), sentence))
        found += round_facts(sentence, recent, own_round)
        heading = HEADING_NAME.match(sentence)
        if heading:  # a heading naming the measure (the flyer's cover): a name it goes by
            found.append(Fact(FactKey("name", "alias"), heading.group(1), sentence))
        for m in DESIGNATION.finditer(sentence):
            found.append(Fact(FactKey("name", "alias"), " ".join(m.group(1).split()), sentence))
        facts += found
        named = [ORDINALS[m.group(1).lower()] for m in ORDINAL_ROUND.finditer(sentence)]
        recent = (recent + named)[-2:] if named else recent[-1:]
    return facts


def contact_quotes(placed: list[tuple[str, str]], source_of: dict[str, str], person: Contact) -> dict[str, str]:
    """The quote of each of the first contact's fields: the source lines (verbatim, one per line of the quote)
    holding the parts the contact reader placed there; the organisation's are the lines its text is made of
    (organisation lines, a contact's own or its address's, and an address line's text before '|')."""
    def lines(parts: list[str]) -> str:
        return "\n".join(dict.fromkeys(source_of.get(part, part) for part in parts))

    by_path: dict[str, list[str]] = {}
    for part, where in placed:
        by_path.setdefault(where, []).append(part)
    quotes = {field: lines(by_path.get(f"contacts[0].{field}", [])) for field in ("name", "email", "phone", "fax")}
    quotes["academic_title"] = quotes["name"]
    text = person.organisation or ""
    organisation = [part for part, where in placed if (where.endswith(".organisation") and part in text) or
                    (where.startswith("addresses[") and where.endswith("]") and
                     " ".join(part.rpartition("|")[0].split()) in text.split(", "))]
    quotes["organisation"] = lines(organisation)
    return quotes


SetLine = tuple[str, int]  # a line as set, and the number of its paragraph


def titled_person(line: str) -> bool:
    """A person's name with an academic title or a form of address ('Dr. Florian Welter')."""
    person = split_person(line)
    return bool(person.academic_title or person.honorific) and is_person_line(line)


def block_shaped(line: str) -> bool:
    """Whether a line has the shape of a contact block's line, never of a heading's: a label, a street or postcode
    line, an e-mail address or a number, an organisation or a role, a list going on (a comma at its end), a titled
    person."""
    return bool(match_label(line) or is_street_line(line) or parse_postcode_line(line) or EMAIL_LIKE.search(line)
                or PHONE_LIKE.search(line) or is_organisation_line(line) or is_role_line(line) or line.endswith(",")
                or titled_person(line))


def heading_end(lines: list[SetLine], n: int) -> int:
    """Where the contact block under the label line ``lines[n]`` starts.

    A label alone ('Contact') is the whole heading. A phrase ('Contact for General Information about the') may
    wrap: it runs on over the lines with no shape of a block line (``block_shaped``), as long as it reads as one
    label, up to the block's person: over all of them when the block's first shaped line is a titled person; up
    to the last of them when that one is a person's name ('Funding Measure' reads as a name as well as 'Florian
    Welter'), unless the line before it ends in a word no phrase ends with (``OPEN_END``: '... about the'); else
    over those in the label's own paragraph or after such a word, which may be the block's organisation
    otherwise."""
    label, paragraph = lines[n]
    if len(label.split()) < 2:
        return n + 1
    end, heading = n + 1, label
    while end < len(lines) and not block_shaped(lines[end][0]) and CONTACT_LABEL.match(f"{heading} {lines[end][0]}"):
        heading = f"{heading} {lines[end][0]}"
        end += 1
    if end < len(lines) and titled_person(lines[end][0]):
        return end
    if end > n + 1 and is_person_line(lines[end - 1][0]) and not OPEN_END.search(lines[end - 2][0]):
        return end - 1
    return next(i for i in range(n + 1, end + 1)
                if i == end or (lines[i][1] != paragraph and not OPEN_END.search(lines[i - 1][0])))


def continues(previous: str, line: str, same_paragraph: bool) -> bool:
    """Whether ``line`` carries on the block line ``previous`` that a typesetter wrapped: after a label waiting for
    its value ('..., Fax:' / '+49 2461 61-8047'), the rest of a number ('Fax: +49 2461' / '61-8047'), after a comma,
    or in the same paragraph a line of no kind of its own ('Project Management Jülich, Forschungszentrum' / 'Jülich
    GmbH'). A label, a street or postcode line, a person, a number or an e-mail address starts a line of its
    own."""
    if len(previous) + len(line) >= PROSE_LENGTH:
        return False  # a contact line is short: longer, it is prose (``is_prose``), and lines of prose stay apart
    last = match_label(split_line(previous)[-1])
    if last is not None and last.kind in NUMBER_KINDS and last.value and NUMBER_REST.match(line):
        return True  # (before the postcode test: '2461 61-8047' has the shape of a postcode and a place)
    if match_label(line) or parse_postcode_line(line):
        return False
    if last is not None:
        return not last.value
    if is_person_line(line) or is_street_line(line) or EMAIL_LIKE.search(line) or PHONE_LIKE.search(line):
        return False
    return previous.endswith(",") or (same_paragraph and not (is_person_line(previous) or
                                                             parse_postcode_line(previous)))


def block_lines(lines: list[SetLine], max_lines: int) -> list[list[str]]:
    """The contact block's lines as written, each as the lines it was set on (see ``continues``): at most
    ``max_lines``, through the first e-mail line."""
    out: list[list[str]] = []
    for n, (line, paragraph) in enumerate(lines):
        if out and continues(" ".join(out[-1]), line, paragraph == lines[n - 1][1]):
            out[-1].append(line)
            continue
        label = match_label(" ".join(out[-1])) if out else None
        if len(out) == max_lines or (label and label.kind == "email"):
            break
        out.append([line])
    return out


def contact_facts(paragraphs: list[str], max_lines: int = 8) -> list[Fact]:
    """The contact block under a 'Contact ...' label line: person, organisation, phone, fax, e-mail, each
    quoting the lines it was read from as the source has them (a line holding both the phone and the fax is
    the quote of both; a value spread over lines quotes them one per line).

    ``paragraphs``: the text's paragraphs, each its lines as set, '\\n' between them (a web page's lines are a
    paragraph each). A line a typesetter wrapped is read whole: the heading (``heading_end``), an organisation, a
    number or an address wrapped after its label (``continues``), and quotes the lines it was set on.
    """
    lines = [(line, n) for n, paragraph in enumerate(paragraphs) for line in paragraph.splitlines() if line.strip()]
    for n, (line, _) in enumerate(lines):
        if not CONTACT_LABEL.match(line):
            continue
        block: list[str] = []
        source_of: dict[str, str] = {}  # a part of a line ('Fax: ...' of 'Phone.: ..., Fax: ...') -> its lines as set
        for wrapped in block_lines(lines[heading_end(lines, n):], max_lines):
            parts = split_line(" ".join(wrapped))
            block += parts
            for part in parts:
                source_of.setdefault(part, "\n".join(wrapped))
        parsed = parse_contact_block(block)
        if not parsed.contacts:
            continue
        person = parsed.contacts[0]
        values = {"name": person.name, "academic_title": person.academic_title, "organisation": person.organisation,
                  "email": person.email, "phone": person.phone[0] if person.phone else None,
                  "fax": person.fax[0] if person.fax else None}
        readings = {k: tuple((i.message, i.value) for i in parsed.issues if i.field == f"contacts[0].{k}")
                    for k in values}
        quotes = contact_quotes(parsed.placed, source_of, person)
        whole = "\n".join(dict.fromkeys(source_of.values()))  # for a value read from no line of its own
        return [Fact(FactKey("contact", k), v, quotes[k] or whole, readings=readings[k]) for k, v in values.items()
                if v is not None]
    return []
