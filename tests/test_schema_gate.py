"""The schema gate (svclint/schema_gate.py): a fast predicate, jsonschema as the reference.

The fast path may only ever say "valid" when jsonschema says so, and must say so for every
valid object without integral floats (else every run would take the slow path). Proven here on
every case of tests/test_k8s_schemas.py, the real corpus and random mutations.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from conftest import found, lint, text_at
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from test_k8s_schemas import (
    CORPUS,
    INVALID,
    SERVICE_ALL_FIELDS,
    WORKLOAD_ALL_FIELDS,
    _base,
    _corpus_files,
    _path,
    _set,
    objects_in,
    one,
    yaml_value,
)

from svclint.schema_gate import _Compiler, _violation, fast_validator, reference_validator, validate


def _has_float(value: Any, integral_only: bool = False) -> bool:
    if isinstance(value, dict):
        return any(_has_float(v, integral_only) for v in value.values())
    if isinstance(value, list):
        return any(_has_float(v, integral_only) for v in value)
    return isinstance(value, float) and (not integral_only or (value.is_integer() and abs(value) < 2**63))


def assert_agree(obj: dict[str, Any], kind: str | None = None) -> None:
    """Both validators of ``kind`` (default: the object's own) decide alike on ``obj``."""
    kind = kind or obj.get("kind", "")
    valid = not list(reference_validator(kind).iter_errors(obj))
    fast = fast_validator(kind)(obj)
    if fast:
        assert valid, "the fast path accepted what jsonschema rejects"
    elif valid:
        assert _has_float(obj), "the fast path sent a valid object to the slow path"


ALL_VALID = [one(SERVICE_ALL_FIELDS), *(one(text) for text in WORKLOAD_ALL_FIELDS.values())]


@pytest.mark.parametrize("obj", ALL_VALID, ids=lambda o: o["kind"])
def test_fast_path_accepts_every_valid_object(obj: dict[str, Any]) -> None:
    assert fast_validator(obj["kind"])(obj)
    assert validate(obj["kind"], obj) == (obj, ())  # the same object, not a copy


@pytest.mark.parametrize("case", INVALID, ids=[case[0] for case in INVALID])
def test_fast_path_rejects_every_invalid_snippet(case: tuple[str, ...]) -> None:
    _, base, where, value, *_ = case
    obj = _base(base)
    _set(obj, _path(where), yaml_value(value))
    # A snippet may change the kind itself ("Services"): the base's schema judges it.
    kind = obj["kind"] if obj["kind"] in WORKLOAD_ALL_FIELDS else base
    assert not fast_validator(kind)(obj)
    assert_agree(obj, kind)


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_dir(), reason="real corpus not found")
def test_fast_path_agrees_on_the_whole_corpus() -> None:
    checked = 0
    for path in _corpus_files():
        for _, obj in objects_in(path.read_text(encoding="utf-8")):
            assert_agree(obj)
            checked += 1
    assert checked > 2000


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats(allow_nan=False)
    | st.sampled_from(["", "TCP", "tcp", "80", "http", "None", "ClusterIP", "In", "Local"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["a", "port", "name"]), inner,
                                                                max_size=3),
    max_leaves=6,
)


