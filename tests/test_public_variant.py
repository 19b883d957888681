"""The public variant (``export --redact-personal``) by where personal data sits, not only by how it looks:
names, e-mail addresses and phone numbers planted in every free-text field of a contact and of an address,
in issues, in the programme's contact and in quarantined lines, across two versions (a contact and a cluster
removed in the second), and searched for in every exported file, each read as its tools read it."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq

from clusterharvest.dataset import Run
from clusterharvest.models import Cluster, Programme
from clusterharvest.publish import publish_version

from .test_cli import run_cli

# The persons: contacts of the first version only (Jana Quellenwald's contact is removed in the second, Ulla
# Sonnfeld's cluster is removed), of both (Bodo Reinhold), the programme's contact of each version, and a person
# named only in a quarantined entry's lines.
PLANTED = ("Jana Quellenwald jq.private@example.net +49 30 9876543; Ulla Sonnfeld u.sonnfeld@example.org "
           "0421 555 1234; Bodo Reinhold; Kai Lindqvist; Wiebke Sturmfeld ws@example.com")
SECRETS = ["Jana", "Quellenwald", "jq.private@example.net", "9876543", "Ulla", "Sonnfeld", "u.sonnfeld",
           "555 1234", "5551234", "Bodo", "Reinhold", "bodo.r@example.org", "Kai Lindqvist", "Lindqvist", "Wiebke",
           "Sturmfeld", "ws@example.com", "Xaver", "Unbekannt", "xu@example.com", "7654321"]
QUARANTINED = [{"source": "directory", "position": 7, "first_line": "Xaver Unbekannt",
                "reason": "the entry gives no name to make an id from",
                "lines": ["Xaver Unbekannt", "xu@example.com", "Tel. +49 89 7654321"]}]


def contact(name: str, email: str, phone: str) -> dict:
    return {"name": name, "academic_title": f"Dr. {PLANTED}", "honorific": PLANTED, "role": f"Lead, {PLANTED}",
            "organisation": f"Cluster e.V., c/o {PLANTED}", "email": email, "phone": [phone], "fax": [phone],
            "mobile": [phone]}


def cluster(cid: str, contacts: list[dict]) -> Cluster:
    return Cluster.model_validate({
        "id": cid, "name": cid.title(), "organisation": f"{cid.title()} e.V.", "sources": ["directory"],
        "description": {"en": "An ordinary description.", "de": None}, "contacts": contacts,
        "addresses": [{"organisation": f"{cid.title()} e.V., attn. {PLANTED}", "street": f"Hauptstr. 5, {PLANTED}",
                       "postcode": f"01067 {PLANTED}", "city": f"Dresden {PLANTED}", "country": "DE"}],
        "issues": [{"field": "header", "message": f"line of unknown kind, naming {PLANTED}", "value": PLANTED},
                   {"field": "contacts[0].email", "message": "a truncated e-mail", "value": "jq.private@exam"},
                   {"field": "addresses[0].street", "message": "text dropped", "value": PLANTED}]})


def programme(name: str, email: str) -> Programme:
    return Programme.model_validate({
        "funder": "BMBF", "contact": {"name": name, "academic_title": "Dr.", "organisation": f"PtJ, {PLANTED}",
                                      "email": email, "phone": "+492461619051", "fax": None},
        "evidence": [{"path": "contact", "source": "flyer", "quote": f"Contact: {name}, {email}"},
                     {"path": "funder", "source": "flyer", "quote": f"BMBF, questions to {name}"}],
        "issues": [{"field": "contact.organisation", "message": f"read from {PLANTED}", "value": PLANTED},
                   {"field": "funder", "message": f"stated by {name}", "value": PLANTED}]})


def two_versions(out: Path) -> str:
    """Version 1: clusters alpha (Jana Quellenwald, Bodo Reinhold) and beta (Ulla Sonnfeld), programme contact
    Kai Lindqvist. Version 2: alpha with Bodo Reinhold only, beta gone, programme contact Wiebke Sturmfeld."""
    jana = contact("Jana Quellenwald", "jq.private@example.net", "+49309876543")
    bodo = contact("Bodo Reinhold", "bodo.r@example.org", "+494215551234")
    ulla = contact("Ulla Sonnfeld", "u.sonnfeld@example.org", "+494215551234")
    sources = [{"id": "directory", "kind": "cluster-directory", "url": "https://example.org/dir"}]
    run = Run.model_validate({"sources": sources, "quarantined": QUARANTINED})
    publish_version(out, [cluster("alpha", [jana, bodo]), cluster("beta", [ulla])], run,
                    programme=programme("Kai Lindqvist", "kl@example.com"), now=datetime(2026, 1, 1, tzinfo=UTC))
    second = publish_version(out, [cluster("alpha", [bodo])], run,
                             programme=programme("Wiebke Sturmfeld", "ws@example.com"),
                             now=datetime(2026, 2, 1, tzinfo=UTC))
    return second.version


def sqlite_dump(path: Path) -> str:
    """Every statement that rebuilds the database (the FTS index's shadow tables too), with each blob's bytes
    also as text, so a name inside an index is seen."""
    db = sqlite3.connect(path)
    try:
        dump = "\n".join(db.iterdump())
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        db.close()
    assert {"clusters_fts", "clusters_fts_data"} <= tables, tables  # the FTS tables are part of the dump
    blobs = [bytes.fromhex(h).decode("utf-8", "replace") for h in re.findall(r"X'([0-9A-Fa-f]+)'", dump)]
    return "\n".join([dump, *blobs, *(b.lower() for b in blobs)])


def exported_text(folder: Path) -> dict[str, str]:
    """Each exported file as text, read as its readers read it: Parquet decoded, SQLite dumped, the rest as
    UTF-8 (JSON through a parser, so no escape hides a name)."""
    out = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".parquet":
            out[path.name] = json.dumps(pq.read_table(path).to_pylist(), ensure_ascii=False)
        elif path.suffix == ".sqlite":
            out[path.name] = sqlite_dump(path)
        elif path.suffix == ".json":
            out[path.name] = json.dumps(json.loads(path.read_text(encoding="utf-8")), ensure_ascii=False)
        elif path.suffix == ".ndjson":
            out[path.name] = "\n".join(json.dumps(json.loads(line), ensure_ascii=False)
                                       for line in path.read_text(encoding="utf-8").splitlines())
        else:
            out[path.name] = path.read_text(encoding="utf-8-sig")
    return out


def leaks(folder: Path) -> dict[str, list[str]]:
    return {name: found for name, text in exported_text(folder).items()
            if (found := [s for s in SECRETS if s in text])}


def test_personal_data_anywhere_in_contacts_addresses_issues_and_the_manifest_is_not_exported(tmp_path):
    out = tmp_path / "out"
    version = two_versions(out)
    full = run_cli("export", "--out", str(out), "--to", str(tmp_path / "full"))
    assert full.returncode == 0, full.stderr
    planted = leaks(tmp_path / "full")  # the full export has every one of them: the planting worked
    assert set(SECRETS) <= {s for found in planted.values() for s in found}

    res = run_cli("export", "--redact-personal", "--out", str(out), "--to", str(tmp_path / "public"))
    assert res.returncode == 0, res.stderr
    public = tmp_path / "public"
    names = {p.name for p in public.iterdir()}
    assert {"clusters.json", "clusters.ndjson", "contacts.csv", "contacts.parquet", "clusters.parquet",
            "clusterharvest.sqlite", "clusters.csv", "addresses.csv", "report.html", "changes.json", "manifest.json",
            "datapackage.json", "programme.json"} <= names, names
    assert leaks(public) == {}

    # What is not personal stays: the organisation and the street around the removed parts, and the manifest
    # still describes the version, now with the public files' hashes.
    alpha = json.loads((public / "clusters.json").read_text(encoding="utf-8"))[0]
    assert alpha["contacts"][0]["role"].startswith("Lead, [redacted]"), alpha["contacts"][0]
    assert alpha["addresses"][0]["street"].startswith("Hauptstr. 5, [redacted]"), alpha["addresses"][0]
    assert alpha["addresses"][0]["postcode"].startswith("01067 "), alpha["addresses"][0]
    manifest = json.loads((public / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == version and manifest["redacted_personal_data"] is True
    assert manifest["quarantined"] == [{"source": "directory", "position": 7, "first_line": None, "lines": [],
                                        "reason": "the entry gives no name to make an id from", "redacted": True}]
    import hashlib

    assert manifest["files"]["clusters.json"]["sha256"] == \
        hashlib.sha256((public / "clusters.json").read_bytes()).hexdigest()
    package = json.loads((public / "datapackage.json").read_text(encoding="utf-8"))
    assert "roles, organisations and addresses" in package["description"], package["description"]
    assert "previous version" in package["description"], package["description"]


def test_a_name_in_the_records_city_in_capitals_or_with_an_ending_is_not_exported(tmp_path):
    """Issue 22's second look: the record's own city (copied from its address), a name in capitals, and the German
    possessive ('Quellenwalds') were exported word for word."""
    out = tmp_path / "out"
    jana = contact("Jana Quellenwald", "jq.private@example.net", "+49309876543")
    record = cluster("alpha", [jana]).model_copy(update={"city": "Stade c/o Jana Quellenwald"})
    jana_again = {**jana, "role": "deputy JANA QUELLENWALD", "organisation": "c/o Frau Quellenwalds Team"}
    other = cluster("beta", [jana_again])
    run = Run.model_validate({"sources": [{"id": "directory", "kind": "cluster-directory",
                                           "url": "https://example.org/dir"}]})
    publish_version(out, [record, other], run, programme=programme("Kai Lindqvist", "kl@example.com"),
                    now=datetime(2026, 1, 1, tzinfo=UTC))
    res = run_cli("export", "--redact-personal", "--out", str(out), "--to", str(tmp_path / "public"))
    assert res.returncode == 0, res.stderr
    found = {name: text for name, text in exported_text(tmp_path / "public").items() if "quellenwald" in text.lower()}
    assert found == {}, {name: re.findall(r".{0,30}quellenwald.{0,10}", text, re.I)[:3] for name, text in found.items()}
    alpha = json.loads((tmp_path / "public" / "clusters.json").read_text(encoding="utf-8"))[0]
    assert alpha["city"] == "Stade c/o [redacted]", alpha["city"]


def test_the_public_variant_of_a_hand_edited_version_has_no_control_character_in_any_file(tmp_path):
    """A version whose records hold ESC, BEL, an 8-bit CSI and a right-to-left override (written by hand, as no
    parser lets them through): every file of its public variant holds them escaped, none raw."""
    out = tmp_path / "out"
    bad = "\x1b]0;owned\x07 \x9b2J \u202etxet"
    record = cluster("alpha", [contact("Bodo Reinhold", "bodo.r@example.org", "+494215551234")])
    record = record.model_copy(update={"name": f"Alpha {bad}", "organisation": f"Alpha e.V. {bad}"})
    run = Run.model_validate({"sources": [{"id": "directory", "kind": "cluster-directory",
                                           "url": "https://example.org/dir"}]})
    publish_version(out, [record], run, now=datetime(2026, 1, 1, tzinfo=UTC))
    res = run_cli("export", "--redact-personal", "--out", str(out), "--to", str(tmp_path / "public"))
    assert res.returncode == 0, res.stderr
    controls = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
    found = {name: ascii(controls.findall(value)) for name, value in values_in(tmp_path / "public")
             if controls.search(value)}
    assert found == {}, found


def values_in(folder: Path):
    """(file name, value) for every value of every file, read as its readers read it: the cells of CSV files,
    the rows of SQLite's tables (not FTS5's binary shadow tables) and of Parquet files, the strings of JSON, the
    text of HTML."""
    import csv

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from strings(v)
        elif isinstance(value, list):
            for v in value:
                yield from strings(v)

    for path in sorted(folder.iterdir()):
        if path.suffix == ".csv":
            with path.open(encoding="utf-8-sig", newline="") as f:
                rows = list(csv.reader(f))
            yield from ((path.name, cell) for row in rows for cell in row)
        elif path.suffix == ".parquet":
            yield from ((path.name, v) for v in strings(pq.read_table(path).to_pylist()))
        elif path.suffix == ".sqlite":
            db = sqlite3.connect(path)
            try:
                tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name "
                                                   "NOT LIKE '%fts_%'")]
                for table in tables:
                    for row in db.execute(f"SELECT * FROM \"{table}\""):
                        yield from ((path.name, v) for v in row if isinstance(v, str))
            finally:
                db.close()
        elif path.suffix in (".json", ".ndjson"):
            for line in ([path.read_text(encoding="utf-8")] if path.suffix == ".json"
                         else path.read_text(encoding="utf-8").splitlines()):
                yield from ((path.name, v) for v in strings(json.loads(line)))
        else:
            yield path.name, path.read_text(encoding="utf-8")
