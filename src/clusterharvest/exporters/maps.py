"""Maps for the report as inline SVG, drawn from the country outlines pygal's world map ships
(``pygal_maps_world/worldmap.svg``): a part of the world (Europe, legible beside the world map) with countries
coloured, and Germany with a point per city.

The outlines are in the Robinson projection. ``project`` places a latitude and longitude on them: Robinson's table
(X and Y per 5 degrees of latitude, interpolated linearly), central meridian 7.43 degrees east, with the scale and
offsets measured against Germany's outline and its extreme points (List on Sylt 55.06 N, Haldenwanger Eck
47.27 N, Isenbruch 5.87 E, Neissehaus 15.04 E), which it meets within a quarter of a map unit (about 2 km).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from html import escape
from importlib import resources

# Robinson's table: latitude, X (length of the parallel), Y (distance from the equator).
ROBINSON = ((0, 1.0000, 0.0000), (5, 0.9986, 0.0620), (10, 0.9954, 0.1240), (15, 0.9900, 0.1860),
            (20, 0.9822, 0.2480), (25, 0.9730, 0.3100), (30, 0.9600, 0.3720), (35, 0.9427, 0.4340),
            (40, 0.9216, 0.4958), (45, 0.8962, 0.5571), (50, 0.8679, 0.6176), (55, 0.8350, 0.6769),
            (60, 0.7986, 0.7346), (65, 0.7597, 0.7903), (70, 0.7186, 0.8435), (75, 0.6732, 0.8936),
            (80, 0.6213, 0.9394), (85, 0.5722, 0.9761), (90, 0.5322, 1.0000))
CENTRAL_MERIDIAN = 7.43
X_OFFSET, X_SCALE = 1330.3, 7.5736  # map units; per degree of longitude at the equator
Y_OFFSET, Y_SCALE = 755.76, -691.44  # map units; per unit of Robinson's Y
EUROPE = (1130.0, 150.0, 400.0, 300.0)  # x, y, width, height in map units: Iceland to the Urals' west
GERMANY = (1312.0, 282.0, 76.0, 75.0)


def robinson(latitude: float) -> tuple[float, float]:
    """Robinson's (X, Y) at a latitude, interpolated in its table."""
    a = min(abs(latitude), 90.0)
    low = min(int(a // 5), 17)
    (l0, x0, y0), (_, x1, y1) = ROBINSON[low], ROBINSON[low + 1]
    f = (a - l0) / 5
    sign = 1 if latitude >= 0 else -1
    return x0 + f * (x1 - x0), sign * (y0 + f * (y1 - y0))


def project(latitude: float, longitude: float) -> tuple[float, float]:
    """A point in degrees (WGS 84) as (x, y) on pygal's world map."""
    x, y = robinson(latitude)
    return X_OFFSET + X_SCALE * x * (longitude - CENTRAL_MERIDIAN), Y_OFFSET + Y_SCALE * y


@cache
def outlines() -> dict[str, list[tuple[float, float, str]]]:
    """Each country's outline by its ISO 3166-1 alpha-2 code (lower case): its SVG paths (without their ids, which
    the world map on the same page has too), each with the point it starts at."""
    svg = resources.files("pygal_maps_world").joinpath("worldmap.svg").read_text(encoding="utf-8")
    out: dict[str, list[tuple[float, float, str]]] = {}
    for code, body in re.findall(r'<g class="([a-z]{2}) country map-element">(.*?)</g>', svg, re.S):
        for d in re.findall(r'<path [^>]*\bd="([^"]+)"', body):
            start = re.match(r"\s*[mM]\s*(-?[\d.]+)[ ,](-?[\d.]+)", d)
            if start:
                out.setdefault(code, []).append((float(start.group(1)), float(start.group(2)), d))
    return out


def within(view: tuple[float, float, float, float], x: float, y: float, margin: float) -> bool:
    """Whether a point lies in a view, widened by a margin."""
    x0, y0, w, h = view
    return x0 - margin <= x <= x0 + w + margin and y0 - margin <= y <= y0 + h + margin


@dataclass(frozen=True)
class Point:
    """A point to mark: where, its label, its hover text and its size (how many it stands for)."""

    latitude: float
    longitude: float
    label: str
    title: str
    count: int = 1


def region_map(view: tuple[float, float, float, float], colours: Mapping[str, str], titles: Mapping[str, str],
               label: str, points: Iterable[Point] = (), width: int = 560) -> str:
    """A part of the map (``view``: x, y, width, height in map units) with countries coloured (``colours`` by
    lower-case code; the rest grey), a hover title per coloured country, and points with labels."""
    x0, y0, w, h = view
    scale = w / width  # map units per pixel: strokes and labels keep their size on screen
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x0} {y0} {w} {h}" width="{width}" '
             f'height="{round(width * h / w)}" role="img" aria-label="{escape(label)}">',
             f'<rect x="{x0}" y="{y0}" width="{w}" height="{h}" fill="#eef4f8"/>']
    for code, paths in outlines().items():
        # the paths that start near the view (a large country's far islands are left out)
        shown = "".join(f'<path d="{d}"/>' for x, y, d in paths if within(view, x, y, max(w, h)))
        if not shown:
            continue
        fill = colours.get(code, "#d9d9d9")
        title = f"<title>{escape(titles[code])}</title>" if code in titles else ""
        parts.append(f'<g class="{code} country" fill="{fill}" stroke="#ffffff" stroke-width="{0.6 * scale:.3f}">'
                     f"{title}{shown}</g>")
    placed = [(p, *project(p.latitude, p.longitude)) for p in points]
    for p, x, y in placed:
        r = (3 + 2 * (p.count - 1) ** 0.5) * scale
        # the label to the right of its point, unless another point stands there (Stade beside Hamburg)
        room = (len(p.label) * 5.5 + 10) * scale
        left = any(0 < ox - x < room and abs(oy - y) < 10 * scale for _, ox, oy in placed)
        lx = x - r - 1.5 * scale if left else x + r + 1.5 * scale
        anchor = ' text-anchor="end"' if left else ""
        parts.append(f'<g class="point"><title>{escape(p.title)}</title><circle cx="{x:.2f}" cy="{y:.2f}" '
                     f'r="{r:.2f}" fill="#c0392b" fill-opacity="0.85" stroke="#ffffff" '
                     f'stroke-width="{0.8 * scale:.3f}"/><text x="{lx:.2f}" y="{y + 3.5 * scale:.2f}" '
                     f'font-size="{10 * scale:.2f}" fill="#222222"{anchor}>'
                     f"{escape(p.label)}</text></g>")
    parts.append("</svg>")
    return "".join(parts)