def _without_none_items(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_none_items(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_none_items(v) for v in value if v is not None]
    return value


def _paths(value: Any, at: tuple[str | int, ...] = ()) -> list[tuple[str | int, ...]]:
    found_paths = [at] if at else []
    if isinstance(value, dict):
        for key, item in value.items():
            found_paths += _paths(item, (*at, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found_paths += _paths(item, (*at, index))
    return found_paths


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from(ALL_VALID), choice=st.integers(0, 10**6), value=JSON_VALUES)
def test_fast_path_agrees_with_jsonschema_on_random_mutations(base: dict[str, Any], choice: int,
                                                              value: Any) -> None:
    obj = copy.deepcopy(base)
    paths = [p for p in _paths(obj) if p[0] != "kind"]
    _set(obj, paths[choice % len(paths)], value)
    assert_agree(obj)
    repaired, _ = validate(obj["kind"], obj)
    if repaired is not obj:  # the slow path ran: violations, or a float where an integer belongs
        # The repaired copy is what the indexes see: valid once the None that stand in for
        # removed list items (to keep positions) are dropped, as the model does.
        assert not list(reference_validator(obj["kind"]).iter_errors(_without_none_items(repaired)))
        assert not _has_float(repaired, integral_only=True)  # 80.0 became 80


# --------------------------------------------------------------------------- repair


def test_repair_removes_bad_values_keeps_list_positions_and_shares_the_rest() -> None:
    labels = {"app": "web"}
    obj = {"kind": "Service", "metadata": {"name": "web", "labels": labels},
           "spec": {"ports": [{"port": "80"}, {"port": 81.0, "nodePort": 30081}], "type": "Nodeport"}}
    before = copy.deepcopy(obj)
    repaired, violations = validate("Service", obj)
    assert [v.at for v in violations] == [("spec", "ports", 0, "port"), ("spec", "type")]
    assert repaired == {"kind": "Service", "metadata": {"name": "web", "labels": {"app": "web"}},
                        "spec": {"ports": [{}, {"port": 81, "nodePort": 30081}]}}
    assert type(repaired["spec"]["ports"][1]["port"]) is int
    assert repaired["metadata"]["labels"] is labels
    assert obj == before


def test_a_missing_required_field_is_reported_on_its_parent() -> None:
    schema = {"properties": {"spec": {"required": ["selector"]}}}
    (error,) = Draft202012Validator(schema).iter_errors({"spec": {"replicas": 1}})
    violation = _violation(error)
    assert (violation.at, violation.message, violation.on_key) == (
        ("spec",), "spec lacks the required field selector", True)


def test_an_integral_float_is_an_int_for_the_rules() -> None:
    text = """
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          ports: [{port: 80.0, nodePort: 30080.0}]
    """
    [d] = lint(text)
    assert (d.rule, d.span.line, d.span.column) == ("node-port-not-allowed", 5, 34)
    assert text_at(text, d) == "30080.0"
    assert "30080" in d.message and "30080.0" not in d.message


# --------------------------------------------------------------------------- messages


@pytest.mark.parametrize("value, message, help_text, at", [
    ('"80"', "spec.ports[0].port must be an integer, not the string '80'", "write 80 without quotes", '"80"'),
    ("true", "spec.ports[0].port must be an integer, not the boolean true", None, "true"),
    ("80.5", "spec.ports[0].port must be an integer, not the number 80.5", None, "80.5"),
    # A container is pointed at through its key, as everywhere in svclint.
    ("[80]", "spec.ports[0].port must be an integer, not a list", None, "port"),
])
def test_type_messages_name_the_field_the_type_and_the_value(value: str, message: str,
                                                             help_text: str | None, at: str) -> None:
    text = f"""
        apiVersion: v1
        kind: Service
        metadata: {{name: web}}
        spec:
          ports: [{{port: {value}}}]
    """
    [d] = lint(text)
    assert (d.rule, d.span.line, text_at(text, d)) == ("schema-violation", 5, at)
    assert (d.message, d.help) == (message, help_text)


def test_a_label_value_that_is_a_number_says_to_quote_it_as_written() -> None:
    # Regression: the help said to quote the parsed value, "1.1", which would change the label.
    version, enabled = lint("""
        apiVersion: v1
        kind: Service
        metadata: {name: web, labels: {version: 1.10, enabled: True}}
    """)
    assert version.message == "metadata.labels.version must be a string, not the number 1.1"
    assert version.help == "put the value in quotes, exactly as written: unquoted, YAML reads it as a number"
    assert enabled.help == "put the value in quotes, exactly as written: unquoted, YAML reads it as a boolean"


@pytest.mark.parametrize("value, help_text", [
    ("Nodeport", "did you mean NodePort?"),
    ("nodeport", "did you mean NodePort?"),
    ("LoadBalance", "did you mean LoadBalancer?"),
    ("Headless", None),
])
def test_enum_messages_list_the_choices_and_suggest_the_nearest(value: str, help_text: str | None) -> None:
    [d] = lint(f"""
        apiVersion: v1
        kind: Service
        metadata: {{name: web}}
        spec: {{type: {value}, ports: [{{port: 80}}]}}
    """)
    assert d.message == (f"spec.type must be one of ClusterIP, NodePort, LoadBalancer, ExternalName, "
                         f"not the string {value!r}")
    assert d.help == help_text


def test_one_message_for_an_any_of_group() -> None:
    schema = {"anyOf": [{"type": "integer"}, {"type": "string", "description": "a port name"}]}
    (error,) = Draft202012Validator(schema).iter_errors([80])
    violation = _violation(error)
    assert violation.message == "the object must be an integer or a string, not a list"


def test_a_wrong_type_is_the_only_diagnostic_of_its_object() -> None:
    # Without the gate, `ports: {}` also made the rules see a Service with no ports, and a
    # selector that is a list would "match nothing".
    assert found("""
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          type: NodePort
          selector: [app]
          ports: {port: 80, nodePort: 80}
    """) == [("schema-violation", 6, 3), ("schema-violation", 7, 3)]


def test_an_invalid_workload_still_backs_its_service() -> None:
    # The Deployment's probe port is the wrong type; its labels are fine, so the Service does
    # not "match nothing" because of it.
    text = """
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec:
          selector: {app: web}
          ports: [{port: 80, targetPort: http}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
                - name: web
                  ports: [{name: http, containerPort: 8080}]
                  readinessProbe: {httpGet: {port: true}}
    """
    [d] = lint(text)
    assert (d.rule, d.span.line, text_at(text, d)) == ("schema-violation", 19, "true")


def test_compiled_keywords_the_shipped_schemas_do_not_use_yet_agree_with_jsonschema() -> None:
    # anyOf, oneOf and if/then/else are compiled too; the fast path must never accept what
    # jsonschema rejects, whatever schema is added later.
    schema = {
        "$id": "https://svclint.dev/schemas/test.json",
        "properties": {
            "a": {"anyOf": [{"type": "integer"}, {"type": "string", "enum": ["x", "y"]}]},
            "b": {"oneOf": [{"type": "string"}, {"enum": ["s", None]}]},
            "c": {"if": {"type": "string"}, "then": {"enum": ["on", "off"]}, "else": {"type": "boolean"}},
        },
        "required": ["a"],
    }
    fast = _Compiler({schema["$id"]: schema}).compile(schema, schema["$id"])
    reference = Draft202012Validator(schema)
    values = [None, True, 0, 1.5, "", "x", "s", "on", "z", [], {}]
    for key in ("a", "b", "c"):
        for value in values:
            obj = {"a": 1, key: value}
            valid = reference.is_valid(obj)
            assert fast(obj) == valid or (not fast(obj) and _has_float(obj)), (key, value)
    assert not fast({"b": "s"})  # required
