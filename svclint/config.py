"""Configuration files: find, parse and validate ``.svclint.yaml`` or ``[tool.svclint]`` into a ``Config``.

Discovery walks up from the working directory and stops at the first directory that holds
``.svclint.yaml``, ``.svclint.yml`` or a ``pyproject.toml`` with a ``[tool.svclint]`` table (in
that order of preference). Both forms are validated against ``schemas/config.schema.json``, then
for what a schema cannot know (rule names, port ranges, versions, globs). Errors name the key and
where it is: ``file:line:column`` in YAML, the key path in TOML. Paths and globs in a file are
relative to its directory. Nothing here applies the configuration; see ``svclint.policy``.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from svclint.catalog import Catalog
from svclint.diagnostics import INTERNAL_ERROR, JsonPath, Severity, format_path
from svclint.globs import Glob, compile_glob
from svclint.kustomize_build import KustomizeOptions
from svclint.positions import point_span, resolve_span
from svclint.reading import read_settings_file
from svclint.resources import data_dir
from svclint.settings import Settings, parse_kube_version, parse_port_range
from svclint.yamlparse import YamlDocument, parse_stream

if TYPE_CHECKING:  # jsonschema is imported only when a configuration file is read (0.2 s)
    from jsonschema import ValidationError  # type: ignore[import-untyped,unused-ignore]

#: Looked for in each directory, in this order, before pyproject.toml.
CONFIG_NAMES = (".svclint.yaml", ".svclint.yml")
PYPROJECT = "pyproject.toml"
ALL = "ALL"
_PREFIX = re.compile(r"SVC[0-9]{0,2}")


class ConfigError(Exception):
    """A configuration that cannot be used; the message says which key and where (exit code 2)."""


@dataclass(frozen=True, slots=True)
class Selection:
    """Which rules to report, as one source (the file, or the command line) states it."""

    select: tuple[str, ...] | None = None  # None: keep what the previous source selected
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Config:
    """A validated configuration; every field is optional (None or empty: not set)."""

    context: tuple[str, ...] = ()  # absolute paths
    exclude: tuple[Glob, ...] = ()
    selection: Selection = Selection()
    severity: tuple[tuple[str, Severity], ...] = ()  # rule name, severity
    per_file_ignores: tuple[tuple[Glob, tuple[str, ...]], ...] = ()
    node_port_range: tuple[int, int] | None = None
    default_namespace: str | None = None
    kube_version: tuple[int, int] | None = None
    fail_on: str | None = None  # error, warning, info or never
    baseline: str | None = None  # absolute path
    scopes: tuple[tuple[str, tuple[Glob, ...]], ...] = ()  # name, the globs of its files
    kustomize: KustomizeOptions = field(default_factory=KustomizeOptions)

    def settings(self) -> Settings:
        """The run settings this configuration sets; defaults for what it does not."""
        defaults = Settings()
        return Settings(
            node_port_range=self.node_port_range or defaults.node_port_range,
            default_namespace=self.default_namespace or defaults.default_namespace,
            kube_version=self.kube_version or defaults.kube_version,
        )


def find_config(start: str) -> str | None:
    """The configuration file that applies in ``start``: the first found walking up, or None.

    The path is relative to the working directory, as messages show it.
    """
    directory = os.path.abspath(start)
    while True:
        for name in CONFIG_NAMES:
            candidate = os.path.join(directory, name)
            if os.path.isfile(candidate):
                return os.path.relpath(candidate)
        pyproject = os.path.join(directory, PYPROJECT)
        if os.path.isfile(pyproject) and _svclint_table(_read(pyproject), os.path.relpath(pyproject)) is not None:
            return os.path.relpath(pyproject)
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def load_config(path: str, catalog: Catalog) -> Config:
    """Read and validate one configuration file: YAML, or a ``.toml`` file's ``[tool.svclint]``."""
    return parse_config(_read(path), path, catalog)


