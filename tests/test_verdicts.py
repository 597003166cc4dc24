"""The verdict corpus: small manifests with the verdict the Kubernetes API server gives each one.

Every file under ``tests/verdicts/<rule or topic>/`` is linted alone. It starts with a header of
comment lines::

    # verdict: rejected | accepted-with-warning | accepted
    # expect: SVC204@12:13, SVC205@14:19    svclint's exact findings, code@line:column (empty: none)
    # runtime: SVC201                       optional: codes whose findings here describe what happens
                                            after the API server accepted the object, not its verdict
    # kube-version: 1.23                    optional: --kube-version for this case
    # xfail: reason                         optional: svclint is known to disagree (a strict xfail)
    # why: the Kubernetes function or API message behind the verdict

The verdicts come from shared/reference/k8s-validation.md and the Kubernetes source. A case checks
that svclint reports exactly ``expect`` and that this agrees with the verdict, leaving out the
``runtime`` findings: ``rejected`` needs an error, ``accepted-with-warning`` a warning and no
error, ``accepted`` neither (infos are allowed, since ``expect`` lists them). The coverage test
makes every check rule and SVC005 show both sides: a case where it fires and an accepted one in
its own directory where it stays silent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from svclint.api import lint_sources
from svclint.catalog import load_catalog
from svclint.diagnostics import Severity
from svclint.settings import Settings, parse_kube_version

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "verdicts"
VERDICTS = ("rejected", "accepted-with-warning", "accepted")
HEADER_KEYS = frozenset({"verdict", "expect", "runtime", "kube-version", "xfail", "why"})
#: Directories named after a topic rather than a rule.
TOPICS: frozenset[str] = frozenset()
#: Rules about what happens after the API server accepted the object (controllers, the kubelet,
#: DNS, kubectl): they never decide a verdict, so they need no rejected or warned case. The
#: catalog says which (``claim: runtime``).
RUNTIME_RULES = frozenset(rule.code for rule in load_catalog() if rule.claim == "runtime")
_FINDING = re.compile(r"(SVC\d{3})@(\d+):(\d+)")

#: (code, line, column) of a finding.
Finding = tuple[str, int, int]


@dataclass(frozen=True)
class Case:
    """One corpus file and its header."""

    path: Path
    verdict: str
    expect: tuple[Finding, ...]
    runtime: frozenset[str]
    settings: Settings
    xfail: str | None
    why: str

    @property
    def id(self) -> str:
        return self.path.relative_to(CORPUS).as_posix().removesuffix(".yaml")

    @property
    def directory(self) -> str:
        return self.path.parent.name

    @property
    def codes(self) -> frozenset[str]:
        """The codes of the expected findings."""
        return frozenset(code for code, _, _ in self.expect)


def _codes(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _finding(text: str, path: Path) -> Finding:
    match = _FINDING.fullmatch(text)
    if match is None:
        raise ValueError(f"{path}: expect entry {text!r} is not CODE@LINE:COLUMN")
    return match[1], int(match[2]), int(match[3])


def parse_case(path: Path) -> Case:
    """Read the header of a corpus file; a malformed header is an error, not a silent default."""
    header: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        key, sep, value = line.removeprefix("#").partition(":")
        key = key.strip()
        if not sep or key not in HEADER_KEYS or key in header:
            raise ValueError(f"{path}: bad header line {line!r}")
        header[key] = value.strip()
    missing = {"verdict", "expect", "why"} - header.keys()
    if missing or header["verdict"] not in VERDICTS or not header["why"]:
        raise ValueError(f"{path}: header needs a verdict in {VERDICTS}, expect and why (missing {sorted(missing)})")
    version = header.get("kube-version")
    return Case(
        path=path,
        verdict=header["verdict"],
        expect=tuple(_finding(text, path) for text in _codes(header["expect"])),
        runtime=frozenset(_codes(header.get("runtime", ""))),
        settings=Settings(kube_version=parse_kube_version(version)) if version else Settings(),
        xfail=header.get("xfail"),
        why=header["why"],
    )


CASES = [parse_case(path) for path in sorted(CORPUS.rglob("*.yaml"))]


def found(case: Case) -> list[tuple[Finding, Severity]]:
    """svclint's findings on the case file, linted alone, in output order."""
    path = case.path.relative_to(REPO).as_posix()
    result = lint_sources([(path, case.path.read_bytes())], case.settings)
    return [((d.code, d.span.line, d.span.column), d.severity) for d in result.diagnostics]


def _param(case: Case) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_case(case: Case) -> None:
    findings = found(case)
    assert [where for where, _ in findings] == list(case.expect)
    assert case.runtime <= case.codes, "a runtime code that does not fire"
    severities = {severity for (code, _, _), severity in findings if code not in case.runtime}
    error, warning = Severity.ERROR in severities, Severity.WARNING in severities
    if case.verdict == "rejected":
        assert error, "rejected by the API server, but svclint reports no error"
    elif case.verdict == "accepted-with-warning":
        assert (error, warning) == (False, True), "the API server accepts with a warning"
    else:
        assert (error, warning) == (False, False), "the API server accepts without a warning"


def test_the_corpus_is_large_and_every_directory_is_a_rule_or_topic() -> None:
    names = {rule.name for rule in load_catalog()}
    assert len(CASES) >= 80
    assert {case.directory for case in CASES} - names - TOPICS == set()


def test_every_check_rule_and_the_schema_gate_have_both_sides() -> None:
    """A case where the rule fires (rejected or warned, unless it is a runtime rule) and an accepted
    case in the rule's directory where it is silent. Known disagreements (xfail) do not count."""
    catalog = load_catalog()
    rules = [rule for rule in catalog if rule.source == "check"] + [catalog["SVC005"]]
    assert RUNTIME_RULES and RUNTIME_RULES <= {rule.code for rule in rules}
    settled = [case for case in CASES if not case.xfail]
    gaps = []
    for rule in rules:
        firing = [case for case in settled if rule.code in case.codes]
        if not firing:
            gaps.append(f"{rule.code}: no case where it fires")
        if rule.code not in RUNTIME_RULES and not any(
                case.verdict != "accepted" and rule.code not in case.runtime for case in firing):
            gaps.append(f"{rule.code}: no rejected or warned case")
        if not any(case.directory == rule.name and case.verdict == "accepted" and rule.code not in case.codes
                   for case in settled):
            gaps.append(f"{rule.code}: no accepted case in {rule.name}/ where it is silent")
    assert gaps == []
