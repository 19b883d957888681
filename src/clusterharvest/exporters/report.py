"""``report.html``: one self-contained page (inline CSS and SVG, no script, no remote reference), rendered from a
Jinja2 template with autoescaping, for a reader rather than a program.

Near the top: the date the data describes and every source with its address and its own date, and a plain
statement where the sources are reconstructions. Then where the clusters are (a map of Germany with a point per
city, and a table by federal state), where they go (pygal's world map, a map of Europe beside it, and the countries
with their English and German names), the programme's facts and rounds, the cross-source checks in words, every
cluster with its organisation, place, region, round and project, the issues cluster by cluster (printable:
nothing folded away), the changelog as text, links to every file of the version, the licence and how to cite it.
Charts show only what no table shows: the languages of the descriptions, the issues by field.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from html import escape
from typing import Any

from ..dataset import Changes, CheckEntry, DatasetVersion, SourceEntry
from ..diff import describe_change, summary
from ..models import Cluster
from ..normalize.countries import country_names
from ..normalize.places import SOURCE as PLACES_SOURCE
from .common import LICENCE, Exporter
from .maps import EUROPE, GERMANY, Point, region_map

COLOURS = ("#2f6f9f", "#e08a2c", "#6a9f3a", "#9b4f96", "#888888")
# One colour per country, by the phases naming it (the world map's, the Europe map's and the table's legend).
PHASE_COLOURS = {"both phases": "#2f6f9f", "concept phase only": "#6a9f3a", "implementation phase only": "#e08a2c"}
CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;margin:2rem;color:#222;max-width:1200px}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #ccc}
h3{font-size:1rem;margin:1rem 0 .3rem}.meta{color:#555;font-size:.9rem}.charts,.maps{display:flex;flex-wrap:wrap;
gap:1.5rem;align-items:flex-start}figure{margin:0;border:1px solid #ddd;padding:.6rem;border-radius:4px;
background:#fafafa}figcaption{font-weight:600;margin-bottom:.4rem}table{border-collapse:collapse;font-size:.85rem;
width:100%}th,td{border:1px solid #ddd;padding:.25rem .4rem;text-align:left;vertical-align:top}
th{background:#eef2f5}tr:nth-child(even) td{background:#f8f8f8}code{font-size:.85em}
.legend span{display:inline-block;margin-right:1rem}.swatch{display:inline-block;width:.8rem;height:.8rem;
margin-right:.3rem;vertical-align:middle}
.note{background:#fff6e0;border:1px solid #e0c070;padding:.5rem .8rem;border-radius:4px}.toc{margin:1rem 0}
.map svg{width:100%;height:auto;max-width:900px}.explain{color:#444;font-size:.9rem;max-width:60rem}
dl.facts{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dt{font-weight:600}
li.failed{color:#a00}td.num{text-align:right}.maps>div{flex:1 1 320px;min-width:0}
.maps>figure{flex:1 1 480px;max-width:600px}
@media print{body{margin:0;max-width:none}.toc{display:none}section.issues,tr{break-inside:avoid}
a{color:inherit;text-decoration:none}}
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


@dataclass(frozen=True)
class CountryRow:
    """A target country: code, English and German names, clusters naming it per phase, its colour group."""

    code: str
    en: str
    de: str
    concept: int
    implementation: int

    @property
    def group(self) -> str:
        """Which phases name it: 'both phases', 'concept phase only' or 'implementation phase only'."""
        if self.concept and self.implementation:
            return "both phases"
        return "concept phase only" if self.concept else "implementation phase only"

    @property
    def title(self) -> str:
        """The hover text on a map."""
        return f"{self.en}: concept {self.concept}, implementation {self.implementation}"


def country_rows(clusters: list[Cluster]) -> list[CountryRow]:
    """Target countries with their names and how many clusters name them, per phase (most named first)."""
    concept = Counter(c for r in clusters for c in r.target_countries.concept or [])
    implementation = Counter(c for r in clusters for c in r.target_countries.implementation or [])
    codes = sorted(set(concept) | set(implementation), key=lambda c: (-(concept[c] + implementation[c]), c))
    return [CountryRow(c, *country_names(c), concept[c], implementation[c]) for c in codes]


@cache
def world_class() -> Any:
    from pygal_maps_world.maps import World

    return World


def world_map(countries: list[CountryRow]) -> str:
    """The target countries on pygal's world map, as inline SVG: no script (pygal's inline configuration is
    removed and its remote JavaScript switched off), no comments, a fixed id, so the page stays static."""
    from pygal.style import Style

    style = Style(background="white", plot_background="white", colors=tuple(PHASE_COLOURS.values()))
    chart = world_class()(js=[], disable_xml_declaration=True, width=900, height=450, style=style,
                          show_legend=True, legend_at_bottom=True, print_values=False)
    for label in PHASE_COLOURS:  # one colour per country: a country in two series would be drawn twice
        chart.add(label, [{"value": (c.code.lower(), c.concept + c.implementation), "label": c.title}
                          for c in countries if c.group == label])
    svg = chart.render(is_unicode=True)
    uid = re.search(r'id="chart-([0-9a-f-]+)"', svg)
    if uid:
        svg = svg.replace(uid.group(1), "world")
    svg = re.sub(r"<script\b.*?</script>", "", svg, flags=re.S)
    # pygal's tooltips need its script: a <title> per country shows the same text on hover without one
    svg = re.sub(r'(<desc class="label reactive tooltip-trigger map-area">(.*?)</desc>)', r"<title>\2</title>\1", svg)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    return svg.replace("<svg ", '<svg role="img" aria-label="Target countries on a world map" ', 1)


def europe_map(countries: list[CountryRow]) -> str:
    """Europe, where most target countries are, coloured as the world map."""
    return region_map(EUROPE, {c.code.lower(): PHASE_COLOURS[c.group] for c in countries},
                      {c.code.lower(): c.title for c in countries}, "Target countries in Europe")


@dataclass(frozen=True)
class CityRow:
    """A city the clusters are in: its place (if found), and the clusters there."""

    city: str
    state: str | None
    latitude: float | None
    longitude: float | None
    clusters: list[str]


def city_rows(clusters: list[Cluster]) -> list[CityRow]:
    """Cities with the clusters there, by city."""
    by_city: dict[str, list[Cluster]] = {}
    for c in clusters:
        if c.city:
            by_city.setdefault(c.city, []).append(c)
    rows = []
    for city, there in sorted(by_city.items()):
        place = there[0].place
        rows.append(CityRow(city, place.state if place else None, place.latitude if place else None,
                            place.longitude if place else None, [c.name for c in there]))
    return rows


def germany_map(cities: list[CityRow]) -> str:
    """Germany with a point per city that has a place, sized by its clusters."""
    points = [Point(c.latitude, c.longitude, c.city, f"{c.city}: {', '.join(c.clusters)}", len(c.clusters))
              for c in cities if c.latitude is not None and c.longitude is not None]
    return region_map(GERMANY, {"de": "#f4f1e8"}, {}, "The clusters' cities in Germany", points, width=520)


def state_rows(clusters: list[Cluster]) -> list[tuple[str, int, str]]:
    """(federal state, clusters, their cities) by clusters, most first; clusters without a place last."""
    states: dict[str, list[Cluster]] = {}
    for c in clusters:
        states.setdefault(c.place.state if c.place and c.place.state else "", []).append(c)
    rows = [(state or "no place derived", len(there), ", ".join(sorted({c.city or "no city stated" for c in there})))
            for state, there in states.items()]
    return sorted(rows, key=lambda r: (r[0] == "no place derived", -r[1], r[0]))


def charts(clusters: list[Cluster]) -> list[str]:
    """What no table shows: the languages of the descriptions, the issues by field."""
    langs = Counter("English and German" if d.en and d.de else "English" if d.en else "German" if d.de else "none"
                    for d in (r.description for r in clusters))
    names = ["English", "German", "English and German", "none"]
    kinds = Counter(issue_kind(i.field) for r in clusters for i in r.issues)
    top = [k for k, _ in kinds.most_common(15)]
    return [bar_chart("Language of the descriptions (clusters)", names, [("clusters", [langs[n] for n in names])],
                      "chart-languages"),
            bar_chart("Data-quality issues by field", top, [("issues", [kinds[k] for k in top])], "chart-issues")]


def words(value: Any) -> str:
    """A check's figure in words: a mapping as 'key: value' pairs, a list as its items, the rest as text."""
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {words(v)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(words(v) for v in value)
    if value is None:
        return "not stated"
    return str(value)


def check_sentence(check: CheckEntry) -> str:
    """A cross-source check as a sentence: what was compared, with which figures, and the verdict."""
    figures = "; ".join(f"{name.replace('_', ' ')} {words(value)}" for name, value in check.figures.items())
    verdict = "holds" if check.passed else "does not hold"
    return f"{check.check[:1].upper()}{check.check[1:]}: {verdict}" + (f" ({figures})." if figures else ".")


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


def origin(sources: list[SourceEntry]) -> str:
    """Where the data comes from, as the manifest's sources say: reconstructions are named as such."""
    if not sources:
        return "the programme's sources"
    rebuilt = [s for s in sources if s.method == "reconstructed"]
    if not rebuilt:
        return f"{len(sources)} public sources of the programme"
    if len(rebuilt) == len(sources):
        return (f"reconstructions of text captures of the programme's {len(sources)} sources (the bundled "
                "snapshot), not the original pages; see the sources below")
    return (f"{len(sources)} sources of the programme, {len(rebuilt)} of them reconstructions of text captures, "
            "not the original pages; see the sources below")


def as_of(clusters: list[Cluster]) -> str | None:
    """The date the directory says its entries describe (ISO 8601 -> '16.04.2020'), the latest if several."""
    dates = sorted({c.as_of for c in clusters if c.as_of})
    if not dates:
        return None
    year, month, day = (dates[-1].split("-") + ["", ""])[:3]
    return ".".join(p for p in (day, month, year) if p)


CITATION = ("The clusterharvest contributors, \"clusterharvest: funded clusters of the BMBF measure "
            "'Internationalisation of Leading-Edge Clusters, Forward-Looking Projects and Comparable Networks'\", "
            "dataset version {version}, CC BY 4.0 (see CITATION.cff).")


def build_report(version: DatasetVersion, files: list[str]) -> str:
    """The whole page (``files``: the version's file names, each linked)."""
    clusters = version.clusters
    programme = version.programme
    sources = version.manifest.sources
    countries = country_rows(clusters)
    cities = city_rows(clusters)
    listed = Counter(c.round for c in clusters)
    regions = Counter(x for r in clusters for p in ("concept", "implementation")
                      for x in getattr(r.target_regions, p) or [])
    changes = version.changes
    return str(template().render(
        version=version.version, created=version.manifest.created, clusters=clusters, programme=programme,
        redacted=version.redacted, css=CSS, as_of=as_of(clusters), sources=sources,
        name=(programme.name.en if programme and programme.name.en else "BMBF cluster internationalisation"),
        origin=origin(sources), reconstructed=any(s.method == "reconstructed" for s in sources),
        world_map=world_map(countries), europe_map=europe_map(countries), germany_map=germany_map(cities),
        phase_colours=PHASE_COLOURS, countries=countries, regions=sorted(regions.items()),
        states=state_rows(clusters), cities=cities, places_source=PLACES_SOURCE,
        no_city=[c.name for c in clusters if not c.city], listed=listed, charts=charts(clusters),
        unstated=listed.get(None, 0), checks=[(c.passed, check_sentence(c)) for c in version.manifest.checks or []],
        changes=changes, change_summary=summary(changes) if changes else "",
        change_lines=change_lines(changes) if changes else [], files=sorted(files), licence=LICENCE,
        citation=CITATION.format(version=version.version)))


class Report(Exporter):
    """``report.html``: the data at a glance, for a browser (links to every file of the version)."""

    FILE_NAME = "report.html"
    FORMAT = "html"
    TITLE = "The data at a glance"

    def finish(self, files: Mapping[str, bytes]) -> bytes:
        return build_report(self.version, [*files, self.FILE_NAME, "datapackage.json", "manifest.json"]).encode()
