"""The schema gate: structural validation of Services and workloads against ``schemas/k8s/*.json``.

python-jsonschema is the reference and the source of every message, but it is slow (hundreds
of objects per second). Almost every object is valid, so each schema is also compiled into a
tree of small predicates that answers "certainly valid" fast; jsonschema only runs on the rest.
The predicates are conservative: where they are unsure (an integral float such as ``80.0``, an
enum with non-string members) they answer "not certain", and jsonschema decides.
tests/test_schema_gate.py proves that the two agree on every schema test case.

An object that violates the schema is reported once per violation (``schema-violation``) and is
not handed to the rules; the indexes see a copy with the invalid values removed (so a Service
whose ``selector`` is a list does not also "match nothing"), and integral floats become ints.
"""

from __future__ import annotations

import difflib
import functools
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from svclint.diagnostics import JsonPath, format_path
from svclint.k8s import quote
from svclint.kinds import lookup
from svclint.resources import data_dir

if TYPE_CHECKING:  # jsonschema is imported only when an object fails the fast path
    from jsonschema import Draft202012Validator, ValidationError  # type: ignore[import-untyped,unused-ignore]

Predicate = Callable[[Any], bool]


@dataclass(frozen=True, slots=True)
class Violation:
    """One schema violation: where in the object, what is wrong, how to fix it."""

    at: JsonPath
    message: str
    help: str | None = None
    on_key: bool = False


# --------------------------------------------------------------------------- schemas


@functools.cache
def _schemas() -> dict[str, dict[str, Any]]:
    folder = data_dir("schemas").joinpath("k8s")
    return {
        entry.name: json.loads(entry.read_text(encoding="utf-8"))
        for entry in folder.iterdir() if entry.name.endswith(".json")
    }


@functools.cache
def reference_validator(kind: str) -> Draft202012Validator:
    """The jsonschema validator for ``kind`` (Service or a workload kind)."""
    from jsonschema import Draft202012Validator, validators
    from referencing import Registry, Resource

    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in _schemas().values()
    )
    # jsonschema's own messages embed repr(instance): an alias bomb would be expanded into
    # text. The keywords that do so are replaced by ones that decide alike and say less; the
    # messages svclint shows are built from the error's fields (see _violation).
    quiet = validators.extend(Draft202012Validator, {
        "type": _quiet_type, "enum": _quiet_enum, "const": _quiet_const,
        "anyOf": _quiet_any_of, "oneOf": _quiet_one_of,
    })
    return quiet(_schemas()[lookup(kind).schema], registry=registry)


def _quiet_type(validator: Any, types: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    from jsonschema import ValidationError

    if not any(validator.is_type(instance, t) for t in ([types] if isinstance(types, str) else types)):
        yield ValidationError("wrong type")


def _scalar_equal(one: Any, two: Any) -> bool:
    """JSON equality for the scalar enum and const values of these schemas: 1 == 1.0, true != 1."""
    if isinstance(one, bool) or isinstance(two, bool):
        return one is two
    if isinstance(one, (int, float)) and isinstance(two, (int, float)):
        return one == two
    return type(one) is type(two) and isinstance(one, (str, type(None))) and one == two


def _quiet_enum(validator: Any, values: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    from jsonschema import ValidationError

    if not any(_scalar_equal(value, instance) for value in values):
        yield ValidationError("not one of the allowed values")


def _quiet_const(validator: Any, const: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    from jsonschema import ValidationError

    if not _scalar_equal(instance, const):
        yield ValidationError("not the expected value")


def _quiet_any_of(validator: Any, options: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    from jsonschema import ValidationError

    if not any(validator.evolve(schema=option).is_valid(instance) for option in options):
        yield ValidationError("valid under none of the alternatives")


def _quiet_one_of(validator: Any, options: Any, instance: Any, schema: Any) -> Iterator[ValidationError]:
    from jsonschema import ValidationError

    matching = sum(1 for option in options if validator.evolve(schema=option).is_valid(instance))
    if matching != 1:
        yield ValidationError("valid under none of the alternatives" if matching == 0
                              else "valid under more than one alternative")


@functools.cache
def fast_validator(kind: str) -> Predicate:
    """A predicate that is True only for objects the reference validator accepts."""
    schema = _schemas()[lookup(kind).schema]
    return _Compiler({s["$id"]: s for s in _schemas().values()}).compile(schema, schema["$id"])


# --------------------------------------------------------------------------- the fast path

_ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "title", "description", "$comment", "examples"})
_TYPES: dict[str, Predicate] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    # Exactly int: bools are not integers, and integral floats are left to jsonschema.
    "integer": lambda v: type(v) is int,
    "number": lambda v: type(v) is int or type(v) is float,
    "boolean": lambda v: type(v) is bool,
    "null": lambda v: v is None,
}
#: The types the parser produces for each JSON type (exactly these: no subclasses).
_PY_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "boolean": (bool,), "null": (type(None),),
    "integer": (int,), "number": (int, float),
}


