"""Every rule's cases: small manifests under ``tests/rules/<rule>/``, with the expectations in them.

A case is a file ``<case>.yaml`` (linted alone) or a directory ``<case>/`` (its files linted as one
run, for cross-file rules). The line that a finding points at ends with a marker naming the rule,
as in pylint's functional tests; two findings on one line are named twice::

    targetPort: htpp   # [target-port-name-not-found]
    nodePort: 30080    # [node-port-collision, node-port-collision]

A line that cannot hold a comment (inside a block scalar) is marked in the header instead, with
``# line 12: [rule]``. Next to the case, ``<case>.snap`` holds svclint's text report on it: the
messages, columns and related locations that the markers do not say. ``pytest --update-snapshots``
rewrites the snapshots; review them as a diff. The markers are the specification, never rewritten.

The case (the first file of a directory, in name order) starts with a header of comment lines::

    # verdict: rejected | accepted-with-warning | accepted
                                        optional: what the Kubernetes API server does with it
    # runtime: SVC201                   optional: codes whose findings here describe what happens
                                        after the API server accepted the object, not its verdict
    # settings: kube-version=1.23       optional: node-port-range, default-namespace, kube-version
    # xfail: reason                     optional: svclint is known to disagree (a strict xfail)
    # why: what the case shows: the Kubernetes function or API message behind a verdict

With a verdict, the findings must agree with it, leaving out the runtime ones: ``rejected`` needs
an error, ``accepted-with-warning`` a warning and no error, ``accepted`` neither (infos are
allowed). The verdicts come from shared/reference/k8s-validation.md and the Kubernetes source. The
coverage test makes every check rule and SVC005 show both sides: a case where it fires and an
accepted case in its own directory where it stays silent.
"""

from __future__ import annotations

import dataclasses
import difflib
import io
import re
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from svclint.api import LintResult, lint
from svclint.catalog import load_catalog
from svclint.diagnostics import Severity
from svclint.formatters import RenderOptions
from svclint.formatters.text import render
from svclint.settings import Settings, parse_kube_version, parse_port_range

CASES_DIR = Path(__file__).resolve().parent / "rules"
VERDICTS = ("rejected", "accepted-with-warning", "accepted")
HEADER_KEYS = frozenset({"verdict", "runtime", "settings", "xfail", "why"})
CATALOG = load_catalog()
#: Rules about what happens after the API server accepted the object (controllers, the kubelet,
#: DNS, kubectl): they need no rejected or warned case (a few of them, such as SVC404, also
#: mirror an API warning, so a case still says which of its findings are runtime ones).
RUNTIME_RULES = frozenset(rule.code for rule in CATALOG if rule.claim == "runtime")
_MARKER = re.compile(r"#\s*\[([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\]\s*$")
_HEADER_MARK = re.compile(r"(\d+)\s*:\s*\[([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\]")

#: (file relative to the case's rule directory, line, rule name) of one finding.
Mark = tuple[str, int, str]


