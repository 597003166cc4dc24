"""Value types shared by the loader, the engine, the checks and the formatters."""

from __future__ import annotations

import enum
import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from svclint.model import KubeObject

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


@dataclass(frozen=True, slots=True)
class RelatedFinding:
    """What a check says about another object; the engine resolves its position."""

    message: str
    obj: KubeObject
    at: JsonPath


@dataclass(frozen=True, slots=True)
class Finding:
    """What a check yields: the engine adds code, severity, file, position and object."""

    message: str
    at: JsonPath
    help: str | None = None
    related: tuple[RelatedFinding, ...] = ()
    on_key: bool = False  # point at the key of ``at`` rather than at its value
    #: A lower severity than the rule's (its catalog severity is the highest it reports), for a
    #: rule whose cases the API server treats differently: rejects one, only warns about another.
    severity: Severity | None = None
    #: The same problem told from the other object it involves, see ``Counterpart``.
    counterpart: Counterpart | None = None


@dataclass(frozen=True, slots=True)
class Counterpart:
    """A finding's other side: the object a cross-object finding is not reported on (the first
    Service of a node port collision), and what to say there.

    A run over all files reports only the finding. A run restricted to some files (``context``,
    as in pre-commit) also reports the counterpart when its object's file is among them and the
    finding's file is another one, so a problem shows on every file of the run it involves,
    whichever files a run is given. It follows the finding: suppressing, ignoring or
    baselining the finding covers the counterpart too.
    """

    obj: KubeObject
    finding: Finding


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
    #: The finding told on its other object (see ``Counterpart``); not part of the output.
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
