"""Baselines: findings accepted as they are, recorded by fingerprint so that moving lines keeps them.

Paths are stored, and fingerprinted, relative to the baseline file's directory, so a baseline
works from any working directory. The format is ``schemas/baseline.v1.schema.json``.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from svclint.diagnostics import Diagnostic, format_path
from svclint.discovery import STDIN
from svclint.globs import relative
from svclint.reading import read_settings_file
from svclint.resources import data_dir

VERSION = 1


class BaselineError(Exception):
    """A baseline file that cannot be used (exit code 2)."""


@dataclass(frozen=True, slots=True)
class Baseline:
    """Recorded fingerprints (a finding present twice is recorded twice)."""

    root: str  # the baseline file's directory, absolute
    fingerprints: tuple[str, ...]


def fingerprint(diagnostic: Diagnostic, root: str) -> str:
    """The diagnostic's fingerprint with its path relative to ``root``."""
    path = diagnostic.path if diagnostic.path == STDIN else relative(diagnostic.path, root)
    return dataclasses.replace(diagnostic, path=path).fingerprint


def _entry(diagnostic: Diagnostic, root: str) -> dict[str, str]:
    if diagnostic.object is None:
        hint = diagnostic.message
    else:
        hint = f"{diagnostic.object} {format_path(diagnostic.at)}".rstrip()
    return {
        "rule": diagnostic.rule,
        "path": diagnostic.path if diagnostic.path == STDIN else relative(diagnostic.path, root),
        "hint": hint,
        "fingerprint": fingerprint(diagnostic, root),
    }


def render_baseline(diagnostics: Iterable[Diagnostic], root: str) -> str:
    """The baseline file recording ``diagnostics``, for a file in directory ``root``."""
    entries = sorted((_entry(d, root) for d in diagnostics),
                     key=lambda e: (e["path"], e["rule"], e["hint"], e["fingerprint"]))
    return json.dumps({"version": VERSION, "findings": entries}, indent=2, ensure_ascii=False) + "\n"


def parse_baseline(text: str, path: str) -> Baseline:
    """Validate a baseline file's text; ``path`` is where it was read from."""
    too_deep = BaselineError(f"{path}: not an svclint baseline: nested too deeply")
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as error:
        raise BaselineError(f"{path}:{error.lineno}:{error.colno}: not JSON: {error.msg}") from None
    except RecursionError:
        raise too_deep from None
    schema = json.loads((data_dir("schemas") / "baseline.v1.schema.json").read_text(encoding="utf-8"))
    from jsonschema import Draft202012Validator  # type: ignore[import-untyped,unused-ignore]  # 0.2 s: only when needed

    try:
        wrong = next(iter(Draft202012Validator(schema).iter_errors(data)), None)
    except RecursionError:
        raise too_deep from None
    if wrong is not None:
        where = format_path(tuple(wrong.absolute_path)) or "the top level"
        raise BaselineError(f"{path}: not an svclint baseline (version {VERSION}): {where}: {wrong.message}")
    root = os.path.dirname(os.path.abspath(path))
    return Baseline(root, tuple(entry["fingerprint"] for entry in data["findings"]))


def read_baseline(path: str) -> Baseline:
    """Read and validate a baseline file."""
    try:
        text = read_settings_file(path)
    except OSError as error:
        raise BaselineError(f"{path}: cannot read: {error.strerror or error}") from None
    except ValueError as error:
        raise BaselineError(f"{path}: {error}") from None
    return parse_baseline(text, path)
