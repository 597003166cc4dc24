"""The rule catalog: one YAML file per rule in ``rules/`` (shipped as ``svclint.rules``).

The catalog is the single source of a rule's identity, severity, scope and documentation.
Its format is ``schemas/rule.schema.json``; the test suite validates every entry against it.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from svclint.diagnostics import Severity
from svclint.resources import data_dir
from svclint.yamlparse import parse_stream

#: The rule svclint reports its own failures under: always selected, never configurable.


@dataclass(frozen=True, slots=True)
class RuleMeta:
    """One catalog entry."""

    code: str
    name: str
    severity: Severity
    summary: str
    rationale: str
    remediation: str
    source: str  # "check" (a function in svclint.checks), "loader" or "engine"
    claim: str  # "api-verdict", "runtime" or "svclint": what its findings say happens (rule.schema.json)
    kinds: tuple[str, ...]
    scope: str  # checks: "object" (its object and the settings only) or "project"; "" otherwise
    mirrors: str
    failing_example: str | None
    passing_example: str | None
    references: tuple[str, ...]
    file: str

    @classmethod
    def from_data(cls, data: Mapping[str, Any], file: str) -> RuleMeta:
        examples = data.get("examples") or {}
        return cls(
            code=data["code"],
            name=data["name"],
            severity=Severity.parse(data["severity"]),
            summary=data["summary"].strip(),
            rationale=" ".join(data["rationale"].split()),
            remediation=" ".join(data["remediation"].split()),
            source=data["source"],
            claim=data["claim"],
            kinds=tuple(data.get("kinds", ())),
            scope=data.get("scope", ""),
            mirrors=" ".join(str(data.get("mirrors", "")).split()),
            failing_example=examples.get("failing"),
            passing_example=examples.get("passing"),
            references=tuple(data.get("references", ())),
            file=file,
        )


@dataclass(frozen=True, slots=True)
class Catalog:
    """All rules in code order, looked up by name or by code."""

    rules: tuple[RuleMeta, ...]
    index: Mapping[str, RuleMeta]

    @classmethod
    def of(cls, rules: list[RuleMeta]) -> Catalog:
        ordered = tuple(sorted(rules, key=lambda r: r.code))
        return cls(ordered, {key: r for r in ordered for key in (r.code, r.name)})

    def __iter__(self) -> Iterator[RuleMeta]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def __getitem__(self, key: str) -> RuleMeta:
        """A rule by name or code; KeyError when unknown."""
        return self.index[key]

    def get(self, key: str) -> RuleMeta | None:
        return self.index.get(key)


def catalog_files() -> list[tuple[str, str]]:
    """(file name, text) of every catalog entry, sorted by file name."""
    root = data_dir("rules")
    return sorted(
        (entry.name, entry.read_text(encoding="utf-8"))
        for entry in root.iterdir()
        if entry.name.endswith(".yaml")
    )


@functools.cache  # immutable, and read by the main process and by every worker batch
def load_catalog() -> Catalog:
    """Read the catalog shipped with svclint."""
    rules = []
    for name, text in catalog_files():
        parsed = parse_stream(text)
        if parsed.problems or len(parsed.documents) != 1:
            raise ValueError(f"rule catalog entry {name} is not a single valid YAML document")
        rules.append(RuleMeta.from_data(parsed.documents[0].value, name))
    return Catalog.of(rules)