class _Compiler:
    """Compile the keywords the svclint schemas use; anything else is a programming error."""

    def __init__(self, documents: Mapping[str, Any]) -> None:
        self._documents = documents  # by $id
        self._done: dict[int, Predicate] = {}

    def _lookup(self, ref: str, base: str) -> tuple[Any, str]:
        """The schema ``ref`` points at (a document and a JSON pointer), and its base URI."""
        document_uri, _, pointer = urljoin(base, ref).partition("#")
        node = self._documents[document_uri]
        for token in filter(None, pointer.split("/")):
            node = node[token.replace("~1", "/").replace("~0", "~")]
        return node, document_uri

    def compile(self, schema: Any, base: str) -> Predicate:
        if schema is True:
            return lambda v: True
        if schema is False:
            return lambda v: False
        key = id(schema)
        if key in self._done:
            return self._done[key]
        # A placeholder breaks cycles of $ref; it forwards to the finished predicate.
        slot: list[Predicate] = []
        self._done[key] = lambda v: slot[0](v)
        predicate = self._compile(schema, base)
        slot.append(predicate)
        self._done[key] = predicate
        return predicate

    def _compile(self, schema: Mapping[str, Any], base: str) -> Predicate:
        checks: list[Predicate] = []
        unknown = set(schema) - _ANNOTATIONS - {
            "type", "properties", "additionalProperties", "items", "enum", "const", "$ref",
            "required", "allOf", "anyOf", "oneOf", "if", "then", "else",
        }
        if unknown:
            raise ValueError(f"the fast validator does not support {sorted(unknown)}")
        if "$ref" in schema:
            checks.append(self.compile(*self._lookup(schema["$ref"], base)))
        if "type" in schema:
            checks.append(_type_check(schema["type"]))
        if "enum" in schema or "const" in schema:
            checks.append(_value_check(schema.get("enum", [schema.get("const")])))
        if "required" in schema:
            required = tuple(schema["required"])
            checks.append(lambda v: not isinstance(v, dict) or all(k in v for k in required))
        if "properties" in schema or "additionalProperties" in schema:
            checks.append(self._object_check(schema, base))
        if "items" in schema:
            item = self.compile(schema["items"], base)
            checks.append(lambda v: not isinstance(v, list) or all(item(x) for x in v))
        if "allOf" in schema:
            checks.append(_all_of([self.compile(s, base) for s in schema["allOf"]]))
        if "anyOf" in schema:
            alternatives = [self.compile(s, base) for s in schema["anyOf"]]
            checks.append(lambda v: any(p(v) for p in alternatives))
        if "oneOf" in schema:
            options = [self.compile(s, base) for s in schema["oneOf"]]
            checks.append(lambda v: sum(1 for p in options if p(v)) == 1)
        if "if" in schema:
            condition = self.compile(schema["if"], base)
            then = self.compile(schema.get("then", True), base)
            otherwise = self.compile(schema.get("else", True), base)
            checks.append(lambda v: then(v) if condition(v) else otherwise(v))
        return _all_of(checks)

    def _object_check(self, schema: Mapping[str, Any], base: str) -> Predicate:
        # Most properties are plain scalars: their exact Python type decides, with no call.
        typed: list[tuple[str, frozenset[type]]] = []
        properties: list[tuple[str, Predicate]] = []
        for name, sub in schema.get("properties", {}).items():
            types = self._plain_types(sub, base)
            if types is None:
                properties.append((name, self.compile(sub, base)))
            else:
                typed.append((name, types))
        extra = schema.get("additionalProperties", True)
        known = frozenset(schema.get("properties", {}))
        extra_check = None if extra is True else self.compile(extra, base)

        def check(value: Any) -> bool:
            if not isinstance(value, dict):
                return True
            for name, types in typed:
                if name in value and type(value[name]) not in types:
                    return False
            for name, predicate in properties:
                if name in value and not predicate(value[name]):
                    return False
            if extra_check is not None:
                return all(extra_check(v) for k, v in value.items() if k not in known)
            return True

        return check

    def _plain_types(self, schema: Any, base: str) -> frozenset[type] | None:
        """The Python types a schema accepts when it says nothing but ``type`` (directly or
        through ``$ref``), else None. Exact types: a bool is no integer, and an integral float,
        which jsonschema takes for an integer, is left to it."""
        while isinstance(schema, dict) and set(schema) - _ANNOTATIONS == {"$ref"}:
            schema, base = self._lookup(schema["$ref"], base)
        if not isinstance(schema, dict) or set(schema) - _ANNOTATIONS != {"type"}:
            return None
        names = [schema["type"]] if isinstance(schema["type"], str) else schema["type"]
        return frozenset(t for name in names for t in _PY_TYPES[name])


