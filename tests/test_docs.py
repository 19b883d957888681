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


def test_the_analysts_recipes_run_as_written(tmp_path, monkeypatch, capsys):
    """The section's pandas and DuckDB blocks run as they stand, from a folder holding a harvest's
    normalized/; its datasette command serves the database (on a free port) and answers a query."""
    import json
    import subprocess
    import time
    import urllib.request

    from clusterharvest.pipeline import open_context, run_harvest

    from .prefect_server import free_port

    run_harvest(open_context(ROOT / "sources.toml", tmp_path / "normalized", ROOT / "raw", offline=True))
    monkeypatch.chdir(tmp_path)
    text = analysts_section()
    python_blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(python_blocks) == 2
    scope: dict = {}
    for block in python_blocks:
        exec(compile(block, "README.md", "exec"), scope)  # noqa: S102 - the README's own recipe
    assert len(scope["clusters"]) == 32 and list(scope["clusters"].loc[0, "sources"])
    assert all(p.startswith("+49") for p in scope["contacts"]["phone"] if p)
    assert "│ US      │" in capsys.readouterr().out  # DuckDB's table: the most named target country
    [command] = sh_commands(text)
    args = command.split()
    assert args[0] == ".venv/bin/datasette"
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
