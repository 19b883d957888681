"""Directory entries to Cluster records: names, ids, target countries, issues."""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass

from ..errors import ParseError
from ..models import Address, Cluster, Issue, Phases, Project, issue
from ..normalize.countries import parse_targets
from ..normalize.names import self_name, slugify
from .cluster_directory import DirectoryEntry
from .contact_block import split_body
from .damage import Placed, check_garbled, damaged_lines, read_contacts, reading_issues, unreadable_name
from .descriptions import Paragraph, describe, find_boilerplate, kept_sentences, paragraphs_of
from .lines import Line
from .projects import mentions_in, resolve


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


def nameless(entry: DirectoryEntry) -> str | None:
    """Why an entry has no name to be published under, or None: no heading, no organisation line, and no name
    its own text uses for itself (``entry_name``)."""
    if entry_name(entry)[0] is not None:
        return None
    return ("the entry has no heading and no organisation line, and its own text names no cluster (no acronym "
            "tied to 'cluster' or 'network', no quoted name): nothing to publish it under")


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
            reason = entry.second_entry or nameless(entry) or invalid_reason(record) or unreadable_name(entry)
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
