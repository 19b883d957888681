"""An entry's body: description lines, then a contact block of persons, roles, organisations,
addresses, phones and e-mails. Every line is accounted for: it lands in a field or an issue."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import Address, Contact, Issue, issue
from ..normalize.addresses import AddressParts, is_street_line
from ..normalize.emails import read_email
from ..normalize.persons import is_organisation_line, is_person_line, is_role_line, split_person
from ..normalize.phones import e164, is_mobile, read_phone
from .labels import NUMBER_KINDS
from .lines import Line, classify

PROSE_LENGTH = 100


PROSE_END = re.compile(r"[a-zäöüß]{3,}[.!?]$")


def is_prose(line: str) -> bool:
    """A description line: long, a list item, or a sentence."""
    return len(line) >= PROSE_LENGTH or line.startswith("- ") or bool(PROSE_END.search(line))


def is_contact_signal(line: Line) -> bool:
    """A line that can only belong to a contact block: a contact, number or e-mail label, or a postcode."""
    return line.is_label("contact", *NUMBER_KINDS, "email") or line.postcode is not None


def split_body(body: list[Line]) -> tuple[list[Line], list[Line]]:
    """(description lines, contact block lines): the block starts at the first contact signal, reaching
    back over the short lines above it (person, role, organisation, street) up to the last prose line."""
    first = next((i for i, line in enumerate(body) if is_contact_signal(line)), None)
    if first is None:
        return body, []
    start = first
    while start > 0 and not is_prose(body[start - 1].text):
        start -= 1
    return body[:start], body[start:]


# An address in angle brackets after text (RFC 5322's name-addr: 'Dr. Erika Muster <e.muster@example.org>'), the
# form parse.text gives a mailto: link whose text shows no address ('E-Mail: Send an e-mail <...>').
NAME_ADDR = re.compile(r"^(.*?)\s*<([^<>\s@]+@[^<>\s]+)>[.,;]?$")
# A number or an address that no label introduced: six digits or more as numbers are written; an '@' or '(at)'.
PHONE_LIKE = re.compile(r"\d(?:[\s/().\-\u2013]*\d){5,}")
EMAIL_LIKE = re.compile(r"\S@\S|[(\[{]\s*(?:at|@)\s*[)\]}]", re.I)


@dataclass
class ContactBlock:
    """What a contact block says."""

    contacts: list[Contact] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    placed: list[tuple[str, str]] = field(default_factory=list)  # (line, field it went to): the audit trail


def join_organisation(lines: list[str]) -> str | None:
    """Organisation lines as one name: a continuation ('and the Skilled Crafts ...') joins with a space."""
    out = ""
    for line in lines:
        out = f"{out} {line}" if out and line[:1].islower() else f"{out}, {line}" if out else line
    return out or None


def has_numbers(contact: Contact) -> bool:
    """Whether a contact already has a phone, fax or mobile number."""
    return bool(contact.phone or contact.fax or contact.mobile)


def expanded(lines: list[Line]) -> list[Line]:
    """The block's lines with a contact label's inline value as a line of its own ('Ansprechpartner: Dr. X' ->
    'Ansprechpartner: Dr. X', 'Dr. X'), so the value is read like any other line."""
    out = []
    for line in lines:
        out.append(line)
        if line.label and line.label.kind == "contact" and line.label.value:
            out.append(classify(line.label.value))
    return out


class ContactReader:
    """Reads a contact block line by line: each kind of line (a label, a number, an e-mail, a postcode line, a
    street, a person, a line about the person, an organisation) has a small handler; the reader keeps the
    contact being described and the organisation and street lines waiting for their postcode line."""

    def __init__(self) -> None:
        self.block = ContactBlock()
        self.current: int | None = None  # index of the contact being described
        self.after_label = False  # a contact label was seen and no person named since
        self.org_lines: list[str] = []
        self.street: str | None = None
        self.roles: list[str] = []  # the role lines read so far
        self.address_of: list[int | None] = []  # per address, the contact described when it was read (None: none yet)

    def place(self, line: str, where: str) -> None:
        self.block.placed.append((line, where))

    def contact(self) -> tuple[int, Contact]:
        """The contact being described, begun (unnamed) if there is none."""
        if self.current is None:
            self.block.contacts.append(Contact())
            self.current = len(self.block.contacts) - 1
        return self.current, self.block.contacts[self.current]

    def read(self, lines: list[Line]) -> ContactBlock:
        for n, line in enumerate(lines):
            self.read_line(line, lines[n + 1] if n + 1 < len(lines) else None)
        return self.finish()

    def read_line(self, classified: Line, following: Line | None) -> None:
        label, line = classified.label, classified.text
        if classified.glued and label and label.kind == "contact":
            where = f"contacts[{self.current}].role" if self.current is not None else "contacts"
            before = classified.glued[:-len(line)].rstrip()
            seam = ("…" if len(before) > 30 else "") + before[-30:] + line
            self.block.issues.append(issue(where, f"the label {line!r} runs together with the text before it in the "
                                                  f"source ({seam!r}); read as two lines", classified.glued))
        if label and label.kind == "contact":
            if label.reading:
                self.block.issues.append(issue("contacts", label.reading, line))
            self.after_label = True
            self.place(line, "label")
        elif label and label.kind in NUMBER_KINDS:
            self.number(line, label.kind, label.value)
        elif label and label.kind == "email":
            self.email(line, label.value)
        elif classified.postcode:
            self.address(line, classified.postcode)
        elif linked := NAME_ADDR.match(line):
            self.linked_address(line, linked.group(1), linked.group(2))
        elif is_street_line(line) and following is not None and following.postcode:
            self.street = line
            self.place(line, f"addresses[{len(self.block.addresses)}].street")
        elif is_person_line(line) and self.starts_person():
            self.person(line)
        elif unread := self.unread_value(line):
            path, looks = unread
            self.block.issues.append(issue(path, f"looks like {looks} under a label not known; kept as written", line))
            self.place(line, "issues")
        elif not (self.current is not None and not self.after_label and self.about_person(line)):
            self.org_lines.append(line)
            self.organisation_line(line, f"addresses[{len(self.block.addresses)}].organisation")

    def organisation_line(self, line: str, path: str) -> None:
        """Place an organisation line; one that ends with a role line read above has that role glued to it."""
        self.place(line, path)
        glued = next((role for role in self.roles if line != role and line.endswith(f" {role}")), None)
        if glued:
            self.block.issues.append(issue(path, f"the organisation line ends with the contact's role {glued!r}, "
                                                 "which also stands on its own line above; kept as written", line))

    def unread_value(self, line: str) -> tuple[str, str] | None:
        """(field path, what) for a line that holds a phone number or an e-mail address no label introduced (a
        label no lookup knows: 'Zentrale: +49 ...'), which must not become an organisation or a role; else None."""
        field, looks = ("email", "an e-mail address") if EMAIL_LIKE.search(line) else (
            ("phone", "a phone number") if PHONE_LIKE.search(line) else (None, None))
        if field is None or looks is None:
            return None
        return ("contacts" if self.current is None else f"contacts[{self.current}].{field}"), looks

    def linked_address(self, line: str, text: str, address: str) -> None:
        """A line 'text <address>': a person's name with their address (a linked name), else an address after
        text that shows none (``email`` says so)."""
        if text and is_person_line(text) and self.starts_person():
            self.person(text)
            self.email(line, f"<{address}>")
        else:
            self.email(line, line)

    def number(self, line: str, kind: str, value: str) -> None:
        index, who = self.contact()
        kinds = ("phone", "fax") if kind == "phone_and_fax" else (kind,)  # 'Tel./Fax: ...': one number, both
        path = f"contacts[{index}].{kinds[0]}"
        reading = read_phone(value)
        if reading.number is not None:
            for each in kinds:
                getattr(who, each).extend(e164(parsed) for parsed in reading.numbers)
            self.block.issues += [issue(path, note, value) for note in reading.notes]
            if kinds[0] == "phone" and any(is_mobile(parsed) for parsed in reading.numbers):
                self.block.issues.append(issue(path, "a mobile number (by its range) under a phone label; kept as "
                                                     "a phone number, as labelled", value))
        else:
            self.block.issues.append(issue(path, "not a valid phone number", value))
        for each in kinds:
            self.place(line, f"contacts[{index}].{each}")

    def email(self, line: str, value: str) -> None:
        index, who = self.contact()
        path = f"contacts[{index}].email"
        linked = NAME_ADDR.match(value)
        reading = read_email(f"<{linked.group(2)}>" if linked else value)
        if linked and linked.group(1) and reading.address:
            self.block.issues.append(issue(path, f"{linked.group(1)!r} shows no address; read the address in angle "
                                                 "brackets after it (a mailto: link's target, as the page's text is "
                                                 "read)", value))
        if not value:
            self.block.issues.append(issue(path, "no address after the label", value))
        elif reading.address and who.email is not None:
            self.block.issues.append(issue(path, "second e-mail address", value))
        else:
            who.email = reading.address or who.email
            if reading.note:  # how an obfuscated address was read, or why none was
                self.block.issues.append(issue(path, reading.note, value))
            self.block.issues += [issue(path, "second e-mail address", other) for other in reading.others]
        self.place(line, path)

    def address(self, line: str, parts: AddressParts) -> None:
        orgs = self.org_lines + ([parts.extra] if parts.extra else [])
        if parts.extra:
            self.block.issues.append(issue(
                f"addresses[{len(self.block.addresses)}].organisation",
                f"the address line has, where the street belongs, text with no house number ({parts.extra!r}); "
                "read into the address's organisation", line))
        self.address_of.append(self.current)
        self.block.addresses.append(Address(organisation=join_organisation(orgs), street=parts.street or self.street,
                                            postcode=parts.postcode, city=parts.city, country=parts.country))
        self.place(line, f"addresses[{len(self.block.addresses) - 1}]")
        self.org_lines, self.street = [], None

    def starts_person(self) -> bool:
        """Whether a person's name now names a contact: none yet, an unnamed one, or one already described."""
        if self.current is None:
            return True
        who = self.block.contacts[self.current]
        return who.name is None or has_numbers(who) or bool(who.email)

    def person(self, line: str) -> None:
        person = split_person(line)
        if self.current is None or self.block.contacts[self.current].name is not None:
            self.block.contacts.append(Contact())
            self.current = len(self.block.contacts) - 1
        # else: numbers came first (an unnamed contact), and this is the person they belong to
        who = self.block.contacts[self.current]
        who.name, who.academic_title, who.honorific = person.name, person.academic_title, person.honorific
        self.after_label = False
        self.place(line, f"contacts[{self.current}].name")

    def about_person(self, line: str) -> bool:
        """A line after a person: the organisation after their numbers, else their role; False if neither."""
        assert self.current is not None
        who = self.block.contacts[self.current]
        if has_numbers(who):  # an organisation after a person's numbers (e.g. 'Deutsches Forschungszentrum ...')
            who.organisation = join_organisation([who.organisation, line] if who.organisation else [line])
            self.organisation_line(line, f"contacts[{self.current}].organisation")
            return True
        if is_role_line(line) or not is_organisation_line(line):
            who.role = f"{who.role}; {line}" if who.role else line
            self.roles.append(line)
            self.place(line, f"contacts[{self.current}].role")
            return True
        return False

    def finish(self) -> ContactBlock:
        block = self.block
        if self.org_lines and block.contacts and block.contacts[-1].organisation is None:
            # Organisation lines with no postcode after them: the last contact's organisation.
            block.contacts[-1].organisation = join_organisation(self.org_lines)
        elif self.org_lines or self.street:
            for line in self.org_lines + ([self.street] if self.street else []):
                block.issues.append(issue("contacts", "contact line not understood", line))
        for index, who in enumerate(block.contacts):
            if who.organisation is None:
                self.address_organisation(index, who)
        return block

    def address_organisation(self, index: int, who: Contact) -> None:
        """A contact without an organisation line of its own takes its address's organisation: that of the address
        read while it was described (the address after it, before the next contact), or for the first contact one
        read before any contact. One with no address of its own takes none; where the block has an organisation
        at another contact's address, an issue says it was not taken."""
        own = [address for address, of in zip(self.block.addresses, self.address_of, strict=True) if of == index]
        own += [address for address, of in zip(self.block.addresses, self.address_of, strict=True)
                if of is None and index == 0]
        if own:
            who.organisation = next((a.organisation for a in own if a.organisation), None)
            return
        others = list(dict.fromkeys(a.organisation for a in self.block.addresses if a.organisation))
        if others:
            self.block.issues.append(issue(
                f"contacts[{index}].organisation", "no address follows this contact before the next one; the "
                "block's address organisation stands with another contact and was not taken as this one's",
                "; ".join(others)))


def parse_contact_block(block_lines: list[Line] | list[str]) -> ContactBlock:
    """Read a contact block line by line into contacts and addresses (see ``ContactReader``); lines given as
    text are classified first."""
    lines = [line if isinstance(line, Line) else classify(line) for line in block_lines]
    return ContactReader().read(expanded(lines))
