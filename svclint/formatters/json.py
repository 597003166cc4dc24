"""The JSON contract, version 1 (``schemas/output.v1.schema.json``)."""

from __future__ import annotations

import json
from typing import Any, TextIO

from svclint.diagnostics import Diagnostic, LintResult, Severity
from svclint.formatters import RenderOptions

VERSION = 1


def diagnostic_dict(d: Diagnostic) -> dict[str, Any]:
    obj = d.object
    return {
        "code": d.code,
        "rule": d.rule,
        "severity": d.severity.label,
        "message": d.message,
        "path": d.path,
        "line": d.span.line,
        "column": d.span.column,
        "end_line": d.span.end_line,
        "end_column": d.span.end_column,
        "object": None if obj is None else {
            "apiVersion": obj.api_version, "kind": obj.kind, "namespace": obj.namespace, "name": obj.name,
        },
        "related": [
            {"message": r.message, "path": r.path, "line": r.span.line, "column": r.span.column}
            for r in d.related
        ],
        "help": d.help,
        "suppressed": d.suppressed,
    }


def document(result: LintResult) -> dict[str, Any]:
    """The whole output as plain data."""
    return {
        "version": VERSION,
        "diagnostics": [diagnostic_dict(d) for d in result.diagnostics],
        "summary": {
            "files": result.files,
            "objects": result.objects,
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
            "infos": result.count(Severity.INFO),
        },
    }


def render(result: LintResult, out: TextIO, options: RenderOptions) -> None:
    """The document, indented, ending with a newline."""
    json.dump(document(result), out, indent=2, ensure_ascii=False)
    out.write("\n")
