"""SARIF 2.1.0 for code scanning (GitHub, Azure DevOps, SARIF viewers): one run, the catalog as rules.

Every diagnostic is a result, suppressed ones too (with ``suppressions``), as SARIF expects.
"""

from __future__ import annotations

import json
import posixpath
from pathlib import PurePath
from typing import Any, TextIO
from urllib.parse import quote_from_bytes

from svclint import __version__
from svclint.catalog import RuleMeta, load_catalog
from svclint.diagnostics import INTERNAL_ERROR, Diagnostic, LintResult, Severity, Span
from svclint.docs import render_rule, render_rule_markdown
from svclint.formatters import RenderOptions

SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
#: The project's address, the one its JSON Schemas' ``$id`` use.
INFORMATION_URI = "https://svclint.dev/"
#: Relative paths are relative to the directory svclint ran in; SARIF names it by this base id.
SRCROOT = "%SRCROOT%"
#: Key of Diagnostic.fingerprint in partialFingerprints; the version changes if the recipe does.
FINGERPRINT = "svclint/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def document(result: LintResult, rules: list[RuleMeta], source_root: str | None) -> dict[str, Any]:
    """The SARIF log: one run of svclint with every rule of the catalog and every diagnostic."""
    index = {rule.code: position for position, rule in enumerate(rules)}
    root: dict[str, Any] = {"description": {"text": "The directory svclint ran in; relative paths start here."}}
    if source_root is not None:
        root["uri"] = source_root
    run = {
        "tool": {"driver": {
            "name": "svclint",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": INFORMATION_URI,
            "rules": [_rule(rule) for rule in rules],
        }},
        "invocations": [{
            "executionSuccessful": not any(d.rule == INTERNAL_ERROR for d in result.diagnostics),
        }],
        "originalUriBaseIds": {SRCROOT: root},
        # svclint counts columns in characters (code points), not SARIF's default UTF-16 units.
        "columnKind": "unicodeCodePoints",
        "results": [_result(d, index[d.code]) for d in result.diagnostics],
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def render(result: LintResult, out: TextIO, options: RenderOptions) -> None:
    """The SARIF log as indented JSON."""
    json.dump(document(result, list(load_catalog()), options.source_root), out, indent=2, ensure_ascii=False)
    out.write("\n")


def _rule(rule: RuleMeta) -> dict[str, Any]:
    descriptor: dict[str, Any] = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.rationale},
        "help": {"text": render_rule(rule), "markdown": render_rule_markdown(rule)},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
    }
    if rule.references:
        descriptor["helpUri"] = rule.references[0]
    return descriptor


def _result(d: Diagnostic, rule_index: int) -> dict[str, Any]:
    text = d.message if d.help is None else f"{d.message}\nhelp: {d.help}"
    result: dict[str, Any] = {
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": LEVELS[d.severity],
        "message": {"text": text},
        "locations": [_location(d.path, d.span)],
    }
    if d.related:
        result["relatedLocations"] = [
            {"id": number, **_location(r.path, r.span), "message": {"text": r.message}}
            for number, r in enumerate(d.related, start=1)
        ]
    result["partialFingerprints"] = {FINGERPRINT: d.fingerprint}
    # An empty list says "not suppressed"; leaving it out would say "unknown".
    result["suppressions"] = [] if d.suppression is None else [{"kind": d.suppression}]
    return result


def _location(path: str, span: Span) -> dict[str, Any]:
    return {"physicalLocation": {
        "artifactLocation": artifact_location(path),
        "region": {
            "startLine": span.line,
            "startColumn": span.column,
            "endLine": span.end_line,
            "endColumn": span.end_column,
        },
    }}


def artifact_location(path: str) -> dict[str, str]:
    """A path as the user gave it, as a URI: relative ones against %SRCROOT%, absolute ones as file URIs.

    Any display name gives a valid URI ("-" for stdin, spaces, colons, non-UTF-8 file names).
    """
    pure = PurePath(path)
    posix = pure.as_posix()
    if pure.is_absolute():
        # /srv/x -> file:///srv/x; C:/x (Windows) -> file:///C:/x
        return {"uri": "file://" + ("" if posix.startswith("/") else "/") + _quote(posix, "/:")}
    # "." and "a/../b" segments say nothing about the file; a leading ".." must stay.
    return {"uri": _quote(posixpath.normpath(posix), "/"), "uriBaseId": SRCROOT}


def _quote(path: str, safe: str) -> str:
    try:
        data = path.encode("utf-8", "surrogateescape")  # a file name's own bytes
    except UnicodeEncodeError:  # a lone surrogate that is no undecodable byte: still encodable
        data = path.encode("utf-8", "surrogatepass")
    return quote_from_bytes(data, safe=safe)
