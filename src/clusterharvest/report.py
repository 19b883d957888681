"""``report.html``: one self-contained page (inline CSS and SVG, no scripts, no remote fonts) with the
data at a glance: target countries by phase, clusters per round, languages of the descriptions,
data-quality issues by kind, a table of all clusters, and the changelog against the previous version."""

from __future__ import annotations

import re
from collections import Counter
from html import escape
from typing import Any

from .diff import summary

COLOURS = ("#2f6f9f", "#e08a2c", "#6a9f3a", "#9b4f96", "#888888")
CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:2rem;color:#222;max-width:1200px}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}
.meta{color:#555;font-size:.9rem}.charts{display:flex;flex-wrap:wrap;gap:1.5rem}
figure{margin:0;border:1px solid #ddd;padding:.6rem;border-radius:4px;background:#fafafa}
figcaption{font-weight:600;margin-bottom:.4rem}table{border-collapse:collapse;font-size:.85rem;width:100%}
th,td{border:1px solid #ddd;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#eef2f5}tr:nth-child(even) td{background:#f8f8f8}code{font-size:.85em}
.legend span{display:inline-block;margin-right:1rem}.swatch{display:inline-block;width:.8rem;height:.8rem;
margin-right:.3rem;vertical-align:middle}
"""


def bar_chart(title: str, labels: list[str], series: list[tuple[str, list[int]]], chart_id: str) -> str:
    """A horizontal grouped bar chart as inline SVG."""
    longest = max((len(label) for label in labels), default=4)
    left = 12 + 7 * min(longest, 28)
    bar, gap, width = 12, 8, 320
    top = max((v for _, values in series for v in values), default=0) or 1
    group = bar * len(series) + gap
    height = group * len(labels) + 10
    parts = [f'<svg id="{chart_id}" xmlns="http://www.w3.org/2000/svg" width="{left + width + 40}" '
             f'height="{height}" role="img" aria-label="{escape(title)}">']
    for i, label in enumerate(labels):
        y = 5 + i * group
        parts.append(f'<text x="{left - 6}" y="{y + bar * len(series) / 2 + 4}" text-anchor="end" '
                     f'font-size="11">{escape(label[:28])}</text>')
        for j, (name, values) in enumerate(series):
            value = values[i]
            w = round(width * value / top, 1)
            parts.append(f'<rect x="{left}" y="{y + j * bar}" width="{w}" height="{bar - 2}" '
                         f'fill="{COLOURS[j % len(COLOURS)]}"><title>{escape(name)}: {value}</title></rect>')
            parts.append(f'<text x="{left + w + 3}" y="{y + j * bar + bar - 3}" font-size="10">{value}</text>')
    parts.append("</svg>")
    legend = "".join(f'<span><i class="swatch" style="background:{COLOURS[j % len(COLOURS)]}"></i>'
                     f'{escape(name)}</span>' for j, (name, _) in enumerate(series)) if len(series) > 1 else ""
    return (f'<figure><figcaption>{escape(title)}</figcaption>{"".join(parts)}'
            f'<div class="legend">{legend}</div></figure>')


def issue_kind(field: str) -> str:
    """'contacts[0].email' -> 'contacts.email': the kind of an issue, for counting."""
    return re.sub(r"\[\d+\]", "", field)


def charts(records: list[dict[str, Any]], programme: dict[str, Any] | None) -> str:
    concept = Counter(c for r in records for c in r["target_countries"]["concept"] or [])
    implementation = Counter(c for r in records for c in r["target_countries"]["implementation"] or [])
    countries = sorted(set(concept) | set(implementation), key=lambda c: (-(concept[c] + implementation[c]), c))
    out = [bar_chart("Target countries by phase (clusters)", countries,
                     [("concept phase", [concept[c] for c in countries]),
                      ("implementation phase", [implementation[c] for c in countries])], "chart-countries")]
    rounds = sorted({r["round"] for r in records if r["round"]} | {
        x["number"] for x in (programme or {}).get("rounds", [])})
    linked = Counter(r["round"] for r in records)
    selected = {x["number"]: x.get("projects_selected") or 0 for x in (programme or {}).get("rounds", [])}
    labels = [f"round {n}" for n in rounds] + ["round not stated"]
    out.append(bar_chart("Clusters per round", labels,
                         [("selected (programme)", [selected.get(n, 0) for n in rounds] + [0]),
                          ("in the directory, linked", [linked.get(n, 0) for n in rounds] + [linked.get(None, 0)])],
                         "chart-rounds"))
    langs = Counter("English and German" if d["en"] and d["de"] else "English" if d["en"] else "German" if d["de"]
                    else "none" for d in (r["description"] for r in records))
    names = ["English", "German", "English and German", "none"]
    out.append(bar_chart("Language of the descriptions (clusters)", names, [("clusters", [langs[n] for n in names])],
                         "chart-languages"))
    kinds = Counter(issue_kind(i["field"]) for r in records for i in r["issues"])
    top = [k for k, _ in kinds.most_common(15)]
    out.append(bar_chart("Data-quality issues by kind", top, [("issues", [kinds[k] for k in top])], "chart-issues"))
    return '<div class="charts">' + "".join(out) + "</div>"


def cluster_table(records: list[dict[str, Any]]) -> str:
    head = ("<tr><th>name</th><th>id</th><th>round</th><th>project</th><th>target countries: concept</th>"
            "<th>implementation</th><th>description</th><th>contacts</th><th>city</th><th>issues</th></tr>")
    rows = []
    for r in records:
        d = r["description"]
        lang = "/".join(x for x in ("en", "de") if d[x]) or "–"
        city = r.get("city") or "–"
        project = (r.get("project") or {}).get("title") or "–"
        rows.append(
            f'<tr class="cluster" id="c-{escape(r["id"])}"><td>{escape(r["name"])}</td><td><code>{escape(r["id"])}'
            f'</code></td><td>{r["round"] or "–"}</td><td>{escape(project)}</td>'
            f'<td>{escape(", ".join(r["target_countries"]["concept"] or []) or "–")}</td>'
            f'<td>{escape(", ".join(r["target_countries"]["implementation"] or []) or "–")}</td>'
            f"<td>{lang}</td><td>{len(r['contacts'])}</td><td>{escape(city)}</td><td>{len(r['issues'])}</td></tr>")
    return f'<table id="clusters"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def changelog(changes: dict[str, Any] | None) -> str:
    if changes is None:
        return "<p>This is the first version: there is no previous one to compare with.</p>"
    parts = [f"<p>From <code>{escape(changes['from'])}</code> to <code>{escape(changes['to'])}</code>: "
             f"{escape(summary(changes))}</p>"]
    for label, key in (("Added", "added"), ("Removed", "removed")):
        if changes[key]:
            parts.append(f"<p>{label}: " + ", ".join(f"<code>{escape(i)}</code>" for i in changes[key]) + "</p>")
    rows = [(m["name"], c) for m in changes["modified"] for c in m["changes"]]
    rows += [("programme", c) for c in changes["programme"]]
    rows += [(f'{r["from"]} → {r["to"]}', c) for r in changes["renamed"] for c in r["changes"]]
    if rows:
        body = "".join(f"<tr><td>{escape(n)}</td><td><code>{escape(c['path'])}</code></td>"
                       f"<td>{escape(str(c['old']))}</td><td>{escape(str(c['new']))}</td></tr>" for n, c in rows)
        parts.append(f'<table id="changes"><thead><tr><th>cluster</th><th>field</th><th>old</th><th>new</th></tr>'
                     f"</thead><tbody>{body}</tbody></table>")
    return "".join(parts)


def origin(sources: list[dict[str, Any]] | None) -> str:
    """Where the data comes from, as the manifest's sources say: reconstructions are named as such."""
    if not sources:
        return "the programme's sources"
    rebuilt = [s for s in sources if s.get("method") == "reconstructed"]
    if not rebuilt:
        return f"{len(sources)} public sources of the programme"
    if len(rebuilt) == len(sources):
        return (f"reconstructions of text captures of the programme's {len(sources)} sources (the bundled "
                "snapshot), not the original pages; see the manifest's sources")
    return (f"{len(sources)} sources of the programme, {len(rebuilt)} of them reconstructions of text captures, "
            "not the original pages; see the manifest's sources")


def build_report(version: str, records: list[dict[str, Any]], programme: dict[str, Any] | None,
                 changes: dict[str, Any] | None, redacted: bool = False,
                 sources: list[dict[str, Any]] | None = None) -> str:
    """The whole page (``sources``: the manifest's, to say where the data comes from)."""
    name = ((programme or {}).get("name") or {}).get("en") or "BMBF cluster internationalisation"
    note = " Public variant: contact persons' data removed." if redacted else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>clusterharvest report {escape(version)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>{CSS}</style></head>
<body>
<h1>{escape(name)}</h1>
<p class="meta">Version <code>{escape(version)}</code> · {len(records)} clusters · generated by clusterharvest from
{escape(origin(sources))}.{note}</p>
<h2>At a glance</h2>
{charts(records, programme)}
<h2>All clusters</h2>
{cluster_table(records)}
<h2>Changes against the previous version</h2>
{changelog(changes)}
</body>
</html>
"""
