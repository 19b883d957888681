"""The public variant of a version (``export --redact-personal``): every file without contact persons' names,
titles, forms of address, e-mails and numbers. Personal data is looked for where it sits, not only in its own
fields: in contacts' roles and organisations, addresses, issues, the programme's contact and evidence, the
changelog and the manifest, e-mail addresses and phone numbers (by their form) and the contact persons' names of
this version and of the previous one (a person removed in this version is named nowhere else) are replaced by
``[redacted]``.

The redaction works on the JSON of the records (it looks into every string); the result is validated back into
the models and written by the same exporters as the version itself.
"""

from __future__ import annotations

import re
from typing import Any

from ..controls import escape_controls
from ..dataset import Changes, DatasetVersion, Manifest, file_entries
from ..models import Cluster, Programme
from ..store import pretty_json
from . import export_files
from .datapackage import REDACTED

PERSONAL = ("name", "academic_title", "honorific", "email", "phone", "fax", "mobile")

EMAIL_LIKE = re.compile(r"[\w.%+'-]+@[\w-]+(?:\.[\w-]+)*(?:\.\w{2,})?")
PHONE_LIKE = re.compile(r"(?:\+|\b0)[\d\s()/.\-–]{5,}\d")
# Free text of a contact and of an address that the public variant keeps, with the personal parts scrubbed: a
# role may read "assistant to <name>", an organisation line "c/o <name>, <e-mail>".
CONTACT_TEXT = ("role", "organisation")
ADDRESS_TEXT = ("organisation", "street", "postcode", "city")
# What may follow a name and still be that name: an English or German possessive or plural ('Quellenwald's',
# 'Quellenwalds', 'Quellenwalds''), matched in any letter case.
NAME_ENDING = "(?:['’]s|s['’]?|es|['’])?"
# A record's own fields of free text that can name a person: its city is copied from an address.
RECORD_TEXT = ("organisation", "city")
# Changelog paths whose old and new values hold a person's name: a whole contact, or its name.
NAME_PATH = re.compile(r"^(?:programme\.)?contacts?(?:\[\d+\])?(?:\.name)?$")


def name_forms(name: str) -> set[str]:
    """A person's name and its parts longer than three letters that start upper case ('Jana Quellenwald' ->
    itself, 'Jana', 'Quellenwald'): what redaction looks for in text."""
    return {name, *(part for part in name.split() if len(part) > 3 and part[0].isupper())}


def person_names(records: list[dict[str, Any]], programme: dict[str, Any] | None = None) -> set[str]:
    """Every contact person's name (and its parts) in the records and the programme's contact."""
    names: set[str] = set()
    contacts = [c for r in records for c in r.get("contacts", [])] + [(programme or {}).get("contact") or {}]
    for c in contacts:
        if c.get("name"):
            names |= name_forms(c["name"])
    return names


def changelog_person_names(changes: dict[str, Any] | None) -> set[str]:
    """The names a changelog's contact values hold, old and new: a contact removed in the new version is named
    nowhere else."""
    names: set[str] = set()
    items = [c for kind in ("modified", "renamed") for m in (changes or {}).get(kind, []) for c in m["changes"]]
    for change in items + (changes or {}).get("programme", []):
        if NAME_PATH.match(change["path"]):
            for value in (change.get("old"), change.get("new")):
                name = value.get("name") if isinstance(value, dict) else value
                if isinstance(name, str) and name:
                    names |= name_forms(name)
    return names


def scrub(text: str | None, names: set[str]) -> str | None:
    """Text without e-mail addresses, phone numbers and the given person names, by what they look like,
    wherever they stand (an issue's value or message, a changelog value)."""
    if not text:
        return text
    text = EMAIL_LIKE.sub(REDACTED, text)
    text = PHONE_LIKE.sub(REDACTED, text)
    for name in sorted(names, key=len, reverse=True):  # in any case, with a possessive or plural ending
        text = re.sub(rf"(?<!\w){re.escape(name)}{NAME_ENDING}(?!\w)", REDACTED, text, flags=re.I)
    return text


def scrub_json(value: Any, names: set[str], keep: tuple[str, ...] = ()) -> Any:
    """A JSON value whose strings, at any depth, are scrubbed (``scrub``), but those under the keys ``keep``
    (ids and paths, which name no person)."""
    if isinstance(value, str):
        return scrub(value, names)
    if isinstance(value, list):
        return [scrub_json(v, names, keep) for v in value]
    if isinstance(value, dict):
        return {k: (v if k in keep else scrub_json(v, names, keep)) for k, v in value.items()}
    return value


def redact_issues(issues: list[dict[str, Any]], names: set[str], personal_field: str) -> list[dict[str, Any]]:
    """Issues with e-mail addresses, phone numbers and persons' names scrubbed from message and raw value; an
    issue about a contact (its field starts with ``personal_field``) loses its raw value."""
    return [{**i, "message": scrub(i["message"], names),
             "value": None if i["field"].startswith(personal_field) else scrub(i.get("value"), names)}
            for i in issues]


