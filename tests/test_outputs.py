"""Analysts' files in every version: CSVs, the data package, the report, the public variant, the data
dictionary. From the offline harvest of the bundled snapshot (no Prefect)."""

from __future__ import annotations

import csv
import io
import json
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


def test_report_is_self_contained(version):
    html = (version / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "src=" not in html and "@import" not in html and "url(" not in html  # no remote anything
    for chart in ("chart-countries", "chart-rounds", "chart-languages", "chart-issues"):
        assert f'<svg id="{chart}"' in html
    assert html.count('<tr class="cluster"') == 32
    # the map: pygal's world map inline, the target countries coloured by phase
    assert '<div id="map-targets"><svg' in html and '<g class="us country' in html
    assert "<title>United States: concept 9, implementation 6</title>" in html  # hover text, no script
    # names beside codes, in English and German; full labels (no label cut)
    assert "<td>South Korea</td><td>Korea, Republik</td>" in html and "United States (US)" in html
    assert ">target_countries.implementation</text>" in html
    # the programme's facts, the checks, issues in words, the files, licence and citation, the sources' nature
    assert 'id="rounds"' in html and "4,000,000 EUR" in html and "only the third round" in html
    assert html.count("✓") >= 4 and 'id="check-list"' in html
    assert "the source does not say which Korea" in html
    for name in ("clusters.json", "clusters.parquet", "clusterharvest.sqlite", "datapackage.json"):
        assert f'<a href="{name}">' in html
    assert "CC-BY-4.0" in html and "CITATION.cff" in html and 'id="reconstruction-note"' in html
    assert 'id="city-table"' in html and "<td>Stuttgart</td>" in html


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
    assert '<div id="map-targets"><svg' in dom.stdout  # the map is in the rendered page
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
    # the map (near the top): its coloured countries are there, in the map's three colours
    band = image.crop((0, 300, 1280, 1000)).resize((256, 140))
    colours = {band.getpixel((x, y)) for y in range(band.height) for x in range(band.width)}
    bluish = sum(1 for r, g, b in colours if b > r + 40)
    orange = sum(1 for r, g, b in colours if r > b + 80 and g > b)
    assert bluish > 5 and orange > 0, (bluish, orange)
