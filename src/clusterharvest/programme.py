"""``programme.json``: the programme facts of all sources as one record, every value traceable.

Each source's parser states facts with the sentence that states them. Facts on the same field are
combined here: agreeing sources give one value with all their evidence; disagreeing ones keep the
value of the most authoritative source kind (the programme page, then the flyer, then announcements)
and report the others in ``issues``; an approximate figure ("about 10 ... in each round") never
overrides an exact one and is kept beside it. Nothing is invented: a fact no source states is null.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .models import Evidence, Issue, Name, Phase, Programme, ProgrammeContact, Round, issue
from .parse.facts import Fact, FactKey

EVERY_ROUND_SELECTED = FactKey("rounds", "projects_selected_approx")  # "about 10 clusters in each round"
PHASES = ("concept", "implementation")
CONTACT_KEYS = tuple(ProgrammeContact.model_fields)  # contact.<key> facts, one per field


@dataclass(frozen=True)
class Statements:
    """The facts one source states, and how much its kind counts where sources disagree (lower wins)."""

    source: str
    fact_rank: int
    name_rank: int
    facts: list[Fact]
    dated: str | None = None  # the date the source states for itself


@dataclass(frozen=True)
class Stated:
    """A fact as one source states it."""

    source: str
    rank: int  # its kind's fact rank
    name_rank: int  # its kind's rank for the programme's name
    order: int  # the source's position in the registry
    fact: Fact


def _rank(s: Stated) -> tuple[int, int]:
    return s.rank, s.order


def _say(states: Sequence[Stated]) -> str:
    return "; ".join(f"{s.source}: {s.fact.value}" for s in states)


def choose(key: FactKey, states: list[Stated]) -> tuple[Any, list[Issue]]:
    """The value for one field, and an issue when sources disagree."""
    states = sorted(states, key=_rank)
    path = key.path
    if key.part == "planned_start":  # '2018-01' and '2018' agree; the more precise one is kept
        values = sorted({str(s.fact.value) for s in states}, key=len, reverse=True)
        best = values[0]
        if all(best.startswith(v) for v in values):
            return best, []
        return states[0].fact.value, [issue(path, f"sources disagree ({_say(states)}); kept the value of "
                                                  f"{states[0].source}", _say(states))]
    chosen = states[0].fact.value
    others = [s for s in states if s.fact.value != chosen]
    if not others:
        return chosen, []
    return chosen, [issue(path, f"sources disagree ({_say(states)}); kept the value of {states[0].source}",
                          _say(others))]


def readings(key: FactKey, states: list[Stated], chosen: Any) -> list[Issue]:
    """How the kept value was read, where its source read it by interpretation (an obfuscated e-mail, a country
    code written without '+'), as issues."""
    kept = next((s for s in sorted(states, key=_rank) if s.fact.value == chosen), None)
    return [issue(key.path, message, written) for message, written in kept.fact.readings] if kept else []


def build_programme(stated: Sequence[Statements]) -> Programme:
    """One programme record from each source's statements, in registry order."""
    dates = {s.source: s.dated for s in stated if s.dated}
    by_key: dict[FactKey, list[Stated]] = {}
    for order, statements in enumerate(stated):
        for fact in statements.facts:
            by_key.setdefault(fact.key, []).append(
                Stated(statements.source, statements.fact_rank, statements.name_rank, order, fact))
    issues: list[Issue] = []
    values: dict[FactKey, Any] = {}
    names = by_key.pop(FactKey("name", "en"), [])
    aliases = by_key.pop(FactKey("name", "alias"), [])
    for key, states in by_key.items():
        if key != EVERY_ROUND_SELECTED:
            values[key], found = choose(key, states)
            issues += found + readings(key, states, values[key])
    programme = Programme()
    if names:
        ordered = sorted(names, key=lambda s: (s.name_rank, s.order))
        programme.name = Name(en=ordered[0].fact.value)
    programme.aliases = sorted({s.fact.value for s in [*names, *aliases]} - {programme.name.en})
    funder = values.get(FactKey("funder"))
    if funder:
        abbreviation = values.get(FactKey("funder", "abbreviation"))
        programme.funder = f"{funder} ({abbreviation})" if abbreviation else funder
    programme.max_funding_eur = values.get(FactKey("max_funding_eur"))
    programme.max_duration_years = values.get(FactKey("max_duration_years"))
    programme.phases = [Phase(name=p, max_years=values[FactKey("phases", p)]) for p in PHASES
                        if FactKey("phases", p) in values]
    contact = {f: values[FactKey("contact", f)] for f in CONTACT_KEYS if FactKey("contact", f) in values}
    programme.contact = ProgrammeContact(**contact) if contact else None
    programme.rounds, found = rounds(values, by_key.get(EVERY_ROUND_SELECTED, []))
    programme.issues = issues + found
    programme.evidence = evidence([*names, *aliases, *(s for states in by_key.values() for s in states)],
                                  programme.name.en, dates)
    programme.sources = sorted({s.source for s in stated if s.facts})
    return programme


