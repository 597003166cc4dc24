"""Baselines: ``svclint baseline PATHS -o FILE`` records today's findings, ``svclint check --baseline
FILE`` reports only new ones. End to end through the command line, in a scratch directory.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import manifest, reported, run, write
from jsonschema import Draft202012Validator

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "baseline.v1.schema.json").read_text(encoding="utf-8"))

#: SVC303 node-port-not-allowed at 9:17 and SVC101 service-selector-matches-nothing at 6:3 (a warning).
LEGACY = """
    apiVersion: v1
    kind: Service
    metadata:
      name: legacy
    spec:
      selector: {app: legacy}
      type: ClusterIP
      ports:
        - {port: 80, nodePort: 30080}
"""
#: A new problem: SVC303 node-port-not-allowed, in another Service.
NEW = """
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: fresh
    spec:
      type: ClusterIP
      ports:
        - {port: 80, nodePort: 30090}
"""
#: A clean report where the baseline hid the two findings of LEGACY (the summary says how many).
CLEAN = "0 errors, 0 warnings, 0 infos in 1 file, 1 object (2 findings hidden by the baseline)\n"


def record(*args: str) -> dict[str, Any]:
    """Run ``svclint baseline ARGS`` and return the file it wrote."""
    result = run("baseline", *args)
    assert result.exit_code == 0, result.output
    written: dict[str, Any] = json.loads(Path(args[args.index("-o") + 1]).read_text(encoding="utf-8"))
    return written


def test_round_trip_moving_lines_and_a_new_finding(workdir: Path) -> None:
    write("deploy/svc.yaml", LEGACY)
    assert run("check", "deploy").exit_code == 1
    result = run("baseline", "deploy", "-o", "baseline.json")
    assert (result.exit_code, result.stdout, result.stderr) == (
        0, "", "svclint: recorded 2 findings in baseline.json\n")

    result = run("check", "deploy", "--baseline", "baseline.json")
    assert (result.exit_code, result.stdout) == (0, CLEAN)

    # Lines move (a comment and a label above): fingerprints have no line numbers.
    write("deploy/svc.yaml", "# owned by team legacy\n" + manifest(LEGACY).replace(
        "  name: legacy\n", "  name: legacy\n  labels: {team: legacy}\n"))
    result = run("check", "deploy", "--baseline", "baseline.json")
    assert (result.exit_code, result.stdout) == (0, CLEAN)

    # A new finding is reported, the recorded ones still are not.
    write("deploy/svc.yaml", manifest(LEGACY) + manifest(NEW))
    result = run("check", "deploy", "--baseline", "baseline.json")
    assert result.exit_code == 1
    assert reported(result) == [
        ("deploy/svc.yaml:18:28: error SVC303 node-port-not-allowed: nodePort 30090 may not be used when type is "
        "ClusterIP: the API server rejects the Service")]

    # The JSON report still lists the recorded findings, flagged.
    result = run("check", "deploy", "--baseline", "baseline.json", "--format", "json")
    assert [(d["rule"], d["line"], d["suppressed"]) for d in json.loads(result.stdout)["diagnostics"]] == [
        ("service-selector-matches-nothing", 6, True), ("node-port-not-allowed", 9, True),
        ("node-port-not-allowed", 18, False)]


def test_the_file_is_versioned_sorted_and_readable(workdir: Path) -> None:
    write("b.yaml", LEGACY)
    write("a.yaml", LEGACY.replace("legacy", "old").replace("30080", "30081"))
    written = record(".", "-o", "baseline.json")
    Draft202012Validator(SCHEMA).validate(written)
    assert written["version"] == 1
    assert [{k: v for k, v in entry.items() if k != "fingerprint"} for entry in written["findings"]] == [
        {"rule": "node-port-not-allowed", "path": "a.yaml", "hint": "Service default/old spec.ports[0].nodePort"},
        {"rule": "service-selector-matches-nothing", "path": "a.yaml", "hint": "Service default/old spec.selector"},
        {"rule": "node-port-not-allowed", "path": "b.yaml", "hint": "Service default/legacy spec.ports[0].nodePort"},
        {"rule": "service-selector-matches-nothing", "path": "b.yaml", "hint": "Service default/legacy spec.selector"},
    ]
    # Written the same way every time, so it diffs well.
    first = Path("baseline.json").read_text(encoding="utf-8")
    record(".", "-o", "baseline.json")
    assert Path("baseline.json").read_text(encoding="utf-8") == first


def test_paths_are_relative_to_the_baseline_file_so_any_working_directory_works(workdir: Path) -> None:
    write("deploy/svc.yaml", LEGACY)
    Path("ci").mkdir()
    os.chdir("deploy")
    written = record("svc.yaml", "-o", "../ci/baseline.json")
    assert [entry["path"] for entry in written["findings"]] == ["../deploy/svc.yaml"] * 2
    os.chdir("..")
    assert run("check", "deploy", "--baseline", "ci/baseline.json").stdout == CLEAN


def test_a_file_level_finding_is_recorded_by_its_message(workdir: Path) -> None:
    write("broken.yaml", "apiVersion: v1\nkind: [Service\n")
    written = record(".", "-o", "baseline.json")
    assert [(e["rule"], e["hint"]) for e in written["findings"]] == [
        ("yaml-syntax-error", "while parsing a flow sequence; expected ',' or ']', but got '<stream end>'")]
    assert run("check", ".", "--baseline", "baseline.json").exit_code == 0


def test_file_level_findings_stay_recorded_when_lines_move(workdir: Path) -> None:
    # Regression: their messages name lines ("first defined on line 6"), and the fingerprint took
    # them in, so a line inserted above brought the finding back.
    service = manifest(LEGACY).replace("  name: legacy\n", "  name: legacy\n  labels: {a: x, a: y}\n")
    service = service.replace("nodePort: 30080}", "nodePort: 30080}  # svclint: ignore[node-port-out-of-range] x")
    write("svc.yaml", service)
    written = record("svc.yaml", "-o", "baseline.json")
    assert {e["rule"] for e in written["findings"]} >= {"duplicate-key", "unused-suppression"}
    write("svc.yaml", "# owned by team x\n\n" + service)
    assert run("check", "svc.yaml", "--baseline", "baseline.json").exit_code == 0


def test_a_finding_present_twice_needs_two_entries(workdir: Path) -> None:
    write("svc.yaml", LEGACY)
    record("svc.yaml", "-o", "baseline.json")
    # The same object defined again in another file is another finding (another path); in the
    # same file under the same identity, a second copy needs its own entry.
    write("svc.yaml", manifest(LEGACY) + "---\n" + manifest(LEGACY))
    result = run("check", "svc.yaml", "--baseline", "baseline.json", "--format", "json")
    assert [(d["rule"], d["line"], d["suppressed"]) for d in json.loads(result.stdout)["diagnostics"]] == [
        ("service-selector-matches-nothing", 6, True), ("node-port-not-allowed", 9, True),
        ("service-selector-matches-nothing", 16, False), ("node-port-not-allowed", 19, False)]


def test_entries_that_match_nothing_any_more_are_harmless(workdir: Path) -> None:
    write("svc.yaml", LEGACY)
    record("svc.yaml", "-o", "baseline.json")
    write("svc.yaml", LEGACY.replace("legacy", "web").replace(", nodePort: 30080", "") + """
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: nginx}]}
    """.replace("\n        ", "\n    "))
    result = run("check", "svc.yaml", "--baseline", "baseline.json")
    assert (result.exit_code, result.stdout) == (0, "0 errors, 0 warnings, 0 infos in 1 file, 2 objects\n")


def test_the_configuration_can_name_the_baseline_and_the_command_line_wins(workdir: Path) -> None:
    write("svc.yaml", LEGACY)
    Path("ci").mkdir()
    record("svc.yaml", "-o", "ci/baseline.json")
    Path("empty.json").write_text('{"version": 1, "findings": []}\n', encoding="utf-8")
    write("ci/.svclint.yaml", "baseline: baseline.json\n")  # relative to the configuration file
    assert run("check", "svc.yaml", "--config", "ci/.svclint.yaml").stdout == CLEAN
    assert run("check", "svc.yaml", "--config", "ci/.svclint.yaml", "--baseline", "empty.json").exit_code == 1
    # Writing a baseline ignores the configured one: it records everything there is.
    written = record("svc.yaml", "--config", "ci/.svclint.yaml", "-o", "all.json")
    assert len(written["findings"]) == 2


def test_the_baseline_applies_after_selection(workdir: Path) -> None:
    write("svc.yaml", LEGACY)
    written = record("svc.yaml", "--ignore", "SVC1", "-o", "baseline.json")
    assert [e["rule"] for e in written["findings"]] == ["node-port-not-allowed"]
    assert [line.split(": ")[1] for line in reported(run("check", "svc.yaml", "--baseline", "baseline.json"))] == [
        "warning SVC101 service-selector-matches-nothing"]


@pytest.mark.parametrize(("text", "error"), [
    (None, "missing.json: cannot read: No such file or directory"),
    ("{", "missing.json:1:2: not JSON: Expecting property name enclosed in double quotes"),
    ('{"version": 2, "findings": []}',
     "missing.json: not an svclint baseline (version 1): version: 1 was expected"),
    ('{"version": 1, "findings": [{"rule": "x", "path": "a", "hint": "h", "fingerprint": "nope"}]}',
     ("missing.json: not an svclint baseline (version 1): findings[0].fingerprint: 'nope' does not match "
     "'^[0-9a-f]{32}$'")),
])
def test_an_unusable_baseline_exits_2(workdir: Path, text: str | None, error: str) -> None:
    write("svc.yaml", LEGACY)
    if text is not None:
        Path("missing.json").write_text(text, encoding="utf-8")
    result = run("check", "svc.yaml", "--baseline", "missing.json")
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"svclint: error: {error}\n")


def test_baseline_needs_an_output_file_it_can_write(workdir: Path) -> None:
    write("svc.yaml", LEGACY)
    result = run("baseline", "svc.yaml")
    assert result.exit_code == 2
    assert "Missing option '--output'" in result.stderr
    result = run("baseline", "svc.yaml", "-o", "no/such/dir.json")
    assert (result.exit_code, result.stderr) == (2, "svclint: error: --output no/such/dir.json: No such file or directory\n")