def parse_config(text: str, path: str, catalog: Catalog) -> Config:
    """Validate configuration text; ``path`` names the file (its suffix says TOML or YAML)."""
    if path.endswith(".toml"):
        table = _svclint_table(text, path)
        if table is None:
            raise ConfigError(f"{path}: no [tool.svclint] table")
        return _validated(table, path, lambda at, _: f"{path}: {format_path(('tool', 'svclint', *at))}: ", catalog)
    parsed = parse_stream(text)
    if parsed.problems:
        problem = parsed.problems[0]
        span = point_span(problem.line, problem.column)
        raise ConfigError(f"{path}:{span.line}:{span.column}: {problem.message}")
    if len(parsed.documents) > 1:
        raise ConfigError(f"{path}: holds {len(parsed.documents)} YAML documents; expected one")
    document = parsed.documents[0] if parsed.documents else None
    data = {} if document is None or document.value is None else document.value
    return _validated(data, path, _yaml_locator(path, document), catalog)


def check_selectors(option: str, selectors: Sequence[str], catalog: Catalog) -> None:
    """Raise ConfigError for a selector (name, code, prefix or ALL) that matches no rule."""
    for selector in selectors:
        problem = _selector_problem(selector, catalog)
        if problem is not None:
            raise ConfigError(f"{option}: {problem}")


def _read(path: str) -> str:
    try:
        return read_settings_file(path)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    except ValueError as error:
        raise ConfigError(f"{path}: {error}") from None


def _svclint_table(text: str, path: str) -> Any:
    """``[tool.svclint]`` of a pyproject.toml, or None. A file that never mentions svclint is
    not parsed: a broken pyproject.toml of some other tool's is not svclint's business."""
    if "svclint" not in text:
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: nested too deeply to be a configuration") from None
    tool = data.get("tool")
    return tool.get("svclint") if isinstance(tool, dict) else None


#: (path inside the configuration, point at the key rather than the value?) -> "file:line:column: key: "
Locator = Callable[[JsonPath, bool], str]


def _yaml_locator(path: str, document: YamlDocument | None) -> Locator:
    def locate(at: JsonPath, on_key: bool) -> str:
        key = f" {format_path(at)}:" if at else ""
        if document is None:
            return f"{path}:1:1:{key} "
        span = resolve_span(document, at, on_key=on_key)
        return f"{path}:{span.line}:{span.column}:{key} "

    return locate


def _validated(data: Any, path: str, locate: Locator, catalog: Catalog) -> Config:
    problems = list(_schema_problems(data))
    if not problems:  # the checks below rely on the types the schema guarantees
        problems = list(_semantic_problems(data, os.path.dirname(os.path.abspath(path)), catalog))
    if problems:
        raise ConfigError("\n".join(locate(at, on_key) + message for at, on_key, message in problems))
    return _config(data, path, catalog)


Problem = tuple[JsonPath, bool, str]  # where, whether at the key itself, what is wrong


def _schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((data_dir("schemas") / "config.schema.json").read_text(encoding="utf-8"))
    return schema


