"""Files for analysts beside the JSON: CSVs, a Frictionless data package, and the public (redacted) variant.

- ``clusters.csv``: one row per cluster, lists joined with "; ", UTF-8 with a byte-order mark so
  spreadsheets open it right; ``contacts.csv``: one row per contact, with its cluster's id.
- ``datapackage.json``: every data file as a resource with ``path``, ``bytes``, ``hash``
  (``sha256:...``), format, and its schema: a Table Schema for the CSVs, the JSON Schema for the JSON.
- ``public_variant``: every file without contact persons' names, titles, e-mails and numbers; e-mails, phone
  numbers and the contact persons' names of both versions of a change scrubbed from whatever free text the
  files keep about contacts and addresses (roles, organisations, addresses, issues, changelog, manifest).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from typing import Any

from .models import SCHEMA_VERSION
from .schema import changes_schema, clusters_schema, programme_schema
from .store import pretty_json
from .tables import (
    SQLITE_NAME,
    address_rows,
    contacts_rows,
    datasette_metadata,
    joined,
    ndjson_bytes,
    parquet_files,
    sqlite_bytes,
    target_rows,
)

SEP = "; "
PERSONAL = ("name", "academic_title", "honorific", "email", "phone", "fax", "mobile")

# Column: (name, Table Schema type, description[, constraints]).
Column = tuple[str, str, str] | tuple[str, str, str, dict[str, Any]]
CODES = r"([A-Z]{2}(; [A-Z]{2})*)?"  # ISO 3166-1 alpha-2 codes, '; '-separated
E164 = r"(\+[1-9][0-9]{4,14}(; \+[1-9][0-9]{4,14})*)?"  # E.164 numbers, '; '-separated
CLUSTERS_CSV_COLUMNS: list[Column] = [
    ("id", "string", "Stable slug of the cluster's name; the key across versions.", {"required": True}),
    ("name", "string", "The entry's heading, else its organisation line, else derived."),
    ("organisation", "string", "Organisation line under the heading."),
    ("aliases", "string", "Other names used in the sources, '; '-separated."),
    ("round", "integer", "Funding round it was announced in.", {"minimum": 1, "maximum": 3}),
    ("region", "string", "Place the round's announcement gives for it, as written."),
    ("city", "string", "City of its first address that states one."),
    ("project_title", "string", "Project title as quoted in the announcement."),
    ("project_acronym", "string", "Acronym of the project title."),
    ("target_countries_concept", "string", "ISO 3166-1 alpha-2 codes, concept phase, '; '-separated.",
     {"pattern": CODES}),
    ("target_countries_implementation", "string", "ISO 3166-1 alpha-2 codes, implementation phase.",
     {"pattern": CODES}),
    ("target_regions_concept", "string", "Target regions (not countries), concept phase."),
    ("target_regions_implementation", "string", "Target regions (not countries), implementation phase."),
    ("description_en", "string", "English description."),
    ("description_de", "string", "German description."),
    ("contacts", "integer", "Number of contacts (see contacts.csv)."),
    ("addresses", "string", "Postal addresses 'organisation, street, postcode city, country', '; '-separated."),
    ("sources", "string", "Ids of the sources the record came from, '; '-separated."),
    ("issues", "integer", "Number of data-quality issues (see clusters.json for each)."),
]
CONTACTS_CSV_COLUMNS: list[Column] = [
    ("cluster_id", "string", "Id of the cluster (clusters.csv)."),
    ("position", "integer", "Position of the contact within the cluster's contacts, from 0."),
    ("name", "string", "Person's name without titles or honorifics."),
    ("academic_title", "string", "Academic titles."),
    ("honorific", "string", "Form of address."),
    ("role", "string", "Role as written."),
    ("organisation", "string", "Organisation the contact works for."),
    ("email", "string", "E-mail address."),
    ("phone", "string", "Phone numbers in E.164, '; '-separated.", {"pattern": E164}),
    ("fax", "string", "Fax numbers in E.164, '; '-separated.", {"pattern": E164}),
    ("mobile", "string", "Mobile numbers in E.164, '; '-separated.", {"pattern": E164}),
]
ADDRESSES_CSV_COLUMNS: list[Column] = [
    ("cluster_id", "string", "Id of the cluster (clusters.csv)."),
    ("position", "integer", "Position of the address within the cluster's addresses, from 0."),
    ("organisation", "string", "Organisation named with the address."),
    ("street", "string", "Street and house number."),
    ("postcode", "string", "Postcode as written (text: leading zeros stay)."),
    ("city", "string", "City or town."),
    ("country", "string", "ISO 3166-1 alpha-2 code.", {"pattern": "[A-Z]{2}"}),
]
TARGETS_CSV_COLUMNS: list[Column] = [
    ("cluster_id", "string", "Id of the cluster (clusters.csv)."),
    ("phase", "string", "Funding phase.", {"enum": ["concept", "implementation"]}),
    ("country", "string", "Target country, ISO 3166-1 alpha-2 code.", {"pattern": "[A-Z]{2}"}),
]
# The data's licence (the code's is MIT, LICENSE): CC BY 4.0, so anyone may reuse and redistribute the
# compiled data with attribution; the texts quoted from the sources stay their publishers' (LICENSE-DATA).
LICENCE = {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
           "path": "https://creativecommons.org/licenses/by/4.0/"}
HOMEPAGE = ("https://www.bmbf.de/en/internationalisation-of-leading-edge-clusters-forward-looking-projects-and-"
            "comparable-1416.html")


def _joined(values: list[str] | None) -> str:
    return SEP.join(values or [])


def _address(a: dict[str, Any]) -> str:
    place = " ".join(p for p in (a.get("postcode"), a.get("city")) if p)
    return ", ".join(p for p in (a.get("organisation"), a.get("street"), place, a.get("country")) if p)


# A cell a spreadsheet would run as a formula (OWASP "CSV injection"): starting with =, @, a tab or a carriage
# return, or with + or - followed by something other than a plain number (a phone number in E.164 stays as
# it is).
FORMULA_START = re.compile(r"^(?:[=@\t\r]|[+-](?![\d ]+$))")


def neutralise(value: Any) -> Any:
    """A CSV cell that cannot run as a formula: a leading ' before a formula character, as OWASP recommends."""
    if isinstance(value, str) and FORMULA_START.match(value):
        return "'" + value
    return value


