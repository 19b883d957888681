"""``report.html``: one self-contained page (inline CSS and SVG, no script, no remote reference), rendered
from a Jinja2 template with autoescaping: a world map of the target countries (pygal's, its geometry shipped
with the package) with the countries' English and German names, charts, the programme's facts and the
cross-source checks, the clusters by German city, every cluster with its issues in words, the changelog as
text, links to every file of the version, the licence and how to cite it, and where the data comes from."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from functools import cache
from html import escape
from typing import Any

from ..dataset import Changes, DatasetVersion
from ..diff import describe_change, summary
from .common import LICENCE, Exporter

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
.note{background:#fff6e0;border:1px solid #e0c070;padding:.5rem .8rem;border-radius:4px}.toc{margin:1rem 0}
.map svg{width:100%;height:auto;max-width:900px}.explain{color:#444;font-size:.9rem;max-width:60rem}
dl.facts{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dt{font-weight:600}
li.failed{color:#a00}details{margin:.3rem 0}summary{cursor:pointer}
"""


def bar_chart(title: str, labels: list[str], series: list[tuple[str, list[int]]], chart_id: str) -> str:
    """A horizontal grouped bar chart as inline SVG."""
    longest = max((len(label) for label in labels), default=4)
    left = 12 + 6.5 * longest  # room for the whole label: none is cut
    bar, gap, width = 12, 8, 320
    top = max((v for _, values in series for v in values), default=0) or 1
    group = bar * len(series) + gap
    height = group * len(labels) + 10
    parts = [f'<svg id="{chart_id}" xmlns="http://www.w3.org/2000/svg" width="{left + width + 40}" '
             f'height="{height}" role="img" aria-label="{escape(title)}">']
    for i, label in enumerate(labels):
        y = 5 + i * group
        parts.append(f'<text x="{left - 6}" y="{y + bar * len(series) / 2 + 4}" text-anchor="end" '
                     f'font-size="11">{escape(label)}</text>')
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