def _names(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _settings(text: str, where: Path) -> Settings:
    parsers: dict[str, tuple[str, Callable[[str], Any]]] = {
        "kube-version": ("kube_version", parse_kube_version),
        "node-port-range": ("node_port_range", parse_port_range),
        "default-namespace": ("default_namespace", str.strip),
    }
    values: dict[str, Any] = {}
    for item in _names(text):
        key, sep, value = item.partition("=")
        if not sep or key.strip() not in parsers:
            raise ValueError(f"{where}: settings entry {item!r} is not one of {sorted(parsers)}=VALUE")
        field, parse = parsers[key.strip()]
        values[field] = parse(value)
    return dataclasses.replace(Settings(), **values)


@dataclass(frozen=True)
class Case:
    """One case and what its header and markers say."""

    path: Path  # a file, or a directory of files
    marks: Counter[Mark]
    verdict: str | None
    runtime: frozenset[str]
    settings: Settings
    xfail: str | None
    why: str

    @property
    def id(self) -> str:
        return self.path.relative_to(CASES_DIR).as_posix().removesuffix(".yaml")

    @property
    def rule(self) -> str:
        """The rule the case is filed under (its directory)."""
        return self.path.parent.name

    @property
    def snapshot(self) -> Path:
        return self.path.with_name(self.path.name.removesuffix(".yaml") + ".snap")

    @property
    def rules(self) -> frozenset[str]:
        """The names of the rules marked in the case."""
        return frozenset(rule for _, _, rule in self.marks)


def _header(lines: list[str], where: Path) -> tuple[dict[str, str], list[tuple[int, str]]]:
    header: dict[str, str] = {}
    line_marks: list[tuple[int, str]] = []
    for line in lines:
        if not line.startswith("#"):
            break
        key, sep, value = line.removeprefix("#").partition(":")
        key = key.strip()
        if key.startswith("line "):
            match = _HEADER_MARK.fullmatch(line.removeprefix("#").strip().removeprefix("line").strip())
            if match is None:
                raise ValueError(f"{where}: bad header line {line!r}: expected '# line N: [rule]'")
            line_marks += [(int(match[1]), name) for name in _names(match[2])]
            continue
        if _MARKER.search(line):  # the first line of the manifest is a comment with a marker
            break
        if not sep or key not in HEADER_KEYS or key in header:
            raise ValueError(f"{where}: bad header line {line!r}")
        header[key] = value.strip()
    return header, line_marks


def parse_case(path: Path) -> Case:
    """Read a case's header and markers; anything malformed is an error, not a silent default."""
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    if not files:
        raise ValueError(f"{path}: an empty case directory")
    names = {rule.name for rule in CATALOG}
    marks: Counter[Mark] = Counter()
    header: dict[str, str] = {}
    for number, file in enumerate(files):
        lines = file.read_text(encoding="utf-8").splitlines()
        shown = file.relative_to(path.parent).as_posix()
        own, line_marks = _header(lines, file)
        if number == 0:
            header = own
        elif own:
            raise ValueError(f"{file}: only the first file of a case has a header")
        found = [(i, name) for i, line in enumerate(lines, start=1)
                 if (match := _MARKER.search(line)) for name in _names(match[1])]
        for line_number, name in found + line_marks:
            if name not in names:
                raise ValueError(f"{file}:{line_number}: marker names no rule: {name!r}")
            marks[(shown, line_number, name)] += 1
    if not header.get("why"):
        raise ValueError(f"{files[0]}: the header needs a '# why:' line")
    verdict = header.get("verdict")
    if verdict is not None and verdict not in VERDICTS:
        raise ValueError(f"{files[0]}: verdict {verdict!r} is not one of {VERDICTS}")
    return Case(
        path=path, marks=marks, verdict=verdict, runtime=frozenset(_names(header.get("runtime", ""))),
        settings=_settings(header.get("settings", ""), files[0]), xfail=header.get("xfail"), why=header["why"],
    )


def _case_paths() -> list[Path]:
    return sorted(p for rule in CASES_DIR.iterdir() if rule.is_dir()
                  for p in rule.iterdir() if p.is_dir() or p.suffix == ".yaml")


CASES = [parse_case(path) for path in _case_paths()]


def run_case(case: Case, monkeypatch: pytest.MonkeyPatch) -> LintResult:
    """svclint on the case, from its rule directory (so the report names it as the snapshot does)."""
    monkeypatch.chdir(case.path.parent)
    return lint([case.path.name], case.settings, jobs=1)


def report(result: LintResult) -> str:
    out = io.StringIO()
    render(result, out, RenderOptions())
    return out.getvalue()


#: Cases with a kustomization are rendered with the real kustomize, which a machine may lack.
_NO_KUSTOMIZE = shutil.which("kustomize") is None and shutil.which("kubectl") is None


def _param(case: Case) -> object:
    marks = [pytest.mark.xfail(strict=True, reason=case.xfail)] if case.xfail else []
    if _NO_KUSTOMIZE and case.path.is_dir() and any(case.path.rglob("kustomization.yaml")):
        marks.append(pytest.mark.skip(reason="neither kustomize nor kubectl is on PATH"))
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(case) for case in CASES])
def test_case(case: Case, monkeypatch: pytest.MonkeyPatch, update_snapshots: bool) -> None:
    result = run_case(case, monkeypatch)
    found = Counter((d.path, d.span.line, d.rule) for d in result.diagnostics)
    assert sorted(found.elements()) == sorted(case.marks.elements()), "findings and markers differ"
    text = report(result)
    if update_snapshots:
        if not case.snapshot.exists() or case.snapshot.read_text(encoding="utf-8") != text:
            case.snapshot.write_text(text, encoding="utf-8")
    else:
        assert case.snapshot.exists(), f"no snapshot {case.snapshot.name}: run pytest --update-snapshots"
        expected = case.snapshot.read_text(encoding="utf-8")
        diff = "".join(difflib.unified_diff(expected.splitlines(True), text.splitlines(True),
                                            case.snapshot.name, "svclint now"))
        assert text == expected, f"the report differs from the snapshot (pytest --update-snapshots):\n{diff}"
    if case.verdict is not None:
        _agrees_with_verdict(case, result)


