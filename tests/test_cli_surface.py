"""The command line's surface: help text, pipes closed early, hints that name real options."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT


def _untm(*args: str | Path, columns: int = 80) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": str(columns)},
    )


@pytest.mark.parametrize(
    "command", [(), ("check",), ("segment",), ("align",), ("match",), ("glossary", "list")]
)
def test_help_shows_flags_without_a_type(command: tuple[str, ...]) -> None:
    result = _untm(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert "--help" in result.stdout
    assert "<bool>" not in result.stdout


@pytest.fixture(scope="module")
def long_draft(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Far more output than a pipe buffers (our own text, not official UN text)."""
    path = tmp_path_factory.mktemp("pipe") / "long.en.md"
    paragraph = "The Human Rights Council adopted resolution 52/1 on 4 April 2023. " * 3
    path.write_text("\n\n".join([paragraph] * 2000), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "args", [("segment",), ("segment", "--json"), ("terms",)], ids=["lines", "json", "rich"]
)
def test_a_pipe_closed_early_ends_quietly(long_draft: Path, args: tuple[str, ...]) -> None:
    """``untm ... | head -1``: no traceback, no "Broken pipe" line, status 0."""
    command, *options = args
    with subprocess.Popen(
        [sys.executable, "-m", "cli.main", command, str(long_draft), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "80"},
    ) as proc:
        assert proc.stdout is not None
        assert proc.stderr is not None
        assert proc.stdout.readline()
        proc.stdout.close()
        err = proc.stderr.read().decode()
        code = proc.wait(timeout=120)
    assert (code, err) == (0, "")


# --- every option a message names exists -------------------------------------------------

_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]*")


def _commands() -> dict[str, Any]:
    """Each command's name (``glossary import``) and its click command."""
    from typer.main import get_command

    from cli.main import app

    found: dict[str, Any] = {}

    def walk(command: Any, name: str) -> None:
        if hasattr(command, "commands"):
            for sub_name, sub in command.commands.items():
                walk(sub, f"{name} {sub_name}".strip())
        else:
            found[name] = command

    walk(get_command(app), "")
    return found


def _strings(node: ast.AST) -> Iterator[str]:
    for child in ast.walk(node):
        if isinstance(child, ast.Constant) and isinstance(child.value, str):
            yield child.value


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes (the library's docstrings are not messages)."""
    holders = (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)
    return {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, holders)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }


def _reached(tree: ast.Module, name: str) -> list[ast.AST]:
    """The command function ``name`` with the module's functions and constants it uses."""
    defs: dict[str, ast.AST] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            defs[node.name] = node
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    defs[target.id] = node
    seen: list[ast.AST] = []
    todo = [name]
    while todo:
        node = defs.get(todo.pop())
        if node is None or node in seen:
            continue
        seen.append(node)
        todo.extend(n.id for n in ast.walk(node) if isinstance(n, ast.Name))
    return seen


def test_messages_of_each_command_name_its_own_options() -> None:
    """Help, docstrings, errors and hints in a command's code name options it has."""
    wrong = []
    for name, command in _commands().items():
        callback = command.callback
        path = Path(sys.modules[callback.__module__].__file__ or "")
        tree = ast.parse(path.read_text(encoding="utf-8"))
        have = {opt for param in command.params for opt in param.opts} | {"--help"}
        for node in _reached(tree, callback.__name__):
            for text in _strings(node):
                wrong += [(name, opt) for opt in _OPTION.findall(text) if opt not in have]
    assert wrong == []