def country_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Target countries with their names and how many clusters name them, per phase (most named first)."""
    from ..normalize.countries import country_names

    concept = Counter(c for r in records for c in r["target_countries"]["concept"] or [])
    implementation = Counter(c for r in records for c in r["target_countries"]["implementation"] or [])
    codes = sorted(set(concept) | set(implementation), key=lambda c: (-(concept[c] + implementation[c]), c))
    return [{"code": c, **dict(zip(("en", "de"), country_names(c), strict=True)), "concept": concept[c],
             "implementation": implementation[c]} for c in codes]


@cache
def world_class() -> Any:
    from pygal_maps_world.maps import World

    return World


def world_map(countries: list[dict[str, Any]]) -> str:
    """The target countries on pygal's world map, as inline SVG: no script (pygal's inline configuration is
    removed and its remote JavaScript switched off), no comments, a fixed id, so the page stays static."""
    from pygal.style import Style

    style = Style(background="white", plot_background="white", colors=("#2f6f9f", "#6a9f3a", "#e08a2c"))
    chart = world_class()(js=[], disable_xml_declaration=True, width=900, height=450, style=style,
                          show_legend=True, legend_at_bottom=True, print_values=False)
    # One colour per country (a country in two series would be drawn twice): both phases, or only one.
    groups = (("both phases", lambda c: c["concept"] and c["implementation"]),
              ("concept phase only", lambda c: c["concept"] and not c["implementation"]),
              ("implementation phase only", lambda c: c["implementation"] and not c["concept"]))
    for label, member in groups:
        chart.add(label, [{"value": (c["code"].lower(), c["concept"] + c["implementation"]),
                           "label": f"{c['en']}: concept {c['concept']}, implementation {c['implementation']}"}
                          for c in countries if member(c)])
    svg = chart.render(is_unicode=True)
    uid = re.search(r'id="chart-([0-9a-f-]+)"', svg)
    if uid:
        svg = svg.replace(uid.group(1), "world")
    svg = re.sub(r"<script\b.*?</script>", "", svg, flags=re.S)
    # pygal's tooltips need its script: a <title> per country shows the same text on hover without one
    svg = re.sub(r'(<desc class="label reactive tooltip-trigger map-area">(.*?)</desc>)', r"<title>\2</title>\1", svg)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    return svg.replace("<svg ", '<svg role="img" aria-label="Target countries on a world map" ', 1)


def charts(records: list[dict[str, Any]], programme: dict[str, Any] | None,
           countries: list[dict[str, Any]]) -> list[str]:
    """The bar charts: countries by phase (with names), clusters per round, languages, issues by field."""
    out = [bar_chart("Target countries by phase (clusters)", [f"{c['en']} ({c['code']})" for c in countries],
                     [("concept phase", [c["concept"] for c in countries]),
                      ("implementation phase", [c["implementation"] for c in countries])], "chart-countries")]
    rounds = sorted({x["number"] for x in (programme or {}).get("rounds", [])} | {r["round"] for r in records
                                                                                  if r["round"]})
    selected = {x["number"]: x.get("projects_selected") or 0 for x in (programme or {}).get("rounds", [])}
    listed = Counter(r["round"] for r in records)
    out.append(bar_chart("Clusters per round: selected, and listed by name in a public source",
                         [f"round {n}" for n in rounds] + ["in the directory, round not stated"],
                         [("selected (programme facts)", [selected.get(n, 0) for n in rounds] + [0]),
                          ("listed by name (announcement)",
                           [listed.get(n, 0) for n in rounds] + [listed.get(None, 0)])],
                         "chart-rounds"))
    langs = Counter("English and German" if d["en"] and d["de"] else "English" if d["en"] else "German" if d["de"]
                    else "none" for d in (r["description"] for r in records))
    names = ["English", "German", "English and German", "none"]
    out.append(bar_chart("Language of the descriptions (clusters)", names, [("clusters", [langs[n] for n in names])],
                         "chart-languages"))
    kinds = Counter(issue_kind(i["field"]) for r in records for i in r["issues"])
    top = [k for k, _ in kinds.most_common(15)]
    out.append(bar_chart("Data-quality issues by field", top, [("issues", [kinds[k] for k in top])], "chart-issues"))
    return out


def cluster_rows(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"id": r["id"], "name": r["name"], "round": r["round"], "project": (r.get("project") or {}).get("title")
             or (r.get("project") or {}).get("acronym"), "concept": ", ".join(r["target_countries"]["concept"] or []),
             "implementation": ", ".join(r["target_countries"]["implementation"] or []),
             "lang": "/".join(x for x in ("en", "de") if r["description"][x]) or "–", "contacts": len(r["contacts"]),
             "city": r.get("city"), "issues": r["issues"]} for r in records]


def by_city(records: list[dict[str, Any]]) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """(German cities with the clusters based there, the clusters no source gives a city for)."""
    cities: dict[str, list[str]] = {}
    for r in records:
        if r.get("city"):
            cities.setdefault(r["city"], []).append(r["name"])
    return sorted(cities.items()), [r["name"] for r in records if not r.get("city")]


def check_text(check: dict[str, Any]) -> dict[str, Any]:
    figures = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in check.items() if k not in ("check", "passed"))
    return {"name": check.get("check"), "passed": check.get("passed"), "figures": figures}


def change_lines(changes: Changes) -> list[tuple[str, str]]:
    out = [(m.name, describe_change(c)) for m in changes.modified for c in m.changes]
    out += [("programme", describe_change(c)) for c in changes.programme]
    out += [(f"{r.from_} → {r.to}", describe_change(c)) for r in changes.renamed for c in r.changes]
    return [(who, line.replace("`", "")) for who, line in out]


@cache
def template() -> Any:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("clusterharvest", "templates"), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)
    return env.get_template("report.html")


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


CITATION = ("The clusterharvest contributors, \"clusterharvest: funded clusters of the BMBF measure "
            "'Internationalisation of Leading-Edge Clusters, Forward-Looking Projects and Comparable Networks'\", "
            "dataset version {version}, CC BY 4.0 (see CITATION.cff).")


def build_report(version: DatasetVersion, files: list[str]) -> str:
    """The whole page (``files``: the version's file names)."""
    records = [c.model_dump(mode="json") for c in version.clusters]
    programme = version.programme.model_dump(mode="json") if version.programme else None
    changes = version.changes
    sources = [s.model_dump(mode="json") for s in version.manifest.sources]
    checks = [c.model_dump(mode="json") for c in version.manifest.checks or []]
    countries = country_rows(records)
    cities, no_city = by_city(records)
    regions = Counter(x for r in records for p in ("concept", "implementation") for x in r["target_regions"][p] or [])
    return str(template().render(
        version=version.version, records=records, programme=programme, redacted=version.redacted, css=CSS,
        name=((programme or {}).get("name") or {}).get("en") or "BMBF cluster internationalisation",
        origin=origin(sources), reconstructed=any(s.get("method") == "reconstructed" for s in sources),
        world_map=world_map(countries), countries=countries, regions=sorted(regions.items()),
        charts=charts(records, programme, countries), unstated=sum(1 for r in records if not r["round"]),
        checks=[check_text(c) for c in checks], cities=cities, no_city=no_city, rows=cluster_rows(records),
        changes=None if changes is None else changes.to_json(), change_summary=summary(changes) if changes else "",
        change_lines=change_lines(changes) if changes else [], files=sorted(files), licence=LICENCE,
        citation=CITATION.format(version=version.version)))


class Report(Exporter):
    """``report.html``: the data at a glance, for a browser (links to every file of the version)."""

    FILE_NAME = "report.html"
    FORMAT = "html"
    TITLE = "The data at a glance"

    def finish(self, files: Mapping[str, bytes]) -> bytes:
        return build_report(self.version, [*files, self.FILE_NAME, "datapackage.json", "manifest.json"]).encode()
