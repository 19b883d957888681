"""Directory entries to Cluster records: names, ids, target countries, issues."""

from __future__ import annotations

from collections import Counter

from .models import Cluster, Issue, Phases, issue
from .normalize.countries import parse_targets
from .normalize.names import self_name, slugify
from .parse.cluster_directory import DirectoryEntry


def entry_name(entry: DirectoryEntry) -> tuple[str | None, list[Issue]]:
    """Heading, else organisation line, else the name the entry's text uses; a derived name is an issue."""
    if entry.heading:
        return entry.heading, []
    if entry.organisation:
        return entry.organisation, [issue("name", "entry has no heading; name taken from its organisation line",
                                          entry.organisation)]
    derived = self_name(" ".join(entry.body))
    if derived:
        return derived, [issue("name", "entry has neither heading nor organisation line; name derived from "
                                       "the name its text uses for itself", derived)]
    return None, []


def build_cluster(entry: DirectoryEntry, source_id: str) -> Cluster:
    """One entry as a record (ids made unique by ``build_clusters``)."""
    name, issues = entry_name(entry)
    if name is None:
        name = f"Unnamed entry {entry.position}"
        issues.append(issue("name", "entry has no heading, organisation or self-name; named by position"))
    concept = parse_targets(entry.concept, "target_countries.concept")
    issues += concept.issues
    countries = Phases(concept=concept.countries)
    regions = Phases(concept=concept.regions)
    if entry.implementation is None:
        issues.append(issue("target_countries.implementation", "entry has no implementation-phase line"))
    else:
        impl = parse_targets(entry.implementation, "target_countries.implementation")
        issues += impl.issues
        countries.implementation = impl.countries
        regions.implementation = impl.regions
    issues += [issue("header", "labelled line of unknown kind beside the target countries", line)
               for line in entry.header_extra]
    return Cluster(
        id=slugify(name), name=name, organisation=entry.organisation, target_countries=countries,
        target_regions=regions, sources=[source_id], issues=issues,
    )


def build_clusters(entries: list[DirectoryEntry], source_id: str) -> list[Cluster]:
    """All entries as records with unique ids (a clash gets the page position appended, as an issue)."""
    clusters = [build_cluster(entry, source_id) for entry in entries]
    counts = Counter(c.id for c in clusters)
    for entry, cluster in zip(entries, clusters, strict=True):
        if counts[cluster.id] > 1:
            cluster.issues.append(issue("id", "another entry has the same name; id made unique by position",
                                        cluster.id))
            cluster.id = f"{cluster.id}-{entry.position}"
    return clusters
