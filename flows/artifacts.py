"""What a harvest run leaves for an operator on the Prefect server (the UI's Artifacts tab, ``prefect artifact
ls``): the version and where to read it, the changelog, the counts, and every gate with its figure."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from clusterharvest import pipeline
from clusterharvest.diff import to_markdown
from clusterharvest.gates import GateCheck
from clusterharvest.publish import read_changes


def leave_artifacts(ctx: pipeline.Context, outcome: pipeline.HarvestOutcome) -> dict[str, int]:
    """Leave the run's artifacts and return its counts: ``clusterharvest-version`` (Markdown: the version, its
    folder and report, the counts that need a look), ``clusterharvest-changelog`` (Markdown, as ``clusterharvest
    diff`` prints it), ``clusterharvest-counts`` (table) and, when the run parsed anything,
    ``clusterharvest-gates`` (table: one row per gate checked, with its figure, its limit and the version it
    compared with)."""
    changes = read_changes(ctx.out_dir, outcome.version) if outcome.changed else None
    if not outcome.changed:
        markdown = f"# No changes\n\nNothing changed since {outcome.version}; no version was written.\n"
        description = f"No changes since {outcome.version}"
    elif changes is not None:
        markdown = to_markdown(changes)
        description = f"Changes published as {outcome.version}"
    else:
        markdown = f"# First version {outcome.version}\n\n{outcome.clusters} clusters published, all of them new.\n"
        description = f"First version {outcome.version}: {outcome.clusters} clusters added"
    counts = pipeline.run_counts(ctx, outcome, changes)
    create_markdown_artifact(key="clusterharvest-version", markdown=version_markdown(ctx, outcome, counts),
                             description=description)
    create_markdown_artifact(key="clusterharvest-changelog", markdown=markdown, description=description)
    create_table_artifact(key="clusterharvest-counts", table=[{"measure": k, "value": v} for k, v in counts.items()],
                          description=f"What this harvest run did ({description[0].lower()}{description[1:]})")
    if outcome.gates:
        create_table_artifact(key="clusterharvest-gates", table=gate_rows(outcome.gates),
                              description=gates_summary(outcome.gates))
    return counts


def version_markdown(ctx: pipeline.Context, outcome: pipeline.HarvestOutcome, counts: dict[str, int]) -> str:
    """The version the run ends with, where it is, and what in it needs a look."""
    folder = outcome.path or Path(ctx.out_dir) / outcome.version
    report = folder / "report.html"
    if outcome.changed:
        title = f"Published {outcome.version}"
        previous = f"`{outcome.previous}`" if outcome.previous else "none (first version)"
    else:
        title = f"No changes: {outcome.version} is still the latest version"
        previous = "(nothing written)"
    if not outcome.parsed:
        gates = "none applied: every snapshot is the one this version was made from, so nothing was parsed"
    else:
        gates = f"{gates_summary(outcome.gates)} (artifact clusterharvest-gates)"
    rows = [
        ("version", f"`{outcome.version}`"),
        ("previous", previous),
        ("folder", f"`{folder}`"),
        ("report", f"[report.html]({report.as_uri()})" if report.is_file() else "none"),
        ("records", f"{outcome.clusters} clusters: {counts['added']} added, {counts['removed']} removed, "
                    f"{counts['modified']} modified"),
        ("quarantined entries", str(counts["quarantined"])),
        ("link issues", str(counts["link_issues"])),
        ("failed checks", str(counts["failed_checks"])),
        ("gates", gates),
    ]
    table = "\n".join(f"| {name} | {value} |" for name, value in rows)
    return f"# {title}\n\n| | |\n|---|---|\n{table}\n"


def gates_summary(gates: tuple[GateCheck, ...]) -> str:
    """'12 gates checked: all passed', or how many failed ones ``--allow-shrink`` let through."""
    overridden = sum(1 for g in gates if g.overridden)
    verdict = f"{overridden} failed, let through by --allow-shrink" if overridden else "all passed"
    return f"{len(gates)} gates checked: {verdict}"


def gate_rows(gates: tuple[GateCheck, ...]) -> list[dict[str, Any]]:
    """One row per gate check: the source, the gate and what it measures, the figure now (``of`` records or
    entries, where it is a share), its limit, and the version compared with and its figure there."""
    return [{"source": g.source, "gate": g.gate, "metric": g.metric, "figure": g.now.count, "of": g.now.of,
             "limit": g.limit, "compared_with": g.version, "figure_then": g.before.count if g.before else None,
             "of_then": g.before.of if g.before else None, "passed": g.passed, "overridden": g.overridden}
            for g in gates]
