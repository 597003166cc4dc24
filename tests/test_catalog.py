"""The rule catalog (rules/*.yaml): well-formed, consistent with the checks, examples that hold.

Every catalog entry documents itself with a failing and a passing example; these tests make the
documentation executable: the failing example must trigger its rule (and no other), the passing
one must be clean.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from conftest import lint
from jsonschema import Draft202012Validator, FormatChecker  # type: ignore[import-untyped,unused-ignore]
from ruamel.yaml import YAML

from svclint.catalog import load_catalog
from svclint.checks import discover_checks

ROOT = Path(__file__).resolve().parent.parent
RULE_FILES = sorted((ROOT / "rules").glob("*.yaml"))
SCHEMA = json.loads((ROOT / "schemas" / "rule.schema.json").read_text(encoding="utf-8"))
#: Rules whose condition cannot be written as a manifest (kustomize-build-failed needs a tree: tests/test_kustomize.py).
WITHOUT_EXAMPLES = {"internal-error", "unreadable-file", "kustomize-build-failed"}


def _load(path: Path) -> dict[str, Any]:
    data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path.name} is not a YAML mapping"
    return data


ENTRIES: dict[str, dict[str, Any]] = {path.name: _load(path) for path in RULE_FILES}
CHECK_RULES = sorted(e["name"] for e in ENTRIES.values() if e.get("source") == "check")
EXAMPLE_RULES = sorted(e["name"] for e in ENTRIES.values() if e.get("name") not in WITHOUT_EXAMPLES)
BY_NAME = {e["name"]: e for e in ENTRIES.values()}

by_file = pytest.mark.parametrize("file", sorted(ENTRIES), ids=lambda f: f.removesuffix(".yaml"))


def test_catalog_is_not_empty() -> None:
    assert len(RULE_FILES) >= 10


def test_the_schema_itself_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@by_file
def test_entry_validates_against_the_schema(file: str) -> None:
    validator = Draft202012Validator(SCHEMA, format_checker=FormatChecker())
    errors = [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
              for e in validator.iter_errors(ENTRIES[file])]
    assert errors == []


@by_file
def test_file_is_named_code_dot_name(file: str) -> None:
    entry = ENTRIES[file]
    assert file == f"{entry['code']}.{entry['name']}.yaml"


def test_codes_and_names_are_unique() -> None:
    codes = [e["code"] for e in ENTRIES.values()]
    names = [e["name"] for e in ENTRIES.values()]
    assert sorted(set(codes)) == sorted(codes)
    assert sorted(set(names)) == sorted(names)


@by_file
def test_summary_and_remediation_are_sentences(file: str) -> None:
    entry = ENTRIES[file]
    assert entry["summary"].strip().endswith(".")
    assert entry["remediation"].strip().endswith(".")


def test_svclint_loads_the_same_catalog() -> None:
    catalog = load_catalog()
    assert sorted(rule.file for rule in catalog) == sorted(ENTRIES)
    assert sorted(rule.name for rule in catalog) == sorted(BY_NAME)


# --- catalog <-> svclint.checks -------------------------------------------------------------------


def test_every_check_function_has_a_check_entry() -> None:
    assert sorted(discover_checks()) == CHECK_RULES


@pytest.mark.parametrize("rule", CHECK_RULES)
def test_check_entry_has_exactly_one_function(rule: str) -> None:
    checks = discover_checks()  # raises when two functions claim one rule
    assert rule in checks
    assert callable(checks[rule])
    assert BY_NAME[rule]["kinds"]


@pytest.mark.parametrize("rule", sorted(set(BY_NAME) - set(CHECK_RULES)))
def test_non_check_entry_has_no_function(rule: str) -> None:
    assert rule not in discover_checks()


# --- examples ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("rule", EXAMPLE_RULES)
def test_rule_has_both_examples(rule: str) -> None:
    examples = BY_NAME[rule].get("examples") or {}
    assert sorted(examples) == ["failing", "passing"]


@pytest.mark.parametrize("rule", EXAMPLE_RULES)
def test_failing_example_reports_only_its_own_rule(rule: str) -> None:
    example = (BY_NAME[rule].get("examples") or {}).get("failing")
    if example is None:
        pytest.fail(f"{rule} has no failing example")
    reported = [d.rule for d in lint(example)]
    assert reported, f"the failing example of {rule} produced no diagnostic"
    assert set(reported) == {rule}


@pytest.mark.parametrize("rule", EXAMPLE_RULES)
def test_passing_example_is_clean(rule: str) -> None:
    example = (BY_NAME[rule].get("examples") or {}).get("passing")
    if example is None:
        pytest.fail(f"{rule} has no passing example")
    # A suppressed finding is not reported (the suppression rules' passing examples have one).
    assert [(d.rule, d.span.line, d.message) for d in lint(example) if not d.suppressed] == []


@pytest.mark.parametrize("rule", sorted(WITHOUT_EXAMPLES))
def test_rules_without_examples_are_still_catalogued(rule: str) -> None:
    assert rule in BY_NAME
    assert BY_NAME[rule]["source"] in ("engine", "loader")


# --- the schema rejects what it should --------------------------------------------------------------

VALID = {
    "code": "SVC999", "name": "some-rule", "severity": "warning", "source": "check", "claim": "api-verdict",
    "kinds": ["Service"], "summary": "S.", "rationale": "R.", "remediation": "Fix.", "mirrors": "M.",
}


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        ({"code": "SVC12"}, "does not match"),
        ({"code": "svc123"}, "does not match"),
        ({"name": "SomeRule"}, "does not match"),
        ({"name": "some_rule"}, "does not match"),
        ({"name": "some--rule"}, "does not match"),
        ({"severity": "fatal"}, "is not one of"),
        ({"source": "plugin"}, "is not one of"),
        ({"claim": "maybe"}, "is not one of"),
        ({"claim": None}, "'claim' is a required property"),
        ({"kinds": None}, "'kinds' is a required property"),
        ({"kinds": []}, "should be non-empty"),
        ({"mirrors": ["a"]}, "is not of type 'string'"),
        ({"examples": {"failing": "x", "broken": "y"}}, "Additional properties"),
        ({"examples": {"failing": 1}}, "is not of type 'string'"),
        ({"references": ["not a uri"]}, "does not match"),
        ({"references": "https://example.com"}, "is not of type 'array'"),
        ({"summary": None}, "'summary' is a required property"),
        ({"extra": 1}, "Additional properties"),
    ],
    ids=lambda value: json.dumps(value) if isinstance(value, dict) else None,
)
def test_schema_rejects(change: dict[str, Any], complaint: str) -> None:
    entry = {k: v for k, v in {**VALID, **change}.items() if v is not None}
    messages = [e.message for e in Draft202012Validator(SCHEMA).iter_errors(entry)]
    assert any(complaint in m for m in messages), messages


def test_schema_accepts_a_minimal_loader_entry_without_kinds() -> None:
    entry = {k: v for k, v in VALID.items() if k != "kinds"} | {"source": "loader"}
    assert list(Draft202012Validator(SCHEMA).iter_errors(entry)) == []
