"""Value gates: what a directory's records still say, compared with the previous version.

The entry gates (``pipeline.check_gates``) count entries, and an entry that lost its countries or its
contact person still counts. These gates measure the records that would be published, per directory
source (the records whose ``sources`` name it): the share that has each value of ``VALUE_FIELDS``, and the
number of issues they carry. Each version's manifest records these figures per source (``values``), and
the next run compares its own with them.

Gates as data, after zavod's ``meta/assertion.py``: a ``Measure`` is one figure (a count, of how many
records), a ``GateCheck`` one gate applied to it, with its baseline (the figure in the version compared
against), its limit and whether it passed. The entry gates (``pipeline.check_gates``) are recorded the same
way; the checks go into the manifest (``entry_gates``, ``value_gates``) and the run's artifact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

from .config import Source
from .dataset import Manifest
from .models import Cluster
from .publish import current_version, read_manifest


def has_targets(record: Cluster) -> bool:
    """A target in either phase: a country, or a region ('Asia-Pacific'), which is a target read too."""
    return any(getattr(phases, phase) for phases in (record.target_countries, record.target_regions)
               for phase in ("concept", "implementation"))


def has_phase_targets(phase: str) -> Callable[[Cluster], bool]:
    """A target, country or region, in one phase ('concept' or 'implementation'): a phase lost as a whole is
    seen here, where ``has_targets`` still counts the record by its other phase."""
    def has(record: Cluster) -> bool:
        return bool(getattr(record.target_countries, phase) or getattr(record.target_regions, phase))
    has.__doc__ = f"A target in the {phase} phase."
    return has


def has_contact_person(record: Cluster) -> bool:
    """A contact with a person's name."""
    return any(contact.name for contact in record.contacts)


def has_phone(record: Cluster) -> bool:
    """A contact with a phone number (a landline or a mobile one; fax numbers do not count)."""
    return any(contact.phone or contact.mobile for contact in record.contacts)


def has_email(record: Cluster) -> bool:
    """A contact with an e-mail address."""
    return any(contact.email for contact in record.contacts)


def has_address(record: Cluster) -> bool:
    """A postal address that states a street, postcode or city."""
    return any(a.street or a.postcode or a.city for a in record.addresses)


def has_description(record: Cluster) -> bool:
    """A description in either language."""
    return bool(record.description.en or record.description.de)


# What a record "has", per value the gates guard: the name is the figure's key in the manifest.
# ``target_countries`` (either phase) stays beside the per-phase figures, so that a version compares with a previous
# one that records only it.
VALUE_FIELDS: dict[str, Callable[[Cluster], bool]] = {
    "target_countries": has_targets,
    "concept_targets": has_phase_targets("concept"),
    "implementation_targets": has_phase_targets("implementation"),
    "contact_person": has_contact_person,
    "phone": has_phone,
    "email": has_email,
    "address": has_address,
    "description": has_description,
}


@dataclass(frozen=True)
class ValueFigures:
    """A directory source's records in one version: how many, how many have each value, how many issues.

    ``having`` holds a count per name of ``VALUE_FIELDS`` (an older manifest may lack some); ``issues`` is
    None where the manifest does not say.
    """

    records: int
    having: dict[str, int]
    issues: int | None

    def to_json(self) -> dict[str, int | None]:
        """The manifest's ``values`` of a source: ``{"records": 32, "phone": 31, ..., "issues": 44}``."""
        return {"records": self.records, **self.having, "issues": self.issues}

    @classmethod
    def from_json(cls, data: Any) -> ValueFigures | None:
        """Figures from a manifest's ``values``; None unless it gives at least the number of records."""
        if not isinstance(data, dict) or not is_count(data.get("records")):
            return None
        having = {name: data[name] for name in VALUE_FIELDS if is_count(data.get(name))}
        issues = data.get("issues")
        return cls(data["records"], having, issues if is_count(issues) else None)


def is_count(value: Any) -> bool:
    """A whole number of at least 0 (JSON's true is not one)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def value_figures(clusters: Iterable[Cluster], source_id: str) -> ValueFigures:
    """The figures of the records a source contributed to (its id in their ``sources``)."""
    records = [c for c in clusters if source_id in c.sources]
    return ValueFigures(len(records), {name: sum(1 for r in records if has(r)) for name, has in VALUE_FIELDS.items()},
                        sum(len(r.issues) for r in records))


RECENT_VERSIONS = 20  # how far back the shrink and value gates look for the largest recent figure


def recent_manifests(out_dir: str | Path) -> Iterator[tuple[str, Manifest]]:
    """(version, manifest) of ``LATEST`` (or, when ``LATEST`` is missing or garbage, of the newest complete
    version), then of each previous version, back to and including the last one published with
    ``--allow-shrink`` (which starts the count anew), at most ``RECENT_VERSIONS``."""
    version = current_version(out_dir)
    seen: set[str] = set()
    while version and version not in seen and len(seen) < RECENT_VERSIONS:
        seen.add(version)
        manifest = read_manifest(out_dir, version)
        yield version, manifest
        if manifest.allowed_shrink:
            return
        version = manifest.previous


@dataclass(frozen=True)
class Baseline:
    """A version a run compares with, and a source's figures there (None: it records none)."""

    version: str
    figures: ValueFigures | None