def _agrees_with_verdict(case: Case, result: LintResult) -> None:
    codes = {d.code for d in result.diagnostics}
    assert case.runtime <= codes, "a runtime code that does not fire"
    severities = {d.severity for d in result.diagnostics if d.code not in case.runtime}
    error, warning = Severity.ERROR in severities, Severity.WARNING in severities
    if case.verdict == "rejected":
        assert error, "rejected by the API server, but svclint reports no error"
    elif case.verdict == "accepted-with-warning":
        assert (error, warning) == (False, True), "the API server accepts with a warning"
    else:
        assert (error, warning) == (False, False), "the API server accepts without a warning"


def test_every_snapshot_belongs_to_a_case() -> None:
    cases = {case.snapshot for case in CASES}
    assert sorted(p for p in CASES_DIR.rglob("*.snap") if p not in cases) == []


def test_every_directory_is_a_rule() -> None:
    names = {rule.name for rule in CATALOG}
    assert len(CASES) >= 80
    assert sorted({case.rule for case in CASES} - names) == []


def test_every_check_rule_and_the_schema_gate_have_both_sides() -> None:
    """A case where the rule fires (rejected or warned, unless it is a runtime rule) and an accepted
    case in the rule's directory where it is silent. Known disagreements (xfail) do not count."""
    rules = [rule for rule in CATALOG if rule.source == "check"] + [CATALOG["SVC005"]]
    assert RUNTIME_RULES and RUNTIME_RULES <= {rule.code for rule in rules}
    settled = [case for case in CASES if not case.xfail and case.verdict is not None]
    gaps = []
    for rule in rules:
        firing = [case for case in settled if rule.name in case.rules]
        if not firing:
            gaps.append(f"{rule.code}: no case with a verdict where it fires")
        if rule.code not in RUNTIME_RULES and not any(
                case.verdict != "accepted" and rule.code not in case.runtime for case in firing):
            gaps.append(f"{rule.code}: no rejected or warned case")
        if not any(case.rule == rule.name and case.verdict == "accepted" and rule.name not in case.rules
                   for case in settled):
            gaps.append(f"{rule.code}: no accepted case in {rule.name}/ where it is silent")
    assert gaps == []


@pytest.mark.parametrize("line, names", [
    ("    targetPort: htpp   # [target-port-name-not-found]", ["target-port-name-not-found"]),
    ("nodePort: 1 #[node-port-collision, node-port-collision]", ["node-port-collision"] * 2),
    ("# a comment about [brackets] mid-line", None),
])
def test_markers_are_read_from_the_end_of_a_line(line: str, names: list[str] | None) -> None:
    match = _MARKER.search(line)
    assert (None if match is None else _names(match[1])) == names


def test_a_line_that_cannot_hold_a_comment_is_marked_in_the_header(tmp_path: Path) -> None:
    # Inside a block scalar a "# [rule]" would be part of the value, so the header says it.
    case = tmp_path / "rule" / "case.yaml"
    case.parent.mkdir()
    case.write_text("# line 6: [external-name-invalid]\n# why: a block scalar\napiVersion: v1\nkind: Service\n"
                    "spec:\n  externalName: |\n    x\n", encoding="utf-8")
    assert sorted(parse_case(case).marks.elements()) == [("case.yaml", 6, "external-name-invalid")]
