"""Render the rule catalog for people: ``svclint rules``, ``svclint explain``, docs/rules.md and the README table."""

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


#: The command that writes docs/rules.md; the test that keeps the file fresh names it.
REFERENCE_COMMAND = "svclint explain --all --format markdown > docs/rules.md"


def render_rule_markdown(rule: RuleMeta) -> str:
    """One rule's documentation as a Markdown section (docs/rules.md, SARIF rule help)."""
    scope = f" · **Runs on:** {', '.join(rule.kinds)}" if rule.kinds else ""
    parts = [
        f"## {rule.code} {rule.name}",
        "",
        f"**Severity:** {rule.severity.label}{scope}",
        "",
        rule.summary,
        "",
        f"**Why.** {rule.rationale}",
        "",
        f"**Fix.** {rule.remediation}",
        "",
        f"**Mirrors.** {rule.mirrors}",
    ]
    if rule.failing_example:
        parts += ["", "Fails:", "", _fence(rule.failing_example)]
    if rule.passing_example:
        parts += ["", "Passes:", "", _fence(rule.passing_example)]
    if rule.references:
        parts += ["", "See: " + ", ".join(f"<{r}>" for r in rule.references)]
    return "\n".join(parts) + "\n"


def render_reference(catalog: Catalog) -> str:
    """docs/rules.md: an index table, then every rule's section."""
    index = ["| code | name | severity | what it finds |", "| --- | --- | --- | --- |"]
    index += [f"| [{r.code}](#{_anchor(r)}) | `{r.name}` | {r.severity.label} | {r.summary} |" for r in catalog]
    head = [
        "# svclint rules",
        "",
        f"<!-- Generated from the catalog in rules/; do not edit. Regenerate: {REFERENCE_COMMAND} -->",
        "",
        "Every rule svclint has: why it matters, how to fix it, the Kubernetes behaviour it follows",
        "and, for the checks, a failing and a passing example (the test suite runs both).",
        "`svclint explain NAME` prints one rule.",
        "",
        *index,
    ]
    return "\n".join(head) + "\n" + "".join("\n" + render_rule_markdown(r) for r in catalog)


def _anchor(rule: RuleMeta) -> str:
    """The id GitHub gives the heading ``## SVC302 node-port-collision``."""
    return f"{rule.code.lower()}-{rule.name}"


def _fence(example: str) -> str:
    return f"```yaml\n{example.rstrip()}\n```"


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" if line else "" for line in text.rstrip("\n").splitlines())