def rounds(values: dict[FactKey, Any], approximate: list[Stated]) -> tuple[list[Round], list[Issue]]:
    """Rounds by number from the rounds' field values; an approximate per-round figure kept beside them."""
    numbers = sorted({k.round for k in values if k.field == "rounds" and k.round is not None})
    approx = sorted(approximate, key=_rank)[0] if approximate else None
    out, issues = [], []
    for n in numbers:
        r = Round(number=n, year=values.get(FactKey("rounds", "year", n)),
                  projects_selected=values.get(FactKey("rounds", "projects_selected", n)),
                  planned_start=values.get(FactKey("rounds", "planned_start", n)))
        if approx is not None:
            r.projects_selected_approx = approx.fact.value
            selected = FactKey("rounds", "projects_selected", n).path
            if r.projects_selected is None:
                issues.append(issue(selected, f"only an approximate figure is stated "
                                    f"({approx.source}: about {approx.fact.value} a round)", approx.fact.quote))
            elif r.projects_selected != approx.fact.value:
                issues.append(issue(selected,
                                    f"{approx.source} says about {approx.fact.value} clusters a round; the exact "
                                    f"figure stated for round {n} is {r.projects_selected}; both kept",
                                    approx.fact.quote))
        out.append(r)
    return out, issues


def evidence(states: list[Stated], name: str | None, dates: dict[str, str]) -> list[Evidence]:
    """Evidence entries: per field and source, the first sentence or line stating it (the funder's abbreviation
    with the funder, a name other than ``name`` as 'aliases', each contact field apart: 'contact.phone'),
    sorted by field and source, each with the date its source states for itself (``dates``)."""
    first: dict[tuple[str, str], str] = {}
    for s in sorted(states, key=lambda s: s.order):
        key = s.fact.key
        if key.field == "name":
            path = "name.en" if key.part == "en" and s.fact.value == name else "aliases"
        else:
            path = key.field if key.field == "funder" else s.fact.path
        first.setdefault((path, s.source), s.fact.quote)
    return [Evidence(path=p, source=src, quote=q, source_date=dates.get(src)) for (p, src), q in sorted(first.items())]


@dataclass(frozen=True)
class Check:
    """A cross-source check: what was checked, whether it passed, and the figures it compared."""

    name: str
    passed: bool
    figures: dict[str, Any]  # named figures, as the manifest shows them

    def to_json(self) -> dict[str, Any]:
        """The manifest's form: ``{"check", "passed", <figure>: ...}``."""
        return {"check": self.name, "passed": self.passed, **self.figures}


def check(name: str, passed: bool, **figures: Any) -> Check:
    """A check and its figures."""
    return Check(name, passed, figures)


def cross_checks(programme: Programme, directory_entries: int | None,
                 announced: Sequence[tuple[str, int | None, int, int]]) -> list[Check]:
    """Cross-source checks for the manifest.

    ``announced``: per announcement, (source id, round, clusters listed, clusters linked).
    """
    checks = []
    counts = [r.projects_selected for r in programme.rounds]
    if counts and directory_entries is not None:
        total = sum(c for c in counts if c is not None)
        checks.append(check("selected projects of all rounds = directory entries",
                            None not in counts and total == directory_entries,
                            rounds={r.number: r.projects_selected for r in programme.rounds},
                            selected_total=total, directory_entries=directory_entries))
    by_number = {r.number: r for r in programme.rounds}
    for source, number, listed, linked in announced:
        if not listed:
            continue
        selected = by_number[number].projects_selected if number in by_number else None
        checks.append(check(f"round {number}: clusters listed in {source} = projects selected", selected == listed,
                            listed=listed, projects_selected=selected))
        checks.append(check(f"round {number}: every cluster listed in {source} is linked to a directory entry",
                            linked == listed, listed=listed, linked=linked))
    years = {p.name: p.max_years for p in programme.phases}
    if programme.max_duration_years is not None and all(years.get(p) is not None for p in PHASES):
        phase_total = sum(years[p] or 0 for p in PHASES)
        checks.append(check("phase durations add up to the maximum funding period",
                            phase_total == programme.max_duration_years,
                            phases=years, max_duration_years=programme.max_duration_years))
    return checks