def _all_of(checks: list[Predicate]) -> Predicate:
    if not checks:
        return lambda v: True
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda v: first(v) and second(v)
    return lambda v: all(c(v) for c in checks)


def _type_check(types: str | list[str]) -> Predicate:
    if isinstance(types, str):
        return _TYPES[types]
    if all(t in ("object", "array", "string", "null") for t in types):
        accepted = tuple(t for name in types for t in _PY_TYPES[name])
        return lambda v: isinstance(v, accepted)
    checks = [_TYPES[t] for t in types]
    return lambda v: any(c(v) for c in checks)


def _value_check(values: list[Any]) -> Predicate:
    if all(v is None or isinstance(v, str) for v in values):
        accepted = frozenset(values)
        return lambda v: (v is None or isinstance(v, str)) and v in accepted
    return lambda v: False  # jsonschema's equality rules (1 is not True) decide


# --------------------------------------------------------------------------- the slow path


def validate(kind: str, data: dict[str, Any]) -> tuple[dict[str, Any], tuple[Violation, ...]]:
    """``data`` and no violations when it is well typed; else a repaired copy and the violations.

    The copy has every invalid value removed (list items become None, so positions still line
    up) and integral floats turned into ints where the schema wants an integer.
    """
    if fast_validator(kind)(data):
        return data, ()
    errors = sorted(reference_validator(kind).iter_errors(data), key=_error_order)
    violations = tuple(_violation(error) for error in errors)
    # A missing required field has nothing to remove (its error sits on the parent).
    bad = [tuple(e.absolute_path) for e in errors if e.validator != "required"]
    return _repair(data, bad), violations


def _error_order(error: ValidationError) -> tuple[str, ...]:
    return tuple(str(p) for p in error.absolute_path)


