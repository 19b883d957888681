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
