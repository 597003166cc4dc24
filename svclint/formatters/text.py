"""Human output: ``path:line:col: severity CODE rule: message`` lines, help and notes, a summary."""

from __future__ import annotations

import re
from typing import TextIO

from svclint.diagnostics import Diagnostic, LintResult, Severity
from svclint.formatters import RenderOptions

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}
#: Control characters: in a file name they would reach the terminal (escape sequences, line breaks).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def _shown(path: str) -> str:
    """A file name as it is safe to print: control characters as backslash escapes."""
    return _CONTROL.sub(lambda match: repr(match.group())[1:-1], path)


def _paint(text: str, code: str, color: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if color else text


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def format_diagnostic(d: Diagnostic, color: bool = False) -> str:
    """One diagnostic: a grep-able first line, then indented help and note lines."""
    severity = _paint(d.severity.label, _COLORS[d.severity], color)
    where = _paint(f"{_shown(d.path)}:{d.span.line}:{d.span.column}", "1", color)
    lines = [f"{where}: {severity} {d.code} {d.rule}: {d.message}"]
    if d.help:
        lines.append(f"  help: {d.help}")
    lines.extend(f"  note: {_shown(r.path)}:{r.span.line}:{r.span.column}: {r.message}" for r in d.related)
    return "\n".join(lines)


def summary(result: LintResult) -> str:
    counts = [
        _plural(result.count(Severity.ERROR), "error"),
        _plural(result.count(Severity.WARNING), "warning"),
        _plural(result.count(Severity.INFO), "info"),
    ]
    scope = f"in {_plural(result.files, 'file')}, {_plural(result.objects, 'object')}"
    hidden = sum(1 for d in result.diagnostics if d.suppression == "external")
    baseline = f" ({_plural(hidden, 'finding')} hidden by the baseline)" if hidden else ""
    return f"{', '.join(counts)} {scope}{baseline}"


def render(result: LintResult, out: TextIO, options: RenderOptions) -> None:
    """Unsuppressed diagnostics in order, then the summary line."""
    for diagnostic in result.diagnostics:
        if not diagnostic.suppressed:
            out.write(format_diagnostic(diagnostic, options.color) + "\n")
    out.write(summary(result) + "\n")