def _csv(fields: list[Column], rows: list[dict[str, Any]]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=[f[0] for f in fields], lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: ("" if v is None else neutralise(v)) for k, v in row.items()})
    return buf.getvalue().encode("utf-8-sig")


def clusters_csv(records: list[dict[str, Any]]) -> bytes:
    """``clusters.csv`` from the clusters.json payload."""
    rows = []
    for r in records:
        project = r.get("project") or {}
        rows.append({
            "id": r["id"], "name": r["name"], "organisation": r.get("organisation"), "aliases": _joined(r["aliases"]),
            "round": r.get("round"), "region": r.get("region"), "city": r.get("city"),
            "project_title": project.get("title"), "project_acronym": project.get("acronym"),
            "target_countries_concept": _joined(r["target_countries"]["concept"]),
            "target_countries_implementation": _joined(r["target_countries"]["implementation"]),
            "target_regions_concept": _joined(r["target_regions"]["concept"]),
            "target_regions_implementation": _joined(r["target_regions"]["implementation"]),
            "description_en": r["description"]["en"], "description_de": r["description"]["de"],
            "contacts": len(r["contacts"]), "addresses": SEP.join(_address(a) for a in r["addresses"]),
            "sources": _joined(r["sources"]), "issues": len(r["issues"]),
        })
    return _csv(CLUSTERS_CSV_COLUMNS, rows)


def contacts_csv(records: list[dict[str, Any]]) -> bytes:
    """``contacts.csv``: one row per contact."""
    return _csv(CONTACTS_CSV_COLUMNS, [joined(row) for row in contacts_rows(records)])


def addresses_csv(records: list[dict[str, Any]]) -> bytes:
    """``addresses.csv``: one row per address, with its cluster's id."""
    return _csv(ADDRESSES_CSV_COLUMNS, address_rows(records))


def targets_csv(records: list[dict[str, Any]]) -> bytes:
    """``targets.csv``: target countries in long form, one row per cluster, phase and country."""
    return _csv(TARGETS_CSV_COLUMNS, [{"cluster_id": t["cluster_id"], "phase": t["phase"], "country": t["target"]}
                                      for t in target_rows(records)])


def table_schema(fields: list[Column], key: list[str], refers: bool = False) -> dict[str, Any]:
    """A Frictionless Table Schema (``refers``: its ``cluster_id`` is a foreign key to clusters.csv)."""
    out: dict[str, Any] = {
        "fields": [{"name": f[0], "type": f[1], "description": f[2], **({"constraints": f[3]} if len(f) > 3 else {})}
                   for f in fields],
        "missingValues": [""]}
    if key:
        out["primaryKey"] = key
    if refers:
        out["foreignKeys"] = [{"fields": "cluster_id", "reference": {"resource": "clusters-csv", "fields": "id"}}]
    return out


