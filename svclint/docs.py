"""Render the rule catalog for people: ``svclint rules``, ``svclint rule NAME`` and the README table."""

from __future__ import annotations

import json

from svclint.catalog import Catalog, RuleMeta


def render_catalog(catalog: Catalog, output_format: str) -> str:
    """The catalog as a text table, JSON, or the Markdown table embedded in the README."""
    if output_format == "json":
        return json.dumps([_rule_dict(r) for r in catalog], indent=2) + "\n"
    if output_format == "markdown":
        rows = ["| code | name | severity | what it finds |", "| --- | --- | --- | --- |"]
        rows += [f"| {r.code} | `{r.name}` | {r.severity.label} | {r.summary} |" for r in catalog]
        return "\n".join(rows) + "\n"
    width = max(len(r.name) for r in catalog)
    return "".join(f"{r.code}  {r.name:<{width}}  {r.severity.label:<7}  {r.summary}\n" for r in catalog)


def _rule_dict(rule: RuleMeta) -> dict[str, object]:
    return {
        "code": rule.code, "name": rule.name, "severity": rule.severity.label, "summary": rule.summary,
        "rationale": rule.rationale, "remediation": rule.remediation, "mirrors": rule.mirrors,
        "kinds": list(rule.kinds), "references": list(rule.references),
    }


def render_rule(rule: RuleMeta) -> str:
    """One rule's documentation, in the order a reader needs it."""
    parts = [
        f"{rule.code} {rule.name} ({rule.severity.label})",
        "",
        rule.summary,
        "",
        f"Why: {rule.rationale}",
        "",
        f"Fix: {rule.remediation}",
        "",
        f"Mirrors: {rule.mirrors}",
    ]
    if rule.failing_example:
        parts += ["", "Fails:", "", _indent(rule.failing_example)]
    if rule.passing_example:
        parts += ["", "Passes:", "", _indent(rule.passing_example)]
    if rule.references:
        parts += ["", "See: " + ", ".join(rule.references)]
    return "\n".join(parts) + "\n"


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.rstrip("\n").splitlines())