def _repair(data: dict[str, Any], bad: list[JsonPath]) -> dict[str, Any]:
    """A copy of ``data`` without the values at ``bad`` paths, integral floats as ints.

    Containers with nothing to change are shared, not copied, and each one is visited once (an
    alias shared a million times costs one visit), except on the way to a bad path, which is
    followed by path because the same alias may be bad in one place and fine in another.
    """
    removed = set(bad)
    on_the_way = {path[:i] for path in removed for i in range(len(path))}
    memo: dict[int, Any] = {}

    def repair(value: Any, at: JsonPath) -> Any:
        if at not in on_the_way:
            if type(value) is float:
                return int(value) if value.is_integer() and abs(value) < 2**63 else value
            if not isinstance(value, (dict, list)):
                return value
            if id(value) in memo:
                return memo[id(value)]
        if isinstance(value, dict):
            items = {k: repair(v, (*at, k)) for k, v in value.items() if (*at, k) not in removed}
            result: Any = value if len(items) == len(value) and _same(items.values(), value.values()) else items
        else:
            seq = [None if (*at, i) in removed else repair(v, (*at, i)) for i, v in enumerate(value)]
            result = value if _same(seq, value) else seq
        if at not in on_the_way:
            memo[id(value)] = result
        return result

    repaired: dict[str, Any] = repair(data, ())
    return repaired


def _same(new: Any, old: Any) -> bool:
    return all(a is b for a, b in zip(new, old, strict=True))


_KIND_NAMES = {
    "object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
    "number": "a number", "boolean": "true or false", "null": "null",
}


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {'true' if value else 'false'}"
    if isinstance(value, str):
        return f"the string {quote(value)}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"the number {quote(value)}"


def field_name(path: JsonPath) -> str:
    """``spec.ports[0].port`` for ``("spec", "ports", 0, "port")`` (``diagnostics.format_path``),
    or "the object" for the root."""
    return format_path(path) or "the object"


def _violation(error: ValidationError) -> Violation:
    at = tuple(error.absolute_path)
    field = field_name(at)
    value = error.instance
    if error.validator == "type":
        expected = error.validator_value
        names = [n for n in ([expected] if isinstance(expected, str) else expected) if n != "null"]
        wanted = " or ".join(_KIND_NAMES.get(n, n) for n in names)
        help_text = None
        if "integer" in names and isinstance(value, str) and value.strip().isdigit():
            help_text = f"write {value.strip()} without quotes"
        elif names == ["string"] and isinstance(value, (bool, int, float)):
            # Not the parsed value: 1.10 was read as 1.1, and quoting that would change the label.
            read_as = "a boolean" if isinstance(value, bool) else "a number"
            help_text = f"put the value in quotes, exactly as written: unquoted, YAML reads it as {read_as}"
        return Violation(at, f"{field} must be {wanted}, not {_describe(value)}", help_text)
    if error.validator in ("enum", "const"):
        allowed = error.validator_value if error.validator == "enum" else [error.validator_value]
        choices = ", ".join(str(a) for a in allowed if a not in (None, ""))  # null and "" mean "unset"
        suggestion: list[str] = []
        if isinstance(value, str):  # never str() a container: it may be an alias bomb
            texts = [a for a in allowed if isinstance(a, str) and a]
            suggestion = ([a for a in texts if a.lower() == value.lower()]
                          or difflib.get_close_matches(value, texts, n=1, cutoff=0.6))
        return Violation(at, f"{field} must be one of {choices}, not {_describe(value)}",
                         f"did you mean {suggestion[0]}?" if suggestion else None)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else "a field"
        return Violation(at, f"{field} lacks the required field {missing}",
                         f"add {missing} to {field}", on_key=bool(at))
    if error.validator in ("anyOf", "oneOf"):
        return Violation(at, f"{field} must be {_alternatives(error.validator_value)}, not {_describe(value)}")
    return Violation(at, f"{field}: {error.message}")


def _alternatives(options: list[Any]) -> str:
    """One phrase for an anyOf/oneOf group, from the alternatives' types or descriptions."""
    phrases: list[str] = []
    for option in options:
        if isinstance(option, dict) and isinstance(option.get("type"), str):
            phrases.append(str(_KIND_NAMES.get(option["type"], option["type"])))
        elif isinstance(option, dict) and isinstance(option.get("description"), str):
            phrases.append(option["description"].rstrip("."))
    return " or ".join(dict.fromkeys(phrases)) or "one of the allowed forms"
