"""Helpers shared by the tests: lint manifests written inline, compare diagnostics as tuples.

Manifests are written as indented triple-quoted strings::

    lint('''
        apiVersion: v1
        kind: Service
        ...
    ''')

The text is dedented and the newline right after the opening quotes dropped, so line 1 is the
``apiVersion`` line: the line numbers in the assertions are the ones an editor shows.
"""

from __future__ import annotations

import dataclasses
import textwrap
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from svclint.api import lint_sources
from svclint.cli import app
from svclint.diagnostics import Diagnostic
from svclint.settings import Settings

#: (rule name, 1-based line, 1-based column) of a diagnostic.
Where = tuple[str, int, int]


def manifest(text: str) -> str:
    """An inline manifest as it would be in a file: dedented, starting on line 1."""
    text = textwrap.dedent(text)
    return text.removeprefix("\n")


def lint(*files: str | tuple[str, str], settings: Settings | None = None, **overrides: Any) -> list[Diagnostic]:
    """Lint in-memory files; each is a text (named ``manifest.yaml``, ``file2.yaml``, ...) or ``(path, text)``.

    ``overrides`` are Settings fields, e.g. ``lint(text, node_port_range=(20000, 22767))``; they
    apply on top of ``settings`` (default: ``Settings()``).
    """
    sources: list[tuple[str, bytes]] = []
    for index, file in enumerate(files, start=1):
        path, text = file if isinstance(file, tuple) else (
            "manifest.yaml" if index == 1 else f"file{index}.yaml", file)
        sources.append((path, manifest(text).encode()))
    settings = dataclasses.replace(settings or Settings(), **overrides)
    return list(lint_sources(sources, settings).diagnostics)


def where(diagnostics: Iterable[Diagnostic]) -> list[Where]:
    """``(rule, line, column)`` of each diagnostic, in output order."""
    return [(d.rule, d.span.line, d.span.column) for d in diagnostics]


def found(*files: str | tuple[str, str], settings: Settings | None = None, **overrides: Any) -> list[Where]:
    """``where(lint(...))``: the exact-diagnostics assertion most tests make."""
    return where(lint(*files, settings=settings, **overrides))


def text_at(text: str, diagnostic: Diagnostic) -> str:
    """The text under a diagnostic's span in the inline manifest ``text`` (first line of the span).

    Lets a test say *what* it points at (``"30080"``, ``"selector"``), not only where.
    """
    line = manifest(text).splitlines()[diagnostic.span.line - 1]
    end = diagnostic.span.end_column - 1 if diagnostic.span.end_line == diagnostic.span.line else None
    return line[diagnostic.span.column - 1:end]


# --- Running the command line in a scratch directory ------------------------------------------------


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty current directory (no configuration file above it), so the CLI sees relative paths."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def write(name: str, text: str) -> str:
    """Write ``text`` (dedented like ``manifest``) under the current directory; return ``name``."""
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(manifest(text), encoding="utf-8")
    return name


def run(*args: str, stdin: str | None = None) -> Result:
    """``svclint ARGS`` in-process (``stdin``: dedented like ``manifest``); fails the test on a traceback."""
    result = CliRunner().invoke(app, list(args), input=None if stdin is None else manifest(stdin))
    assert "Traceback" not in result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def reported(result: Result) -> list[str]:
    """The first line of each diagnostic in a text report, without the summary."""
    return [line for line in result.stdout.splitlines()[:-1] if not line.startswith("  ")]


# --- Snapshots of rule fixtures (tests/test_fixtures.py) --------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-snapshots", action="store_true",
                     help="rewrite the .snap files of tests/rules/ with svclint's current reports")


@pytest.fixture
def update_snapshots(request: pytest.FixtureRequest) -> bool:
    """Whether this run rewrites snapshots instead of comparing with them."""
    return bool(request.config.getoption("--update-snapshots"))
