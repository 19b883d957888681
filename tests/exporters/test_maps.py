"""Points on pygal's world outlines (Robinson projection): Germany's extreme points land on the extremes of its
outline, so a city's point falls where the city is."""

from __future__ import annotations

import pytest

from clusterharvest.exporters.maps import GERMANY, Point, project, region_map

# Germany's outline in pygal_maps_world/worldmap.svg spans x 1320.4-1379.6 and y 287.3-351.6 (its path's points,
# measured once); its extreme points by latitude and longitude.
EXTREMES = [
    ((55.0583, 8.4167), "y", 287.3),  # List on Sylt, north
    ((47.2703, 10.1783), "y", 351.6),  # Haldenwanger Eck, south
    ((51.0500, 5.8667), "x", 1320.4),  # Isenbruch, west
    ((51.2728, 15.0419), "x", 1379.6),  # Neißeaue, east
]


@pytest.mark.parametrize(("where", "axis", "want"), EXTREMES)
def test_germanys_extreme_points_land_on_its_outline(where, axis, want):
    x, y = project(*where)
    got = x if axis == "x" else y
    assert got == pytest.approx(want, abs=0.5), got


def test_a_region_map_draws_its_countries_and_points():
    svg = region_map(GERMANY, {"de": "#f4f1e8"}, {"de": "Germany"}, "Germany",
                     [Point(48.78, 9.18, "Stuttgart", "Stuttgart: 3 clusters", 3)])
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="1312.0 282.0 76.0 75.0"'), svg[:120]
    assert '<g class="de country" fill="#f4f1e8"' in svg and "<title>Germany</title>" in svg
    assert '<g class="fr country" fill="#d9d9d9"' in svg  # a neighbour, grey
    assert "<title>Stuttgart: 3 clusters</title>" in svg and ">Stuttgart</text>" in svg
    assert ' id="' not in svg  # the world map on the same page has the outlines' ids
