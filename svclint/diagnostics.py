"""The finished output: diagnostics and the value types they are made of.

A leaf: it imports nothing else of svclint, so formatters, the baseline and every other module
can depend on it. What checks produce (``Finding``) is in ``svclint.findings``.
"""

from __future__ import annotations

import enum
import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import PurePath

#: The rule of svclint's own failures (a check that raised): exit code 2, never suppressed.
INTERNAL_ERROR = "internal-error"

#: A path into a parsed document, like jsonschema's ``absolute_path``: keys and list indexes.
JsonPath = tuple["str | int", ...]
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


def format_path(at: JsonPath) -> str:
    """``spec.ports[0].nodePort``; keys with other characters quoted: ``labels."app.kubernetes.io/name"``."""
    text = ""
    for step in at:
        if isinstance(step, int):
            text += f"[{step}]"
        else:
            name = step if _BARE_KEY.fullmatch(step) else json.dumps(step, ensure_ascii=False)
            text += f".{name}" if text else name
    return text


class Severity(enum.IntEnum):
    """Diagnostic severity; the order is used for ``--fail-on``."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        return cls[text.upper()]


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A region of a file: 1-based lines and columns, the end column exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass(frozen=True, slots=True)
class ObjectRef:
    """Identity of a Kubernetes object as shown to the user."""

    api_version: str
    kind: str
    namespace: str | None
    name: str

    def __str__(self) -> str:
        where = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {where}{self.name}"


@dataclass(frozen=True, slots=True)
class CheckedObject:
    """A Service or workload the checks looked at, and the file it is in (JUnit has a test case each)."""

    path: str
    ref: ObjectRef


@dataclass(frozen=True, slots=True)
class Related:
    """A secondary location: the other object of a collision, the nearest workload, ..."""

    message: str
    path: str
    span: Span


#: "line 12" in a message (duplicate-key, unused-suppression): not part of a fingerprint.
_LINE_NUMBER = re.compile(r"\bline [0-9]+")


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A finished diagnostic, as formatters receive it."""

    code: str
    rule: str
    severity: Severity
    message: str
    path: str
    span: Span
    object: ObjectRef | None = None
    related: tuple[Related, ...] = ()
    help: str | None = None
    #: How it is suppressed, in SARIF's words: "inSource" (a comment or an annotation beside the
    #: manifest) or "external" (the baseline file); None when it is reported.
    suppression: str | None = None
    #: Where in ``object`` the finding is (keys and indexes); empty for file-level diagnostics.
    at: JsonPath = ()
    #: The finding told on its other object (see ``svclint.findings.Counterpart``); not part of the output.
    counterpart: Diagnostic | None = None

    @property
    def suppressed(self) -> bool:
        return self.suppression is not None

    @property
    def fingerprint(self) -> str:
        """A stable identity for baselines and code scanning: rule, file, object and field path.

        Lines are left out on purpose, so a finding keeps its fingerprint when the lines above it
        change; file-level diagnostics (no object) use their message instead of a field path,
        with the line numbers it mentions left out too. The path is normalised (``./a`` is ``a``).
        """
        import hashlib  # here: most runs never fingerprint, and the import costs 5 ms of start-up

        path = posixpath.normpath(PurePath(self.path).as_posix())
        if self.object is None:
            identity = [self.rule, path, _LINE_NUMBER.sub("line", self.message)]
        else:
            o = self.object
            identity = [self.rule, path, o.kind, o.namespace or "", o.name, *map(str, self.at)]
        return hashlib.sha256("\x1f".join(identity).encode("utf-8", "surrogatepass")).hexdigest()[:32]

    @property
    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Output order: by file, position, code, then message for full determinism."""
        return (self.path, self.span.line, self.span.column, self.code, self.message)


@dataclass(frozen=True, slots=True)
class LintResult:
    """Sorted diagnostics and what was looked at."""

    diagnostics: tuple[Diagnostic, ...]
    files: int
    checked: tuple[CheckedObject, ...] = ()  # Services and workloads analysed, in input order
    notes: tuple[str, ...] = ()  # what the user should know about the run itself (kustomize missing)

    @property
    def objects(self) -> int:
        """How many Services and workloads were analysed."""
        return len(self.checked)

    def count(self, severity: Severity) -> int:
        return sum(1 for d in self.diagnostics if d.severity is severity and not d.suppressed)

    def exit_code(self, fail_on: Severity | None) -> int:
        """0: nothing at or above ``fail_on``; 1: findings that are; 2: svclint itself failed."""
        if any(d.rule == INTERNAL_ERROR for d in self.diagnostics):
            return 2
        if fail_on is None:
            return 0
        return int(any(d.severity >= fail_on and not d.suppressed for d in self.diagnostics))
