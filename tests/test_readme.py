"""The README's command table (section `## Commands`) and `chengxin --help` agree.

Every command of `chengxin` (the click group walked to its leaves) has a row, and every
command written in the table, with its options, exists. A cell may name several
subcommands at once (`chengxin users create/list/token`) and may leave `chengxin` off a
second command (`holidays list`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import click

from web.cli.commands import main

README = Path(__file__).resolve().parents[1] / "README.md"
WORD = re.compile(r"[a-z][a-z0-9_-]*(/[a-z][a-z0-9_-]*)*")
OPTION = re.compile(r"-{1,2}[a-zA-Z][a-z0-9-]*")


def every_command(
    group: click.Group = main, path: tuple[str, ...] = ()
) -> dict[tuple[str, ...], click.Command]:
    """Each command under group by its path (`("corpus", "add")`), groups included."""
    ctx = click.Context(group)
    out: dict[tuple[str, ...], click.Command] = {}
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        out[(*path, name)] = command
        if isinstance(command, click.Group):
            out.update(every_command(command, (*path, name)))
    return out


def commands_section(text: str) -> str:
    """The text of `## Commands`, up to the next `## ` heading."""
    match = re.search(r"^## Commands\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, "README.md has no `## Commands` section"
    return match.group(1)


def written_commands(section: str) -> list[str]:
    """The command lines the table shows: each code span of a row's first cell, and any
    code span starting with `chengxin` elsewhere in the section."""
    out: list[str] = []
    for line in section.splitlines():
        cells = re.split(r"(?<!\\)\|", line)
        first = cells[1] if line.startswith("|") and len(cells) > 2 else ""
        if re.fullmatch(r"\s*(command|-+)\s*", first):
            continue  # the header and its rule
        for span in re.findall(r"`([^`]+)`", line):
            if span.startswith("chengxin") or f"`{span}`" in first:
                out.append(span.replace("\\|", "|"))
    return out


@dataclass
class Written:
    """A command line of the table resolved against `chengxin`."""

    line: str
    paths: list[tuple[str, ...]]
    problems: list[str]


def resolve(line: str) -> Written:
    """The command paths a written line names, and what in it does not exist."""
    tokens = line.split()
    if tokens and tokens[0] == "chengxin":
        tokens = tokens[1:]
    paths: list[tuple[str, ...]] = [()]
    commands: list[click.Command] = [main]
    problems: list[str] = []
    rest = list(tokens)
    while rest and isinstance(commands[0], click.Group) and WORD.fullmatch(rest[0]):
        word = rest.pop(0)
        group = commands[0]
        assert isinstance(group, click.Group)
        ctx = click.Context(group)
        found = [(name, group.get_command(ctx, name)) for name in word.split("/")]
        for name, command in found:
            if command is None:
                problems.append(
                    f"`chengxin {' '.join((*paths[0], name))}` is no command"
                )
        found_ok = [(n, c) for n, c in found if c is not None]
        if not found_ok:
            return Written(line, [], problems)
        paths = [(*paths[0], n) for n, _ in found_ok]
        commands = [c for _, c in found_ok]
        if len(found_ok) > 1:
            break  # `create/list/token`: what follows belongs to each
    for token in rest:
        option = token.strip("[]").split("=")[0]
        if not OPTION.fullmatch(option):
            continue
        for path, command in zip(paths, commands, strict=True):
            known = {"--help"}
            for param in command.params:
                if isinstance(param, click.Option):
                    known.update(param.opts + param.secondary_opts)
            if option not in known:
                problems.append(f"`chengxin {' '.join(path)}` has no option {option}")
    return Written(line, paths, problems)


def table() -> list[Written]:
    """Every command line of the README's `## Commands` section, resolved."""
    section = commands_section(README.read_text(encoding="utf-8"))
    return [resolve(line) for line in written_commands(section)]


def test_every_command_has_a_row_in_the_readme() -> None:
    documented = {path for row in table() for path in row.paths}
    missing = [
        "chengxin " + " ".join(path)
        for path, command in sorted(every_command().items())
        if not isinstance(command, click.Group) and path not in documented
    ]
    assert not missing, "commands missing from README.md `## Commands`:\n" + "\n".join(
        missing
    )


def test_every_command_in_the_readme_exists() -> None:
    rows = table()
    assert len(rows) > 10, "the command table was not found or not read"
    problems = [f"{row.line}: {p}" for row in rows for p in row.problems]
    assert not problems, "README.md `## Commands` names what `chengxin` lacks:\n" + (
        "\n".join(problems)
    )


def test_the_table_reader_catches_what_is_wrong() -> None:
    section = (
        "| command | what it does |\n|---|---|\n"
        "| `chengxin users create/lst` / `db upgrade --fast` | x |\n"
        "| `chengxin serve [--host --port]` | uses `CHENGXIN_DATA_DIR` |\n"
        "| `chengxin nothing here` | x |\n"
    )
    lines = written_commands(section)
    assert lines == [
        "chengxin users create/lst",
        "db upgrade --fast",
        "chengxin serve [--host --port]",
        "chengxin nothing here",
    ]
    rows = [resolve(line) for line in lines]
    assert [row.problems for row in rows] == [
        ["`chengxin users lst` is no command"],
        ["`chengxin db upgrade` has no option --fast"],
        [],
        ["`chengxin nothing` is no command"],
    ]
    assert rows[0].paths == [("users", "create")]
    assert rows[2].paths == [("serve",)]
