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

import textwrap
from collections.abc import Iterable
from typing import Any

from svclint.api import lint_sources
from svclint.diagnostics import Diagnostic
from svclint.settings import Settings

#: (rule name, 1-based line, 1-based column) of a diagnostic.
Where = tuple[str, int, int]


def manifest(text: str) -> str:
    """An inline manifest as it would be in a file: dedented, starting on line 1."""
    text = textwrap.dedent(text)
    return text[1:] if text.startswith("\n") else text


def lint(*files: str | tuple[str, str], settings: Settings | None = None, **overrides: Any) -> list[Diagnostic]:
    """Lint in-memory files; each is a text (named ``manifest.yaml``, ``file2.yaml``, ...) or ``(path, text)``.

    ``overrides`` are Settings fields, e.g. ``lint(text, node_port_range=(20000, 22767))``.
    """
    sources: list[tuple[str, bytes]] = []
    for index, file in enumerate(files, start=1):
        path, text = file if isinstance(file, tuple) else (
            "manifest.yaml" if index == 1 else f"file{index}.yaml", file)
        sources.append((path, manifest(text).encode()))
    settings = Settings(**overrides) if settings is None else settings
    return list(lint_sources(sources, settings).diagnostics)


def where(diagnostics: Iterable[Diagnostic]) -> list[Where]:
    """``(rule, line, column)`` of each diagnostic, in output order."""
    return [(d.rule, d.span.line, d.span.column) for d in diagnostics]


def found(*files: str | tuple[str, str], settings: Settings | None = None, **overrides: Any) -> list[Where]:
    """``where(lint(...))``: the exact-diagnostics assertion most tests make."""
    return where(lint(*files, settings=settings, **overrides))
