"""The README documents the set-up commands and every CLI command; CI runs the README's test command."""

from __future__ import annotations

import re

from clusterharvest.cli import build_parser

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    block = re.search(r"## Quick start.*?```sh\n(.*?)```", README, re.S)
    assert block, "README has no Quick start sh block"
    return [line.split("#")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def test_readme_has_exactly_two_setup_commands():
    assert quick_start_commands() == ["make harvest", "make test"]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line.strip() for line in ci.splitlines() if line.strip() and not line.startswith("#")]
    assert quick_start_commands()[1] in commands, commands


def test_make_targets_of_the_readme_exist():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for command in quick_start_commands():
        target = command.split()[1]
        assert re.search(rf"^{target}:", makefile, re.M), target


def test_every_cli_command_and_option_is_documented():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, subparser in sub.choices.items():
        assert f"clusterharvest {name}" in README, name
        for action in subparser._actions:
            for flag in action.option_strings:
                if flag.startswith("--") and flag != "--help":
                    assert flag in README, (name, flag)


def section(title: str) -> str:
    found = re.search(rf"^### {re.escape(title)}\n(.*?)(?=^##)", README, re.S | re.M)
    assert found, title
    return found.group(1)


def sh_commands(text: str) -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", text, re.S)
    return [line.split("#")[0].strip() for block in blocks for line in block.splitlines() if line.strip()]


def test_the_scheduling_and_scaling_commands_are_the_ones_the_tests_run():
    """Every command of "Scheduled runs" and "Scaling out" is run by tests/test_prefect_server.py: its
    program, subcommands and options appear there as arguments (values such as addresses may differ)."""
    tests = (ROOT / "tests" / "test_prefect_server.py").read_text(encoding="utf-8")
    commands = sh_commands(section("Scheduled runs")) + sh_commands(section("Scaling out"))
    assert len(commands) >= 10, commands
    for command in commands:
        words = [w for w in re.findall(r'"[^"]*"|\S+', command)
                 if re.fullmatch(r"-{0,2}[a-z][a-z-]*", w) and w not in ("on", "each", "machine")]
        missing = [w for w in words if f'"{w}"' not in tests]
        assert not missing, (command, missing)


def level2_headings() -> list[str]:
    return re.findall(r"^## (.+)$", README, re.M)


def test_files_for_analysts_comes_right_after_the_quick_start():
    headings = level2_headings()
    assert headings[headings.index("Quick start") + 1] == "Files for analysts"


def analysts_section() -> str:
    found = re.search(r"^## Files for analysts\n(.*?)(?=^## )", README, re.S | re.M)
    assert found
    return found.group(1)


# The README's analyst recipes against the bundled harvest, each expectation by hand from the directory's capture
# (tests/fixtures/captures/004_f274a48bf349ce0a.txt): the cities its entries' addresses state, the federal states
# they lie in, the entries naming Japan.
STATES = {"Baden-Württemberg": 6,  # Stuttgart (3), Heidelberg (2), Tuttlingen
          "Bayern": 5,  # Augsburg (2), Nürnberg, München, Erlangen
          "Nordrhein-Westfalen": 4,  # Düsseldorf, Mülheim an der Ruhr, Aachen, Lüdenscheid
          "Sachsen": 3, "Hamburg": 2, "Niedersachsen": 2,  # Dresden (2), Chemnitz; Hamburg; Stade, Wolfsburg
          "Sachsen-Anhalt": 1, "Rheinland-Pfalz": 1, "Thüringen": 1, "Saarland": 1, "Hessen": 1,
          # no address with a city (3); Martinsried, and 'Südliches Anhalt – OT Weißandt-Gölzau', not GeoNames places
          "NULL": 5}
JAPAN_IMPLEMENTATION = [("BioM Biotech Cluster Development GmbH", "Martinsried", "NULL"),
                        ("CFK Valley", "Stade", "Niedersachsen"),
                        ("Cluster Leistungselektronik", "Nürnberg", "Bayern"),
                        ("International Sports-Innovation-Network (SINN-i)", "München", "Bayern"),
                        ("OptoNet e.V. - Photonics Network Thuringia", "Jena", "Thüringen"),
                        ("Organic Electronics Saxony (OES)", "Dresden", "Sachsen")]
JAPAN_IN_TEXT = ["biom-biotech-cluster-development-gmbh", "international-sports-innovation-network-sinn-i",
                 "organic-electronics-saxony-oes"]  # "Bavaria and Japan", "... Japan ...", "... Japan ..."


def table_rows(printed: str) -> list[list[str]]:
    """The data rows of a table DuckDB's ``show()`` printed, as cell texts."""
    lines = [line for line in printed.splitlines() if line.startswith("│")]
    return [[cell.strip() for cell in line.strip("│").split("│")] for line in lines[2:]]  # past names and types


def test_the_analysts_recipes_run_as_written(tmp_path, monkeypatch, capsys):
    """The section's Python blocks run as they stand, from a folder holding a harvest's normalized/, and print
    what the capture says: the most named target countries, the clusters per federal state, the clusters naming
    Japan and where they are; its datasette commands serve the database (on a free port) and answer a search."""
    import json
    import shlex
    import subprocess
    import time
    import urllib.request

    from clusterharvest.pipeline import open_context, run_harvest

    from .prefect_server import free_port

    run_harvest(open_context(ROOT / "sources.toml", tmp_path / "normalized", ROOT / "raw", offline=True))
    monkeypatch.chdir(tmp_path)
    text = analysts_section()
    python_blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(python_blocks) == 4
    scope: dict = {}
    printed = []
    for block in python_blocks:
        exec(compile(block, "README.md", "exec"), scope)  # noqa: S102 - the README's own recipe
        printed.append(capsys.readouterr().out)
    assert len(scope["clusters"]) == 32 and list(scope["clusters"].loc[0, "sources"])
    assert all(p.startswith("+49") for p in scope["contacts"]["phone"] if p)
    # the most named target country: USA on nine entries' concept lines (the six implementation lines are among them)
    assert table_rows(printed[1])[0] == ["United States", "9"], printed[1]
    assert {state: int(n) for state, n in table_rows(printed[2])} == STATES, printed[2]
    assert [tuple(row) for row in table_rows(printed[3])] == JAPAN_IMPLEMENTATION, printed[3]

    serve, search = sh_commands(text)
    args = serve.split()
    assert args[0] == ".venv/bin/datasette"
    words = shlex.split(search)
    assert words[0] == args[0] and "--get" in words
    found = subprocess.run([str(ROOT / words[0]), *words[1:]], capture_output=True, text=True, timeout=120)
    assert found.returncode == 0, found.stderr
    assert [row["id"] for row in json.loads(found.stdout)] == JAPAN_IN_TEXT, found.stdout
    port = free_port()
    server = subprocess.Popen([str(ROOT / args[0]), *args[1:], "--port", str(port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/clusterharvest/clusters.json?_shape=array&_size=max"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    rows = json.loads(response.read())
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        assert len(rows) == 32 and {r["id"] for r in rows} >= {"arena-2036"}
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/-/metadata.json", timeout=5) as response:
            assert "BMBF cluster internationalisation" in json.loads(response.read())["title"]
    finally:
        server.terminate()
        server.wait(timeout=10)
