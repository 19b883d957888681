"""Source kinds: the one place that says, per kind, how a snapshot is parsed and what it contributes.

The pipeline, ``extract`` and the programme record ask a kind here instead of comparing kind names (zavod's
``entry_point`` and loader are the model). A new kind is a module with its parser and one ``register`` call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from .parse.announcement import Announcement, parse_announcement
from .parse.cluster_directory import DirectoryEntry, parse_directory_page
from .parse.dates import Dated, permalink
from .parse.facts import Fact
from .parse.flyer import parse_flyer
from .parse.programme_page import parse_programme_page


@dataclass
class Found:
    """What a kind's parser found in one document."""

    entries: list[DirectoryEntry] = field(default_factory=list)  # directory entries, to become cluster records
    facts: list[Fact] = field(default_factory=list)  # programme facts, each with the sentence stating it
    announcement: Announcement | None = None  # an announced round and its selected clusters
    dated: Dated | None = None  # the date the document states for itself


# A parser call: (document bytes, content type, where it came from, the round configured for it) -> Found.
Reader = Callable[[bytes, str | None, str, int | None], Found]


@dataclass(frozen=True)
class SourceKind:
    """A kind of source.

    ``gives_records``: its entries become cluster records (and the directory gates apply to it); else it
    states programme facts (and must state some). ``fact_rank``: among sources stating a fact differently,
    the lowest rank wins. ``name_rank``: the same for the programme's name. ``may_be_cut``: an HTML page whose
    end is missing is reported (a PDF has its own checks).
    """

    name: str
    read: Reader
    gives_records: bool = False
    fact_rank: int = 9
    name_rank: int = 9
    may_be_cut: bool = True

    def extract(self, found: Found, source_id: str) -> Any:
        """What ``clusterharvest extract`` prints for a document of this kind (JSON-ready; records as an
        iterator of dicts)."""
        from .parse.clusters import build_clusters

        if self.gives_records:
            records = sorted(build_clusters(found.entries, source_id=source_id), key=lambda r: r.id)
            return (r.model_dump(mode="json") for r in records)  # an iterator: written record by record
        out: dict[str, Any] = {"facts": [f.to_json() for f in found.facts]}
        if found.dated is not None:
            out["dated"] = asdict(found.dated)
        if found.announcement is not None:
            a = found.announcement
            out = {"round": a.round, "selected": [asdict(s) for s in a.selected], **out, "issues": a.issues}
        return out


REGISTRY: dict[str, SourceKind] = {}


def register(kind: SourceKind) -> SourceKind:
    """Make a kind known to the registry (``sources.toml``, the pipeline, ``extract``)."""
    REGISTRY[kind.name] = kind
    return kind


def kind_of(name: str) -> SourceKind:
    """The registered kind of this name (``sources.toml`` only admits registered kinds)."""
    return REGISTRY[name]


def kind_names() -> tuple[str, ...]:
    """Every registered kind's name, in registration order."""
    return tuple(REGISTRY)


def read_directory(data: bytes, content_type: str | None, url: str, _round: int | None) -> Found:
    entries, dated = parse_directory_page(data, url, content_type)
    return Found(entries=entries, dated=dated)


def read_flyer(data: bytes, _content_type: str | None, _url: str, _round: int | None) -> Found:
    facts, dated = parse_flyer(data)
    return Found(facts=facts, dated=dated)


def read_programme_page(data: bytes, content_type: str | None, _url: str, _round: int | None) -> Found:
    return Found(facts=parse_programme_page(data, content_type)[0])


def read_announcement(data: bytes, content_type: str | None, url: str, configured_round: int | None) -> Found:
    found = parse_announcement(data, content_type, configured_round)
    return Found(facts=found.facts, announcement=found, dated=permalink(url))


# Order of precedence where sources disagree: the programme page, then the flyer, then announcements; for the
# programme's name the flyer's cover first (it names the measure in full).
register(SourceKind("programme-page", read_programme_page, fact_rank=0, name_rank=1))
register(SourceKind("flyer", read_flyer, fact_rank=1, name_rank=0, may_be_cut=False))
register(SourceKind("announcement", read_announcement, fact_rank=2, name_rank=3))
register(SourceKind("cluster-directory", read_directory, gives_records=True))
