"""The docs keep up with the code: settings, commands, routes, error codes and links.

When a test here fails after a change to the code, update the page it names; for the
settings table the failure message holds the exact text to paste (or run
``python -m tests.test_docs``).
"""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from starlette.routing import Mount, Route

from yorum import errors
from yorum.cli import main
from yorum.settings import describe
from yorum.web import errors as web_errors
from yorum.web.routes import ADMIN_API, API, routes

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
PACKAGE = ROOT / "yorum"
TABLE_START = "<!-- settings-table:start -->"
TABLE_END = "<!-- settings-table:end -->"


def read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


# -- settings --------------------------------------------------------------------------


def _toml_value(value: Any) -> str:
    """A default as it would be written in the TOML file."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def settings_table() -> str:
    """The Markdown table of every setting, as docs/configuration.md carries it."""
    lines = [
        "| Key | Environment variable | Type | Default | Description |",
        "|---|---|---|---|---|",
    ]
    for info in describe():
        description = info.help.replace("|", "\\|")
        default = _toml_value(info.default)
        lines.append(f"| `{info.key}` | `{info.env}` | {info.type} | `{default}` | {description} |")
    return "\n".join(lines)


def test_settings_table_matches_the_code() -> None:
    text = read("configuration.md")
    assert text.count(TABLE_START) == 1 and text.count(TABLE_END) == 1, "table markers"
    documented = text.split(TABLE_START)[1].split(TABLE_END)[0].strip()
    expected = settings_table()
    assert documented == expected, (
        "docs/configuration.md: the settings table is out of date; put this between "
        f"the markers:\n\n{expected}\n"
    )


# -- command line ----------------------------------------------------------------------


def commands(
    command: click.Command, path: tuple[str, ...] = ("yorum",)
) -> Iterator[tuple[str, click.Command]]:
    """Every command and group under ``command``, with its full invocation."""
    yield " ".join(path), command
    if isinstance(command, click.Group):
        for name, sub in sorted(command.commands.items()):
            yield from commands(sub, (*path, name))


def sections(markdown: str) -> dict[str, str]:
    """Text of each section headed by a command in backticks, e.g. ``## `yorum serve` ``.

    A section runs to the next heading of any kind; ``#`` lines in code blocks are not
    headings.
    """
    found: dict[str, str] = {}
    current: str | None = None
    in_code = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            in_code = not in_code
        elif not in_code and re.match(r"#{1,6} ", line):
            match = re.match(r"#+ `([^`]+)`", line)
            current = match.group(1).strip() if match else None
            if current:
                found[current] = ""
            continue
        if current:
            found[current] += line + "\n"
    return found


COMMANDS = list(commands(main))


def test_every_command_is_found() -> None:
    names = [invocation for invocation, _ in COMMANDS]
    assert {"yorum", "yorum serve", "yorum site add"} <= set(names)


@pytest.mark.parametrize(("invocation", "command"), COMMANDS, ids=[i for i, _ in COMMANDS])
def test_each_command_and_its_options_are_documented(
    invocation: str, command: click.Command
) -> None:
    documented = sections(read("cli.md"))
    assert invocation in documented, f"docs/cli.md needs a section headed ## `{invocation}`"
    section = documented[invocation]
    for param in command.params:
        if isinstance(param, click.Option):
            for option in param.opts:
                if option.startswith("--"):
                    assert option in section, f"`{invocation}`: {option} missing from docs/cli.md"
        elif isinstance(param, click.Argument):
            name = param.metavar or (param.name or "").upper()
            assert name in section, f"`{invocation}`: argument {name} missing from docs/cli.md"
    for name in getattr(command, "commands", {}):
        assert f"`{invocation} {name}`" in section, f"`{invocation}` should list {name}"


# -- routes ----------------------------------------------------------------------------


def doc_path(path: str) -> str:
    """A route path as the docs write it: ``{id:id}`` becomes ``{id}``."""
    return re.sub(r"\{(\w+):\w+\}", r"{\1}", path)


@pytest.mark.parametrize(
    "operation", [*API, *ADMIN_API], ids=[f"{op.method} {op.path}" for op in [*API, *ADMIN_API]]
)
def test_each_api_operation_is_documented(operation: Any) -> None:
    heading = f"`{operation.method} {doc_path(operation.path)}`"
    assert re.search(rf"^#+ {re.escape(heading)}", read("api.md"), flags=re.MULTILINE), (
        f"docs/api.md needs a heading {heading}"
    )


def test_every_route_is_mentioned_in_the_api_docs() -> None:
    text = read("api.md")
    paths = [doc_path(r.path) for r in routes() if isinstance(r, Route | Mount)]
    assert "/healthz" in paths and "/api/openapi.json" in paths
    spans = re.findall(r"`([^`\n]+)`", text)

    def mentioned(path: str) -> bool:
        pattern = rf"(^|\s){re.escape(path)}($|[\s/?])"
        return any(re.search(pattern, span) for span in spans)

    missing = [p for p in paths if not mentioned(p)]
    assert not missing, f"routes missing from docs/api.md: {missing}"


# -- error codes -----------------------------------------------------------------------


def _subclasses(cls: type[errors.YorumError]) -> Iterator[type[errors.YorumError]]:
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def _strings(node: ast.AST) -> list[str]:
    """The string literals in an expression (both arms of ``a if c else b``)."""
    return [
        n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    ]


def error_codes() -> dict[str, int | None]:
    """Every ``error`` code the server can answer with, and its status (None if it varies)."""
    found: dict[str, int | None] = {}
    for cls in _subclasses(errors.YorumError):
        code = cls.__dict__.get("code")
        if isinstance(code, str):
            found[code] = web_errors.status_of(cls.__new__(cls))
    for http_status, code in web_errors._HTTP_CODES.items():
        found.setdefault(code, http_status)
    for source in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name == "Invalid":  # sub-codes of a 422, e.g. Invalid(..., code="too_long")
                for keyword in node.keywords:
                    if keyword.arg == "code":
                        for code in _strings(keyword.value):
                            found.setdefault(code, 422)
            elif name == "problem" and len(node.args) >= 3:  # problem(request, 503, "x", ...)
                arg = node.args[1]
                known = (
                    arg.value
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, int)
                    else None
                )
                for code in _strings(node.args[2]):
                    found.setdefault(code, known)
            elif (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "_HTTP_CODES"
                and func.attr == "get"
            ):  # the code of any other HTTP error
                for code in _strings(node.args[1]):
                    found.setdefault(code, None)
    return found


def test_error_codes_are_found() -> None:
    codes = error_codes()
    assert codes["too_long"] == 422 and codes["busy"] == 503 and codes["internal"] == 500
    assert "http_error" in codes and codes["origin_not_allowed"] == 403


@pytest.mark.parametrize(("code", "status"), sorted(error_codes().items()))
def test_each_error_code_is_in_the_api_table(code: str, status: int | None) -> None:
    rows = [line for line in read("api.md").splitlines() if line.startswith(f"| `{code}` |")]
    assert rows, f"docs/api.md: the error table needs a row for `{code}`"
    if status is not None:
        cells = [cell.strip() for cell in rows[0].split("|")]
        assert str(status) in cells, f"docs/api.md: `{code}` should be listed with {status}"


# -- links -----------------------------------------------------------------------------

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def markdown_files() -> list[Path]:
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


def slug(heading: str) -> str:
    """The anchor GitHub and mkdocs give a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.M | re.S)
    return {slug(m) for m in re.findall(r"^#+ (.+)$", text, flags=re.MULTILINE)}


@pytest.mark.parametrize("page", markdown_files(), ids=lambda p: p.name)
def test_relative_links_point_to_existing_files(page: Path) -> None:
    text = re.sub(r"^```.*?^```", "", page.read_text(encoding="utf-8"), flags=re.M | re.S)
    broken = []
    for target in LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target):  # https:, mailto: ...
            continue
        file_part, _, anchor = target.partition("#")
        path = (page.parent / file_part).resolve() if file_part else page
        if not path.exists():
            broken.append(target)
        elif anchor and path.suffix == ".md" and anchor not in anchors(path):
            broken.append(target)
    assert not broken, f"{page.relative_to(ROOT)}: broken links {broken}"


if __name__ == "__main__":  # python -m tests.test_docs prints the settings table
    print(settings_table())


def test_the_documentation_site_builds_with_every_page_and_link_checked(tmp_path: Path) -> None:
    """``mkdocs build --strict``: a page left out of the navigation, a broken link or a
    missing anchor fails it."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "importing" / "index.html").exists()
