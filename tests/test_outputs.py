"""Analysts' files in every version: CSVs, the data package, the report, the public variant, the data
dictionary. From the offline harvest of the bundled snapshot (no Prefect)."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import jsonschema
import pytest
from frictionless import validate

from clusterharvest.datadoc import render
from clusterharvest.pipeline import open_context, run_harvest

from .conftest import ROOT
from .test_cli import run_cli

PERSONAL = ["Helbych", "Florian Welter", "Gundlach", "f.welter@fz-juelich.de", "+491728380024", "+4915129702629",
            "post@deepsea-mining-alliance.", "Reuter"]


@pytest.fixture(scope="module")
def version(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("outputs")
    result = run_harvest(open_context(ROOT / "sources.toml", out, ROOT / "raw", offline=True))
    return out / result.version


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def test_every_version_has_the_analyst_files(version):
    names = {p.name for p in version.iterdir()}
    assert {"clusters.json", "programme.json", "clusters.csv", "contacts.csv", "datapackage.json", "report.html",
            "manifest.json"} <= names
    manifest = json.loads((version / "manifest.json").read_text(encoding="utf-8"))
    assert {"clusters.csv", "contacts.csv", "datapackage.json", "report.html"} <= set(manifest["files"])


def test_published_json_validates_against_the_shipped_schemas(version):
    for name in ("clusters", "programme"):
        schema = json.loads((ROOT / "normalized" / "schema" / f"{name}.schema.json").read_text(encoding="utf-8"))
        jsonschema.validate(json.loads((version / f"{name}.json").read_text(encoding="utf-8")), schema)


def test_clusters_csv_one_row_per_cluster_lists_joined_with_bom(version):
    raw = (version / "clusters.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # spreadsheets read UTF-8 right with the BOM
    rows = {r["id"]: r for r in read_csv(version / "clusters.csv")}
    assert len(rows) == 32
    bio = rows["bioeconomy-cluster"]
    assert bio["target_countries_concept"] == "CN; GB; FI; FR; NL" and bio["target_countries_implementation"] == "FR"
    assert rows["arena-2036"]["round"] == "3" and rows["cool-silicon"]["round"] == ""
    assert rows["elektromobilitaet-sued-west"]["name"] == "Elektromobilität Süd-West"
    assert rows["arena-2036"]["addresses"] == "1"  # a count: the addresses are in addresses.csv
    [address] = [a for a in read_csv(version / "addresses.csv") if a["cluster_id"] == "arena-2036"]
    assert (address["street"], address["postcode"], address["city"]) == ("Pfaffenwaldring 19", "70569", "Stuttgart")


def test_contacts_csv_one_row_per_contact(version):
    clusters = json.loads((version / "clusters.json").read_text(encoding="utf-8"))
    rows = read_csv(version / "contacts.csv")
    assert len(rows) == sum(len(c["contacts"]) for c in clusters)
    assert {r["cluster_id"] for r in rows} <= {c["id"] for c in clusters}
    ohl = [r for r in rows if r["cluster_id"] == "open-hybrid-labfactory-e-v"]
    assert ohl == [{**ohl[0], "name": "Christian Gundlach", "academic_title": "M.Sc.", "phone": "+4953139165025",
                    "mobile": "+4915129702629"}]


def test_data_package_validates_and_catches_tampering(version, tmp_path):
    report = validate(str(version / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    package = json.loads((version / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["path"]: r for r in package["resources"]}
    tables = ["clusters", "contacts", "numbers", "addresses", "targets", "target_regions", "issues", "projects",
              "rounds", "facts", "changes"]
    assert set(resources) == {"clusters.json", "programme.json", *(f"{t}.csv" for t in tables)}
    assert resources["clusters.csv"]["schema"]["primaryKey"] == ["id"]
    assert {o["path"] for o in package["other_formats"]} == {"clusters.ndjson", "clusterharvest.sqlite",
                                                            *(f"{t}.parquet" for t in tables)}
    assert resources["clusters.json"]["jsonSchema"]["title"] == "clusterharvest clusters.json"
    assert all(r["hash"].startswith("sha256:") and r["bytes"] > 0 for r in resources.values())
    assert package["redacted_personal_data"] is False
    copy = tmp_path / "copy"
    shutil.copytree(version, copy)
    (copy / "contacts.csv").write_bytes((copy / "contacts.csv").read_bytes() + b"x,1,,,,,,,,,\r\n")
    assert not validate(str(copy / "datapackage.json")).valid  # size, hash and the row all give it away


def everything_in(folder) -> str:
    """The text of every file of a version: text files as text, the SQLite database's bytes as text, the
    Parquet tables (compressed) as their rows."""
    import pyarrow.parquet as pq

    out = []
    for path in sorted(folder.iterdir()):
        if path.suffix == ".parquet":
            out.append(json.dumps(pq.read_table(path).to_pylist(), ensure_ascii=False))
        elif path.suffix == ".sqlite":
            out.append(path.read_bytes().decode("utf-8", "replace"))
        else:
            out.append(path.read_text(encoding="utf-8-sig"))
    return "".join(out)


def test_public_variant_has_no_personal_data(version, tmp_path):
    text = everything_in(version)
    assert all(item in text for item in PERSONAL)  # the full version has them
    res = run_cli("export", "--redact-personal", "--out", str(version.parent), "--version", version.name,
                  "--to", str(tmp_path / "public"))
    assert res.returncode == 0, res.stderr
    public = tmp_path / "public"
    assert {p.name for p in public.iterdir()} >= {"clusters.json", "programme.json", "clusters.csv", "contacts.csv",
                                                  "report.html", "datapackage.json"}
    text = everything_in(public)
    leaked = [item for item in PERSONAL if item in text]
    assert leaked == []
    clusters = json.loads((public / "clusters.json").read_text(encoding="utf-8"))
    ohl = next(c for c in clusters if c["id"] == "open-hybrid-labfactory-e-v")
    assert ohl["contacts"][0]["name"] is None and ohl["addresses"][1]["city"] == "Wolfsburg"  # organisations stay
    assert next(c for c in clusters if c["id"] == "medical-valley-emn")["contacts"][0]["role"] == \
        "Head of International Services"
    programme = json.loads((public / "programme.json").read_text(encoding="utf-8"))
    assert [e["path"] for e in programme["evidence"] if e["path"].startswith("contact")] == ["contact.organisation"]
    package = json.loads((public / "datapackage.json").read_text(encoding="utf-8"))
    assert package["redacted_personal_data"] is True and "Public variant" in package["description"]
    assert validate(str(public / "datapackage.json")).valid


def test_data_dictionary_matches_the_models():
    committed = (ROOT / "docs" / "DATA.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/DATA.md is stale: run python -m clusterharvest.datadoc docs/DATA.md"
    for field in ("`target_countries.implementation`", "`contacts[].phone`", "`rounds[].projects_selected`",
                  "`project_acronym`"):
        assert field in committed


# The cities of the directory's entries (capture 004; a record's city is its own organisation's) that GeoNames
# knows, each a point on the map of Germany.
CITIES = ["Aachen", "Augsburg", "Chemnitz", "Dresden", "Düsseldorf", "Erlangen", "Halle (Saale)", "Hamburg",
          "Heidelberg", "Jena", "Lüdenscheid", "Mülheim an der Ruhr", "München", "Nürnberg", "Saarbrücken", "Stade",
          "Stuttgart", "Tuttlingen", "Wetzlar", "Wolfsburg", "Wörrstadt"]


def test_report_is_self_contained(version):
    html = (version / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "src=" not in html and "@import" not in html and "url(" not in html  # no remote anything
    for chart in ("chart-languages", "chart-issues"):
        assert f'<svg id="{chart}"' in html
    assert html.count('<tr class="cluster"') == 32
    # the map: pygal's world map inline, the target countries coloured by phase
    assert '<div id="map-targets"><svg' in html and '<g class="us country' in html
    assert "<title>United States: concept 9, implementation 6</title>" in html  # hover text, no script
    # names beside codes, in English and German; full labels (no label cut)
    assert "<td>South Korea</td><td>Korea, Republik</td>" in html
    assert ">target_countries.implementation</text>" in html
    # the programme's facts, the checks, issues in words, the files, licence and citation, the sources' nature
    assert 'id="rounds"' in html and "4,000,000 EUR" in html and "only the third round" in html
    assert html.count("✓") >= 4 and 'id="check-list"' in html
    assert "the source does not say which Korea" in html
    for name in ("clusters.json", "clusters.parquet", "clusterharvest.sqlite", "datapackage.json"):
        assert f'<a href="{name}">' in html
    assert "CC-BY-4.0" in html and "CITATION.cff" in html and 'id="reconstruction-note"' in html


def test_the_report_says_when_and_from_where_near_the_top(version):
    html = (version / "report.html").read_text(encoding="utf-8")
    top = html[:html.index('id="germany"')]
    assert '<strong id="as-of">as of 16.04.2020</strong>' in top  # the directory's "(As of 16.04.2020)"
    sources = re.search(r'<table id="sources">(.*?)</table>', top, re.S).group(1)
    for url in ("https://interspin.de/en/cluster-network", "https://germanylandofinnovation.com/2016/07/08/",
                "https://www.bmbf.de/en/internationalisation-of-leading-edge-clusters"):
        assert f'<a href="{url}' in sources, url
    for date in ("2020-04-16", "2016-07-08", "2017-06-29", "2016-10"):  # the dates the sources state
        assert date in sources, date
    assert sources.count("<tr><td>") == 5


def test_the_report_shows_where_the_clusters_are_and_where_they_go(version):
    html = (version / "report.html").read_text(encoding="utf-8")
    germany = re.search(r'<div id="map-germany">(.*?)</div>', html, re.S).group(1)
    labels = re.findall(r'<g class="point"><title>.*?</title><circle [^>]*/><text [^>]*>(.*?)</text>', germany)
    assert sorted(labels) == CITIES, labels
    assert "<title>Stuttgart: ARENA 2036, Elektromobilität Süd-West, Leichtbau BW</title>" in germany
    states = dict(re.findall(r"<tr><td>([^<]+)</td><td class=\"num\">(\d+)</td>", html))
    assert states["Baden-Württemberg"] == "6" and states["no place derived"] == "5", states
    europe = re.search(r'<div id="map-europe">(.*?)</div>', html, re.S).group(1)
    assert '<g class="fr country" fill="#2f6f9f"' in europe and "<title>France: concept 5, implementation 3" in europe
    assert '<g class="no country" fill="#6a9f3a"' in europe  # Norway: concept phase only


def test_the_report_reads_as_text_with_no_dead_link_and_nothing_folded(version):
    html = (version / "report.html").read_text(encoding="utf-8")
    checks = re.search(r'<ul id="check-list">(.*?)</ul>', html, re.S).group(1)
    assert "{" not in checks and "[" not in checks and "holds" in checks, checks  # no Python dicts: words
    assert "rounds 1: 11, 2: 11, 3: 10; selected total 32; directory entries 32" in checks
    ids = set(re.findall(r' id="([^"]+)"', html))
    anchors = set(re.findall(r'href="#([^"]+)"', html))
    assert anchors - ids == set(), anchors - ids
    files = {href for href in re.findall(r'href="([^"#:]+)"', html)}
    assert files and {f for f in files if not (version / f).is_file()} == set()
    assert "<details" not in html  # issue sections print whole
    assert html.count('<section class="issues"') == sum(
        1 for c in json.loads((version / "clusters.json").read_text(encoding="utf-8")) if c["issues"])
    for chart in ("chart-countries", "chart-rounds"):  # a chart that repeated a table is gone
        assert chart not in html
    cfk = re.search(r'<tr class="cluster" id="c-cfk-valley">(.*?)</tr>', html, re.S).group(1)
    for cell in ("CFK Valley e.V.", "Stade, Niedersachsen", "Stade – Norddeutschland", ">3<",
                 "Access to the Champions League of Carbon Composites Technology"):
        assert cell in cfk, cell


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed (make test installs it "
                                                            "with apt where it can)")
def test_report_renders_in_headless_chromium(version, tmp_path):
    from PIL import Image

    url = (version / "report.html").as_uri()
    with tempfile.TemporaryDirectory() as profile:
        dom = subprocess.run(["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
                             capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-500:]
    assert dom.stdout.count('<tr class="cluster"') == 32 and dom.stdout.count("<svg") >= 5
    for map_id in ("map-germany", "map-targets", "map-europe"):  # the maps are in the rendered page
        assert f'<div id="{map_id}"><svg' in dom.stdout, map_id
    shot = tmp_path / "report.png"
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(["chromium", *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--window-size=1280,3000",
                        f"--screenshot={shot}", url], capture_output=True, timeout=120, check=True)
    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 3000)
    small = image.resize((128, 300))
    pixels = [small.getpixel((x, y)) for y in range(small.height) for x in range(small.width)]
    inked = sum(1 for p in pixels if sum(p) < 600)  # not near-white
    coloured = sum(1 for r, g, b in pixels if max(r, g, b) - min(r, g, b) > 60)  # the charts' bars
    assert inked > len(pixels) * 0.03, inked  # text, tables and charts: not a blank page
    assert coloured > 50, coloured
    # the maps near the top (below the sources): Germany's cities in red, the target countries in the maps' colours
    top = image.crop((0, 300, 1280, 2300))
    red = sum(1 for y in range(0, top.height, 2) for x in range(0, top.width, 2)  # the points: a few pixels each
              if (p := top.getpixel((x, y)))[0] > 150 and p[1] < 90 and p[2] < 90)
    band = top.resize((256, 400))
    colours = [band.getpixel((x, y)) for y in range(band.height) for x in range(band.width)]
    bluish = sum(1 for r, g, b in colours if b > r + 40)
    orange = sum(1 for r, g, b in colours if r > b + 80 and g > b and g > 90)
    assert red > 100 and bluish > 200 and orange > 3, (red, bluish, orange)
