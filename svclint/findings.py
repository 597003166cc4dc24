"""What checks produce: findings about one object, which the engine turns into diagnostics."""

from __future__ import annotations

from dataclasses import dataclass

from svclint.diagnostics import JsonPath, Severity
from svclint.model import KubeObject


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