def test_the_library_names_no_option() -> None:
    """tm/, tmx/ and glossaries/ serve several commands: their errors carry ``parameter``,
    and each command names its own option (cli/_hints.py)."""
    found = []
    for package in ("tm", "tmx", "glossaries"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            docs = _docstrings(tree)
            for node in ast.walk(tree):
                text = node.value if isinstance(node, ast.Constant) else None
                if isinstance(text, str) and id(node) not in docs and _OPTION.search(text):
                    found.append((str(path.relative_to(ROOT)), text))
    assert found == []


def test_shared_output_names_options_that_exist() -> None:
    """The render modules, main.py and the error modules serve every command."""
    have = {opt for command in _commands().values() for p in command.params for opt in p.opts}
    named = {
        opt
        for module in ("render", "render_matches", "render_terms", "main", "_errors", "_hints")
        for text in _strings(ast.parse((ROOT / "cli" / f"{module}.py").read_text("utf-8")))
        for opt in _OPTION.findall(text)
    }
    assert named - have - {"--help", "--lang"} == set()


def test_the_audit_sees_a_wrong_option() -> None:
    """The checker itself: ``build`` has no ``--lang``, ``check`` has ``--target-lang``."""
    commands = _commands()
    build = {opt for p in commands["build"].params for opt in p.opts}
    check = {opt for p in commands["check"].params for opt in p.opts}
    assert "--lang" not in build
    assert {"--target", "--target-lang"} <= check
    assert _OPTION.findall("pass --lang xx, or -x, not a--b") == ["--lang"]


@pytest.mark.parametrize(
    ("args", "named", "not_named"),
    [
        (("build", "{en}", "{bare}", "-m", "{tmp}/m.sqlite"), "name the file like", "--"),
        (("check", "{en}", "--target", "{bare}"), "pass --target-lang xx", "--lang "),
        (("check", "{bare}"), "pass --lang xx", "--target-lang"),
        (("terms", "{bare}"), "pass --lang xx", "--target-lang"),
        (("segment", "{en}", "--lang", "de"), "with --srx FILE", "--lang"),
        (("align", "{en}", "{bare}"), "with --langs", "--lang "),
        (("terms", "{en}", "-o", "{tmp}/g.foo"), "with --format", "--glossary-format"),
    ],
)
def test_hints_name_the_option_of_the_command(
    tmp_path: Path, examples: Path, args: tuple[str, ...], named: str, not_named: str
) -> None:
    bare = tmp_path / "letter.md"
    bare.write_text("Le Conseil de sécurité se réunit.\n", encoding="utf-8")
    values = {"en": examples / "letter.en.md", "bare": bare, "tmp": tmp_path}
    result = _untm(*(arg.format(**values) for arg in args))
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip().count("\n") == 0  # one line (after build's progress)
    assert named in result.stderr
    assert not_named not in result.stderr.split(":", 2)[-1].replace(named, "")


# --- refusals --------------------------------------------------------------------------------


def test_check_refuses_a_draft_as_its_own_target(examples: Path) -> None:
    draft = examples / "letter.en.md"
    result = _untm("check", draft, "--target", examples / ".." / "letter" / "letter.en.md")
    assert result.returncode == 2
    assert "--target names DRAFT itself" in result.stderr
    assert result.stdout == ""


def test_pretranslate_refuses_the_draft_s_own_language(tmp_path: Path, examples: Path) -> None:
    memory = tmp_path / "m.sqlite"
    draft = examples / "letter.en.md"
    built = _untm("build", draft, examples / "letter.fr.md", "-m", memory)
    assert built.returncode == 0, built.stderr
    for target in ("en", "EN-gb"):
        output = tmp_path / "out.tmx"
        result = _untm("pretranslate", draft, "-m", memory, "-t", target, "-o", output)
        assert result.returncode == 2
        assert "is in en already" in result.stderr
        assert not output.exists()


def test_no_command_help_shows_a_type_beside_a_flag() -> None:
    """Every command and group, in process (the subprocess test above covers the entry point)."""
    from typer.testing import CliRunner

    from cli.main import app

    runner = CliRunner()
    names = {name.split()[0] for name in _commands()} | set(_commands())
    for name in sorted(names):
        result = runner.invoke(app, [*name.split(), "--help"], env={"COLUMNS": "80"})
        assert result.exit_code == 0, (name, result.output)
        assert "<bool>" not in result.output, name


@pytest.mark.parametrize(
    ("args", "said", "command"),
    [
        (("query", "ICCPR", "--bogus"), "no such option: --bogus", "query"),
        (("query",), "missing argument 'term'", "query"),
        (("query", "ICCPR", "--limit", "many"), "invalid value for '--limit'", "query"),
        (("glossary", "show"), "missing argument 'ID'", "glossary show"),
        (("segment", "x.en.md", "--srx"), "option '--srx' requires an argument", "segment"),
        (("glossary", "nosuch"), "no such command 'nosuch'", "glossary"),
        (("nosuch",), "no such command 'nosuch'", ""),
        (("export", "-m", "x.sqlite", "-o", "x.xls", "--format", "xls"), "'--format'", "export"),
    ],
)
def test_a_usage_error_is_one_line_and_exit_2(
    args: tuple[str, ...], said: str, command: str
) -> None:
    """click printed four lines (usage, a hint, a blank line, ``Error: ...``)."""
    result = _untm(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("untm: error: ")
    assert said in line
    assert line.endswith(f"{' ' if command else ''}{command} --help'")


@pytest.mark.parametrize("command", [(), ("glossary",)])
def test_a_command_without_arguments_still_shows_its_help(command: tuple[str, ...]) -> None:
    result = _untm(*command)
    assert "Commands:" in result.stdout + result.stderr
    assert "untm: error" not in result.stderr
