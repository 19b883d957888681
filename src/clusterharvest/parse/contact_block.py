"""An entry's body: description lines, then a contact block of persons, roles, organisations,
addresses, phones and e-mails. Every line is accounted for: it lands in a field or an issue."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..models import Address, Contact, Issue, issue
from ..normalize.addresses import is_street_line, parse_postcode_line
from ..normalize.emails import normalize_email
from ..normalize.persons import is_organisation_line, is_person_line, is_role_line, split_person
from ..normalize.phones import normalize_phone
from .labels import match_label

PROSE_LENGTH = 100


PROSE_END = re.compile(r"[a-zäöüß]{3,}[.!?]$")


def is_prose(line: str) -> bool:
    """A description line: long, a list item, or a sentence."""
    return len(line) >= PROSE_LENGTH or line.startswith("- ") or bool(PROSE_END.search(line))


def is_contact_signal(line: str) -> bool:
    """A line that can only belong to a contact block: a contact, number or e-mail label, or a postcode."""
    found = match_label(line)
    return (found is not None and found.kind in ("contact", "phone", "fax", "mobile", "email")) or (
        parse_postcode_line(line) is not None)


def split_body(body: list[str]) -> tuple[list[str], list[str]]:
    """(description lines, contact block lines): the block starts at the first contact signal, reaching
    back over the short lines above it (person, role, organisation, street) up to the last prose line."""
    first = next((i for i, line in enumerate(body) if is_contact_signal(line)), None)
    if first is None:
        return body, []
    start = first
    while start > 0 and not is_prose(body[start - 1]):
        start -= 1
    return body[:start], body[start:]


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


def parse_contact_block(block_lines: list[str]) -> ContactBlock:
    """Read a contact block line by line into contacts and addresses (see module docstring)."""
    lines = list(block_lines)  # a label's inline value is inserted as a line of its own: never the caller's list
    block = ContactBlock()
    current: Contact | None = None
    after_label = False
    org_lines: list[str] = []
    street: str | None = None

    def contact_index() -> int:
        return block.contacts.index(current) if current in block.contacts else len(block.contacts)

    def need_contact() -> Contact:
        nonlocal current
        if current is None:
            current = Contact()
            block.contacts.append(current)
        return current

    for n, line in enumerate(lines):
        label = match_label(line)
        if label and label.kind == "contact":
            after_label = True
            block.placed.append((line, "label"))
            if label.value:
                lines.insert(n + 1, label.value)  # "Ansprechpartner: Dr. X" -> the value is read next
            continue
        if label and label.kind in ("phone", "fax", "mobile"):
            who = need_contact()
            path = f"contacts[{contact_index()}].{label.kind}"
            number = normalize_phone(label.value)
            if number:
                getattr(who, label.kind).append(number)
                if re.search(r"[^\d\s()+/.\-–]", label.value):
                    block.issues.append(issue(path, "text around the number dropped", label.value))
            else:
                block.issues.append(issue(path, "not a valid phone number", label.value))
            block.placed.append((line, path))
            continue
        if label and label.kind == "email":
            who = need_contact()
            path = f"contacts[{contact_index()}].email"
            email = normalize_email(label.value)
            if email and who.email is None:
                who.email = email
            else:
                reason = "no address after the label" if not label.value else (
                    "second e-mail address" if email else "invalid or truncated e-mail address")
                block.issues.append(issue(path, reason, label.value))
            block.placed.append((line, path))
            continue
        parts = parse_postcode_line(line)
        if parts:
            orgs = org_lines + ([parts.extra] if parts.extra else [])
            block.addresses.append(Address(organisation=join_organisation(orgs), street=parts.street or street,
                                           postcode=parts.postcode, city=parts.city, country=parts.country))
            block.placed.append((line, f"addresses[{len(block.addresses) - 1}]"))
            org_lines, street = [], None
            continue
        if is_street_line(line) and n + 1 < len(lines) and parse_postcode_line(lines[n + 1]):
            street = line
            block.placed.append((line, f"addresses[{len(block.addresses)}].street"))
            continue
        if is_person_line(line) and (current is None or current.name is None or has_numbers(current)
                                     or current.email):
            person = split_person(line)
            if current is not None and current.name is None:
                who = current  # numbers came first (an unnamed contact): the person they belong to
            else:
                who = Contact()
                block.contacts.append(who)
            who.name, who.academic_title, who.honorific = person.name, person.academic_title, person.honorific
            current = who
            after_label = False
            block.placed.append((line, f"contacts[{block.contacts.index(who)}].name"))
            continue
        if current is not None and not after_label:
            index = block.contacts.index(current)
            if has_numbers(current):
                # An organisation after a person's numbers (e.g. 'Deutsches Forschungszentrum ...').
                current.organisation = join_organisation([current.organisation, line] if current.organisation
                                                         else [line])
                block.placed.append((line, f"contacts[{index}].organisation"))
                continue
            if is_role_line(line) or not is_organisation_line(line):
                current.role = f"{current.role}; {line}" if current.role else line
                block.placed.append((line, f"contacts[{index}].role"))
                continue
        org_lines.append(line)
        block.placed.append((line, f"addresses[{len(block.addresses)}].organisation"))
    if org_lines and block.contacts and block.contacts[-1].organisation is None:
        # Organisation lines with no postcode after them: the last contact's organisation.
        block.contacts[-1].organisation = join_organisation(org_lines)
    elif org_lines or street:
        for line in org_lines + ([street] if street else []):
            block.issues.append(issue("contacts", "contact line not understood", line))
    for who in block.contacts:
        if who.organisation is None and block.addresses and block.addresses[0].organisation:
            who.organisation = block.addresses[0].organisation
    return block