def baselines(out_dir: str | Path, source_id: str) -> list[Baseline]:
    """A source's figures in the recent versions (``recent_manifests``), the previous version first; empty when
    nothing was published yet."""
    out = []
    for version, manifest in recent_manifests(out_dir):
        entry = manifest.source(source_id)
        out.append(Baseline(version, ValueFigures.from_json(entry.values) if entry else None))
    return out


def baseline(out_dir: str | Path, source_id: str) -> Baseline | None:
    """The previous version's figures of a source (``baselines``' first); None when nothing was published yet."""
    return next(iter(baselines(out_dir, source_id)), None)


@dataclass(frozen=True)
class Measure:
    """One figure: ``count``, or ``count`` of ``of`` records."""

    count: int
    of: int | None = None

    @property
    def share(self) -> Fraction:
        """``count / of`` exactly (0 of 0 records: 0)."""
        return Fraction(self.count, self.of) if self.of else Fraction(0)

    def to_json(self) -> dict[str, int | None]:
        return {"count": self.count, "of": self.of}


@dataclass(frozen=True)
class GateCheck:
    """One gate applied to one figure of a source: now, in the version compared with, the limit, the verdict.

    ``before`` and ``version`` are None for a gate with a fixed limit (``min_entries``, ``max_entries``,
    ``max_duplicates``, ``max_quarantined``, ``min_facts``). ``overridden`` names what let a failed check
    through (``--allow-shrink``), else None.
    """

    gate: str  # the key in sources.toml: 'max_value_loss', 'max_shrink', ...; 'min_facts' (fixed at 1)
    source: str
    metric: str  # a name of VALUE_FIELDS, 'issues', 'entries', 'records', 'facts', 'quarantined', 'repeated'
    now: Measure
    before: Measure | None
    version: str | None
    limit: float
    passed: bool
    overridden: str | None = None
    recent: bool = False  # compared with the largest recent figure, not the previous version's

    def message(self, hint: bool = True) -> str:
        """A value gate's error line (after 'source ID: '): the gate, the figure, both values, the version
        compared with and the limit; with ``hint``, how to publish anyway."""
        assert self.before is not None, "message() is for the value gates, which compare with a version"
        if self.gate == "max_new_issues":
            new = self.now.count - self.before.count
            return (f"gate max_new_issues: {self.now.count} issues in the records, up from {self.before.count} in "
                    f"{self.version}: {new} new, more than the {self.before.count} before and more than the allowed "
                    f"{self.limit:g}" + (" (--allow-shrink to publish anyway)" if hint else ""))
        return (f"gate max_value_loss: {self.metric} in {self.now.count} of {self.now.of} records "
                f"({float(self.now.share):.0%}), down from {self.before.count} of {self.before.of} "
                f"({float(self.before.share):.0%}) in {self.version}"
                f"{', the largest recent share' if self.recent else ''}: "
                f"{float(self.before.share - self.now.share) * 100:.0f} points fewer (allowed: "
                f"{self.limit * 100:g} points" + ("; --allow-shrink to publish anyway)" if hint else ")"))

    def to_json(self) -> dict[str, Any]:
        """The manifest's row for this check."""
        return {"gate": self.gate, "source": self.source, "metric": self.metric, "passed": self.passed,
                "now": self.now.to_json(), "before": self.before.to_json() if self.before else None,
                "version": self.version, "limit": self.limit, "overridden": self.overridden,
                **({"against": "largest recent"} if self.recent else {})}


def value_checks(source: Source, figures: ValueFigures, base: Baseline,
                 recent: Iterable[Baseline] = ()) -> list[GateCheck]:
    """The value gates of a directory source against a baseline that has figures.

    ``max_value_loss``: for each value both versions have a figure of, the share of records having it may
    fall by at most this much (0.1: ten percentage points), against the previous version (``base``) and against
    the largest share among the ``recent`` versions (so values cannot be lost a little in each of many runs).
    ``max_new_issues``: the issues may grow by at most the previous count or this many, whichever is more (by
    default a run stops when they more than double **and** grow by more than 10).
    """
    assert base.figures is not None
    gates, before = source.gates, base.figures
    allowed = Fraction(str(gates.max_value_loss))  # exact: a fall by exactly the limit passes
    checks = []
    for name, count in before.having.items():
        now, then = Measure(figures.having[name], figures.records), Measure(count, before.records)
        checks.append(GateCheck("max_value_loss", source.id, name, now, then, base.version, gates.max_value_loss,
                                then.share - now.share <= allowed))
        best = max(((b.version, Measure(b.figures.having[name], b.figures.records)) for b in recent
                    if b.figures and name in b.figures.having), key=lambda vm: vm[1].share, default=None)
        if best and best[1].share > then.share:
            checks.append(GateCheck("max_value_loss", source.id, name, now, best[1], best[0], gates.max_value_loss,
                                    best[1].share - now.share <= allowed, recent=True))
    if before.issues is not None and figures.issues is not None:
        new = figures.issues - before.issues
        checks.append(GateCheck("max_new_issues", source.id, "issues", Measure(figures.issues),
                                Measure(before.issues), base.version, gates.max_new_issues,
                                new <= max(before.issues, gates.max_new_issues)))
    return checks