def _schema_problems(data: Any) -> Iterator[Problem]:
    schema = _schema()
    from jsonschema import Draft202012Validator  # type: ignore[import-untyped,unused-ignore]

    for error in sorted(Draft202012Validator(schema).iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        yield from _explain(error)


_KINDS = {"array": "a list", "object": "a mapping", "string": "a string", "integer": "an integer"}


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {value!r}"
    return "null" if value is None else _KINDS["object" if isinstance(value, dict) else "array"]


def _explain(error: ValidationError) -> Iterator[Problem]:
    at: JsonPath = tuple(error.absolute_path)
    if error.validator == "additionalProperties":
        known = list(error.schema.get("properties", {}))
        for key in error.instance:
            if key not in known:
                yield (*at, key), True, f"unknown key {key!r}{_did_you_mean(key, known)}"
        return
    if "propertyNames" in error.absolute_schema_path:  # a key of a mapping is wrong, not a value
        at, on_key = (*at, error.instance), True
    else:
        on_key = False
    if error.validator == "type":
        expected = _KINDS.get(str(error.validator_value), str(error.validator_value))
        message = f"expected {expected}, got {_kind(error.instance)}"
        if at == ("kube-version",) and isinstance(error.instance, (int, float)):
            message += ": quote the version (kube-version: \"1.30\"); unquoted, 1.30 is the number 1.3"
    elif error.validator == "enum":
        message = f"expected one of {', '.join(map(str, error.validator_value))}, got {_kind(error.instance)}"
    elif "title" in error.schema:
        message = f"{error.instance!r} is not {error.schema['title']}"
    else:
        message = error.message
    yield at, on_key, message


def _did_you_mean(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _selector_problem(selector: str, catalog: Catalog) -> str | None:
    if selector == ALL or selector in catalog.index:
        return None
    if _PREFIX.fullmatch(selector) and any(rule.code.startswith(selector) for rule in catalog):
        return None
    return unknown_rule(selector, catalog)


def unknown_rule(name: str, catalog: Catalog) -> str:
    """Say that ``name`` is no rule, with the closest rule name when one is close."""
    names = [] if name.startswith("SVC") else [rule.name for rule in catalog]  # a near code is no hint
    return f"unknown rule {name!r}{_did_you_mean(name, names)}; `svclint rules` lists them"


def _semantic_problems(data: Mapping[str, Any], root: str, catalog: Catalog) -> Iterator[Problem]:
    lists: list[tuple[JsonPath, str]] = [((key, i), value) for key in ("select", "extend-select", "ignore")
                                         for i, value in enumerate(data.get(key, ()))]
    lists += [(("per-file-ignores", glob, i), value)
              for glob, values in data.get("per-file-ignores", {}).items() for i, value in enumerate(values)]
    for at, selector in lists:
        problem = _selector_problem(selector, catalog)
        if problem is not None:
            yield at, False, problem
    for rule in data.get("severity", {}):
        if rule not in catalog.index:
            yield ("severity", rule), True, _selector_problem(rule, catalog) or ""
        elif catalog[rule].name == INTERNAL_ERROR:
            yield ("severity", rule), True, f"{rule} is svclint's own failure and is always an error"
    globs: list[tuple[JsonPath, str, bool]] = [(("exclude", i), glob, False)
                                               for i, glob in enumerate(data.get("exclude", ()))]
    globs += [(("per-file-ignores", glob), glob, True) for glob in data.get("per-file-ignores", {})]
    globs += [(("scopes", name, i), glob, False)
              for name, scope_globs in data.get("scopes", {}).items() for i, glob in enumerate(scope_globs)]
    for at, glob, on_key in globs:
        try:
            compile_glob(glob, root)
        except ValueError as error:
            yield at, on_key, str(error)
    for key, parse in (("node-port-range", parse_port_range), ("kube-version", parse_kube_version)):
        if key in data:
            try:
                parse(data[key])
            except ValueError as error:
                yield (key,), False, str(error)


def _config(data: Mapping[str, Any], path: str, catalog: Catalog) -> Config:
    """A Config from validated data; relative paths are joined to the file's directory."""
    root = os.path.dirname(os.path.abspath(path))

    def tuple_of(key: str) -> tuple[str, ...]:
        return tuple(data.get(key, ()))

    return Config(
        context=tuple(os.path.normpath(os.path.join(root, p)) for p in tuple_of("context")),
        exclude=tuple(compile_glob(glob, root) for glob in tuple_of("exclude")),
        selection=Selection(
            select=tuple_of("select") if "select" in data else None,
            extend_select=tuple_of("extend-select"),
            ignore=tuple_of("ignore"),
        ),
        severity=tuple((catalog[rule].name, Severity.parse(level)) for rule, level in data.get("severity", {}).items()),
        per_file_ignores=tuple((compile_glob(glob, root), tuple(rules))
                               for glob, rules in data.get("per-file-ignores", {}).items()),
        node_port_range=parse_port_range(data["node-port-range"]) if "node-port-range" in data else None,
        default_namespace=data.get("default-namespace"),
        kube_version=parse_kube_version(data["kube-version"]) if "kube-version" in data else None,
        fail_on=data.get("fail-on"),
        baseline=os.path.normpath(os.path.join(root, data["baseline"])) if "baseline" in data else None,
        scopes=tuple((name, tuple(compile_glob(glob, root) for glob in globs))
                     for name, globs in data.get("scopes", {}).items()),
        kustomize=_kustomize(data.get("kustomize", {})),
    )


def _kustomize(data: Mapping[str, Any]) -> KustomizeOptions:
    defaults = KustomizeOptions()
    return KustomizeOptions(mode=data.get("mode", defaults.mode), command=tuple(data.get("command", ())),
                            flags=tuple(data.get("flags", ())), timeout=float(data.get("timeout", defaults.timeout)))