def redact(records: list[dict[str, Any]], names: set[str] | None = None) -> list[dict[str, Any]]:
    """The public variant: contact persons' names, titles, forms of address, e-mails and numbers removed; in
    contacts' roles and organisations, in addresses and in every issue (message and raw value), e-mail
    addresses, phone numbers and the persons' names (``names``, default: those of the records) are scrubbed,
    and issues about contacts lose their raw value. Roles, organisations and addresses (of organisations)
    stay."""
    names = person_names(records) if names is None else names
    out = []
    for r in records:
        contacts = [{**c, **{k: scrub(c.get(k), names) for k in CONTACT_TEXT},
                     **{k: ([] if isinstance(c.get(k), list) else None) for k in PERSONAL}} for c in r["contacts"]]
        addresses = [{**a, **{k: scrub(a.get(k), names) for k in ADDRESS_TEXT}} for a in r["addresses"]]
        place = r.get("place")
        out.append({**r, **{k: scrub(r.get(k), names) for k in RECORD_TEXT}, "contacts": contacts,
                    "addresses": addresses, "issues": redact_issues(r["issues"], names, "contacts"),
                    **({"place": scrub_json(place, names)} if place else {})})
    return out


def redact_programme(programme: dict[str, Any] | None, names: set[str] | None = None) -> dict[str, Any] | None:
    """The programme record without its contact person's name, title, e-mail and numbers, nor the evidence of
    its contact; the contact's organisation, the other evidence and the issues scrubbed as ``redact`` does
    (``names``, default: the programme contact's)."""
    if not programme:
        return programme
    names = person_names([], programme) if names is None else names
    contact = programme.get("contact")
    if contact:
        contact = {k: (None if k in PERSONAL else scrub(v, names) if k in CONTACT_TEXT else v)
                   for k, v in contact.items()}
    evidence = [{**e, "quote": scrub(e["quote"], names)} for e in programme.get("evidence", [])
                if not PERSONAL_PATH.match(e["path"])]
    return {**programme, "contact": contact, "evidence": evidence,
            "issues": redact_issues(programme.get("issues", []), names, "contact")}


def scrub_changes(changes: dict[str, Any], names: set[str]) -> dict[str, Any]:
    """A changelog whose string values (at any depth) have no e-mail addresses, phone numbers or known names."""
    return dict(scrub_json(changes, names, keep=("path", "id", "from", "to")))


def redact_manifest(manifest: dict[str, Any], names: set[str]) -> dict[str, Any]:
    """The manifest of a public variant (its ``files`` left to fill in): a quarantined entry keeps its source,
    position and (scrubbed) reason but not its lines, whose persons no record names; link issues scrubbed. The
    rest (provenance, checks, inputs) names no person and stays."""
    out = {**manifest, "redacted_personal_data": True, "files": {}}
    if "quarantined" in manifest:
        out["quarantined"] = [{**q, "first_line": None, "lines": [], "reason": scrub(q.get("reason"), names),
                               "redacted": True} for q in manifest["quarantined"] or []]
    if "link_issues" in manifest:
        out["link_issues"] = scrub_json(manifest["link_issues"], names, keep=("id", "source"))
    return out


PERSONAL_PATH = re.compile(r"^(?:programme\.)?contacts?(?:\[\d+\])?(?:\.(?:" + "|".join(PERSONAL) + r"))?$")


def redact_changes(changes: dict[str, Any] | None) -> dict[str, Any] | None:
    """A changelog without personal values: changes of contact persons' fields keep their path only (no old
    or new value, nothing added or removed)."""
    if changes is None:
        return None

    def clean(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{**c, "old": None, "new": None, **{k: [] for k in ("added", "removed") if k in c}, "redacted": True}
                if PERSONAL_PATH.match(c["path"]) else c for c in items]

    return {**changes, "modified": [{**m, "changes": clean(m["changes"])} for m in changes["modified"]],
            "renamed": [{**r, "changes": clean(r["changes"])} for r in changes["renamed"]],
            "programme": clean(changes["programme"])}


def public_version(version: DatasetVersion, previous: DatasetVersion | None = None) -> DatasetVersion:
    """The public variant of a version, as a version: records, programme, changelog and manifest redacted (the
    manifest's ``files`` still to be filled in). The names looked for are those of the contacts (and the
    programme's contact) of this version, of ``previous`` (the version its changes are against, if still there)
    and of the changelog's contact values."""
    records = [c.model_dump(mode="json") for c in version.clusters]
    programme = version.programme.model_dump(mode="json") if version.programme else None
    changes = version.changes.to_json() if version.changes else None
    before = [c.model_dump(mode="json") for c in previous.clusters] if previous else []
    before_programme = previous.programme.model_dump(mode="json") if previous and previous.programme else None
    names = (person_names(records, programme) | person_names(before, before_programme)
             | changelog_person_names(changes))
    public_changes = redact_changes(scrub_changes(changes, names)) if changes is not None else None
    public_programme = redact_programme(programme, names)
    manifest = redact_manifest(version.manifest.to_json(), names)
    # Every string escaped as the commands print it (controls.escape_controls): the harvester's text has no
    # control characters, but a version edited by hand could, and every file here is written anew from it.
    return DatasetVersion(
        manifest=Manifest.model_validate(escaped(manifest)),
        clusters=[Cluster.model_validate(escaped(r)) for r in redact(records, names)],
        programme=None if public_programme is None else Programme.model_validate(escaped(public_programme)),
        changes=None if public_changes is None else Changes.model_validate(escaped(public_changes)))


def escaped(value: Any) -> Any:
    """A JSON value whose strings, at any depth, have their control characters escaped (``\\uXXXX``)."""
    if isinstance(value, str):
        return escape_controls(value)
    if isinstance(value, list):
        return [escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: escaped(v) for k, v in value.items()}
    return value


def public_variant(version: DatasetVersion, previous: DatasetVersion | None = None) -> dict[str, bytes]:
    """Every file of the public variant of a version, its own manifest among them (``public_version``)."""
    public = public_version(version, previous)
    files = export_files(public)
    public.manifest.files = file_entries(files)
    files["manifest.json"] = pretty_json(public.manifest.to_json())
    return files
