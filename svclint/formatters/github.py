"""GitHub Actions workflow commands: each diagnostic becomes an annotation on its file and line.

One ``::error``/``::warning``/``::notice`` line per unsuppressed diagnostic, then the summary as a
plain log line. Everything a manifest controls is escaped, so no file name or value can end a
command early or start another one.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import PurePath
from typing import TextIO

from svclint.diagnostics import Diagnostic, LintResult, Severity
from svclint.discovery import STDIN
from svclint.formatters import RenderOptions
from svclint.formatters.text import summary

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """The message part of a workflow command (the runner's ``EscapeData``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value: also ``:`` and ``,``, which would end the value (the runner's ``EscapeProperty``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def repository_path(path: str, workspace: str | None = None, working_dir: str | None = None) -> str:
    """A path as GitHub names the repository's files: relative to the repository's root
    (``workspace``) when the file is inside it, wherever svclint ran (``working_dir``), and
    without ``./`` or ``dir/..`` steps (``svclint check ./deploy`` prints ``./deploy/...``)."""
    pure = PurePath(path)
    if workspace is not None and working_dir is not None:
        full = os.path.normpath(path if pure.is_absolute() else os.path.join(working_dir, path))
        root = os.path.normpath(os.path.join(working_dir, workspace))  # as given, relative or not
        try:
            inside = os.path.commonpath([full, root]) == root
        except ValueError:  # another drive (Windows): not inside
            inside = False
        if inside:
            return PurePath(os.path.relpath(full, root)).as_posix()
    return path if pure.is_absolute() else posixpath.normpath(pure.as_posix())


def annotation(d: Diagnostic, options: RenderOptions | None = None) -> str:
    """One workflow command line for a diagnostic."""
    options = options or RenderOptions()
    span = d.span
    properties: list[tuple[str, object]] = []
    if d.path == STDIN:  # no file in the repository to attach it to: say where in the text
        lines = [f"{d.path}:{span.line}:{span.column}: {d.message}"]
    else:
        lines = [d.message]
        # GitHub takes columns only for an annotation on one line.
        one_line = span.end_line == span.line
        properties += [("file", repository_path(d.path, options.workspace, options.working_dir)), ("line", span.line)]
        properties += [("col", span.column)] if one_line else []
        properties += [("endLine", span.end_line)]
        properties += [("endColumn", span.end_column)] if one_line else []
    properties.append(("title", f"{d.code} {d.rule}"))
    if d.help:
        lines.append(f"help: {d.help}")
    lines += [f"note: {r.path}:{r.span.line}:{r.span.column}: {r.message}" for r in d.related]
    fields = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties)
    message = escape_data("\n".join(lines))
    return f"::{COMMANDS[d.severity]} {fields}::{message}"


def render(result: LintResult, out: TextIO, options: RenderOptions) -> None:
    """Annotations for the unsuppressed diagnostics, then the summary line."""
    for diagnostic in result.diagnostics:
        if not diagnostic.suppressed:
            out.write(annotation(diagnostic, options) + "\n")
    out.write(summary(result) + "\n")