EMAIL_LIKE = re.compile(r"[\w.%+'-]+@[\w-]+(?:\.[\w-]+)*(?:\.\w{2,})?")
PHONE_LIKE = re.compile(r"(?:\+|\b0)[\d\s()/.\-–]{5,}\d")
REDACTED = "[redacted]"
# Free text of a contact and of an address that the public variant keeps, with the personal parts scrubbed: a
# role may read "assistant to <name>", an organisation line "c/o <name>, <e-mail>".
CONTACT_TEXT = ("role", "organisation")
ADDRESS_TEXT = ("organisation", "street", "postcode", "city")
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
    for name in sorted(names, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", REDACTED, text)
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
        out.append({**r, "contacts": contacts, "addresses": addresses,
                    "issues": redact_issues(r["issues"], names, "contacts")})
    return out


def resource(name: str, path: str, body: bytes, fmt: str, **extra: Any) -> dict[str, Any]:
    """One data package resource with its size and hash."""
    media = {"json": "application/json", "csv": "text/csv", "html": "text/html", "ndjson": "application/x-ndjson",
             "parquet": "application/vnd.apache.parquet", "sqlite": "application/vnd.sqlite3"}[fmt]
    return {"name": name, "path": path, "format": fmt, "mediatype": media, "bytes": len(body),
            "hash": f"sha256:{hashlib.sha256(body).hexdigest()}", **extra}


TABLES = {  # CSV file: (resource name, columns, primary key, whether cluster_id refers to clusters.csv)
    "clusters.csv": ("clusters-csv", CLUSTERS_CSV_COLUMNS, ["id"], False),
    "contacts.csv": ("contacts-csv", CONTACTS_CSV_COLUMNS, ["cluster_id", "position"], True),
    "addresses.csv": ("addresses-csv", ADDRESSES_CSV_COLUMNS, ["cluster_id", "position"], True),
    "targets.csv": ("targets-csv", TARGETS_CSV_COLUMNS, [], True),
}
OTHER_FORMATS = {  # the same data in further formats
    "clusters.ndjson": ("clusters-ndjson", "ndjson", "clusters.json, one record per line"),
    "clusters.parquet": ("clusters-parquet", "parquet", "clusters.csv with lists as lists (Parquet)"),
    "contacts.parquet": ("contacts-parquet", "parquet", "contacts.csv with numbers as lists of strings (Parquet)"),
    "clusterharvest.sqlite": ("clusterharvest-sqlite", "sqlite", "every table in one SQLite database, with "
                              "foreign keys and full-text search on descriptions"),
}


def package_sources(sources: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The data package's ``sources``: each source's address, when its snapshot was made, its own date."""
    out = []
    for s in sources or []:
        entry: dict[str, Any] = {"title": s["id"], "path": s.get("url")}
        for key in ("method", "obtained_at", "stated_date", "reconstructed_from"):
            if s.get(key):
                entry[key] = s[key]
        out.append(entry)
    return out


def datapackage(version: str, files: dict[str, bytes], redacted: bool,
                sources: list[dict[str, Any]] | None = None, created: str | None = None) -> dict[str, Any]:
    """``datapackage.json`` describing the version's data files: schemas with keys and constraints, the
    licence, the sources with their dates, contributors. The same tables in other formats (NDJSON, Parquet,
    SQLite) are listed under ``other_formats`` with their sizes and hashes."""
    resources: list[dict[str, Any]] = []
    other: list[dict[str, Any]] = []
    for path, body in files.items():
        if path == "clusters.json":
            resources.append(resource("clusters-json", path, body, "json", profile="data-resource",
                                      jsonSchema=clusters_schema()))
        elif path == "programme.json":
            resources.append(resource("programme-json", path, body, "json", profile="data-resource",
                                      jsonSchema=programme_schema()))
        elif path == "changes.json":
            resources.append(resource("changes-json", path, body, "json", profile="data-resource",
                                      jsonSchema=changes_schema()))
        elif path in TABLES:
            name, columns, key, refers = TABLES[path]
            resources.append(resource(name, path, body, "csv", encoding="utf-8-sig",
                                      schema=table_schema(columns, key, refers)))
        elif path in OTHER_FORMATS:  # not resources: validators would read them as tables of their own
            name, fmt, what = OTHER_FORMATS[path]
            other.append(resource(name, path, body, fmt, description=what))
    description = ("Funded clusters of the BMBF measure 'Internationalisation of Leading-Edge Clusters, "
                   "Forward-Looking Projects and Comparable Networks' (three rounds, 2015-2017), harvested from "
                   "the programme's web pages, flyer, announcements and the InterSpiN directory.")
    if any(s.get("method") == "reconstructed" for s in sources or []):
        description += (" The bundled sources are reconstructions of text captures of those pages (see "
                        "sources), not the pages themselves.")
    if redacted:
        description += (" Public variant: contact persons' names, titles, forms of address, e-mail addresses and "
                        "phone, fax and mobile numbers are removed, and so are the raw values of issues about "
                        "contacts and the lines of quarantined entries. In roles, organisations and addresses, "
                        "issues, the changelog and the manifest, e-mail addresses and phone numbers (by their form) "
                        "and the names of the contact persons of this version and the previous version are "
                        f"replaced by '{REDACTED}'. Descriptions are kept as published.")
    return {
        "name": "clusterharvest-bmbf-cluster-internationalisation" + ("-public" if redacted else ""),
        "title": "BMBF cluster internationalisation: funded clusters and programme facts",
        "description": description,
        "version": version,
        "redacted_personal_data": redacted,
        "schema_version": SCHEMA_VERSION,
        "created": created,
        "homepage": HOMEPAGE,
        "licenses": [LICENCE],
        "sources": package_sources(sources),
        "contributors": [{"title": "clusterharvest contributors", "role": "author"},
                         {"title": "Federal Ministry of Education and Research (BMBF)", "role": "publisher",
                          "path": HOMEPAGE}],
        "resources": resources,
        "other_formats": other,
    }


def version_files(version: str, data: dict[str, Any], changes: dict[str, Any] | None,
                  redacted: bool = False, sources: list[dict[str, Any]] | None = None,
                  created: str | None = None, checks: list[dict[str, Any]] | None = None) -> dict[str, bytes]:
    """Every file of a version but its manifest: the data files (JSON), ``changes.json`` (after the first
    version), clusters.csv, contacts.csv, report.html, and last ``datapackage.json`` over them. ``sources``
    are the manifest's sources (the report says whether the data comes from reconstructions)."""
    from .report import build_report

    records = data["clusters.json"]
    files = {name: pretty_json(payload) for name, payload in data.items()}
    if changes is not None:
        files["changes.json"] = pretty_json(changes)
    files["clusters.ndjson"] = ndjson_bytes(records)
    files["clusters.csv"] = clusters_csv(records)
    files["contacts.csv"] = contacts_csv(records)
    files["addresses.csv"] = addresses_csv(records)
    files["targets.csv"] = targets_csv(records)
    files.update(parquet_files(records))
    files[SQLITE_NAME] = sqlite_bytes(records, changes)
    files["datasette.json"] = datasette_metadata(version, LICENCE, sources)
    names = [*files, "report.html", "datapackage.json", "manifest.json"]
    files["report.html"] = build_report(version, records, data.get("programme.json"), changes, redacted,
                                        sources, checks, names).encode()
    files["datapackage.json"] = pretty_json(datapackage(version, files, redacted, sources, created))
    return files


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


def redact_manifest(manifest: dict[str, Any], files: dict[str, bytes], names: set[str]) -> dict[str, Any]:
    """The manifest of a public variant: its ``files`` those of the variant; a quarantined entry keeps its
    source, position and (scrubbed) reason but not its lines, whose persons no record names; link issues
    scrubbed. The rest (provenance, checks, inputs) names no person and stays."""
    out = {**manifest, "redacted_personal_data": True,
           "files": {name: {"sha256": hashlib.sha256(body).hexdigest(), "bytes": len(body)}
                     for name, body in files.items()}}
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


def public_variant(version: str, data: dict[str, Any], changes: dict[str, Any] | None,
                   sources: list[dict[str, Any]] | None = None, created: str | None = None,
                   checks: list[dict[str, Any]] | None = None, *, previous: dict[str, Any] | None = None,
                   manifest: dict[str, Any] | None = None) -> dict[str, bytes]:
    """Every file of the public variant of a version: JSON, CSVs, report and package, without personal data,
    and, given the version's ``manifest``, its redacted manifest. The names looked for are those of the
    contacts (and the programme's contact) of this version, of ``previous`` (the data of the version its
    changes are against) and of the changelog's contact values, so a person removed in this version is still
    found wherever the name stands."""
    names = (person_names(data["clusters.json"], data.get("programme.json"))
             | person_names((previous or {}).get("clusters.json", []), (previous or {}).get("programme.json"))
             | changelog_person_names(changes))
    public: dict[str, Any] = {"clusters.json": redact(data["clusters.json"], names)}
    if changes is not None:
        changes = scrub_changes(changes, names)
    if data.get("programme.json") is not None:
        public["programme.json"] = redact_programme(data["programme.json"], names)
    files = version_files(version, public, redact_changes(changes), redacted=True, sources=sources,
                          created=created, checks=checks)
    if manifest is not None:
        files["manifest.json"] = pretty_json(redact_manifest(manifest, files, names))
    return files
