"""Output formats for CI (SARIF, GitHub annotations, JUnit) and the rule documentation commands.

Each test writes manifests into a temporary directory, runs the command line in it (so paths are
the relative ones a user types) and reads the report the way its consumer would: SARIF against
the official schema, JUnit with junitparser and ElementTree, GitHub workflow commands as text.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import jsonschema  # type: ignore[import-untyped,unused-ignore]
import pytest
from junitparser import Error, Failure, JUnitXml  # type: ignore[import-untyped,unused-ignore]
from typer.testing import CliRunner, Result

from svclint import __version__
from svclint.api import LintResult, lint_sources
from svclint.catalog import load_catalog
from svclint.cli import app
from svclint.diagnostics import CheckedObject, Diagnostic, ObjectRef, Severity, Span
from svclint.docs import REFERENCE_COMMAND
from svclint.formatters import OutputFormat, RenderOptions, renderer

REPO = Path(__file__).resolve().parent.parent
#: The official schema, kept in the repository (tests/data/README.md says where it comes from).
SARIF_SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))

# --- Manifests ------------------------------------------------------------------------------------------

#: SVC303 node-port-not-allowed (error) at 9:17-22, the "30080".
CLUSTER_IP_WITH_NODE_PORT = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: ClusterIP
  ports:
    - port: 80
      nodePort: 30080
"""
NOT_ALLOWED = "nodePort 30080 may not be used when type is ClusterIP: the API server rejects the Service"
NOT_ALLOWED_HELP = "set `type: NodePort` (or LoadBalancer) to expose it on the nodes, or remove nodePort"


def node_port_service(name: str, namespace: str) -> str:
    """A NodePort Service on 30080: two of them collide (SVC302 on the second, at 10:17)."""
    return CLUSTER_IP_WITH_NODE_PORT.replace("type: ClusterIP", "type: NodePort").replace(
        "name: web", f"name: {name}\n  namespace: {namespace}")


#: SVC101 service-selector-matches-nothing (warning) at 6:3, the "selector" key.
LONELY_SELECTOR = """\
apiVersion: v1
kind: Service
metadata:
  name: lonely
spec:
  selector:
    app: lonely
  ports:
    - port: 80
"""

#: A Deployment whose pods declare port 8080 and a Service sending to 8000: SVC202 (info) at 29:19.
UNDECLARED_TARGET_PORT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels:
      app: api
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
        - name: api
          image: api
          ports:
            - containerPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector:
    app: api
  ports:
    - port: 80
      targetPort: 8000
"""

#: SVC001 yaml-syntax-error (error) at 5:1: the flow sequence is never closed.
BROKEN = "apiVersion: v1\nkind: Service\nmetadata:\n  name: [web\n"

#: SVC003 unrendered-template (info) at 4:9.
TEMPLATE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Values.name }}\n"


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty current directory, outside GitHub Actions."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def write(name: str, text: str) -> str:
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return name


def svclint_cli(*args: str, input: str | None = None, env: dict[str, str | None] | None = None) -> Result:
    result = CliRunner().invoke(app, list(args), input=input, env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert "Traceback" not in result.output
    return result


# --- SARIF ----------------------------------------------------------------------------------------------


def validate_sarif(log: object) -> None:
    """Against the official SARIF 2.1.0 schema, formats included (uri, uri-reference)."""
    checker = jsonschema.FormatChecker()
    assert {"uri", "uri-reference"} <= set(checker.checkers), "pip install rfc3986-validator"
    jsonschema.Draft4Validator(SARIF_SCHEMA, format_checker=checker).validate(log)


def sarif(*args: str, input: str | None = None) -> dict[str, Any]:
    result = svclint_cli("check", "--format", "sarif", *args, input=input)
    assert result.stderr == ""
    log: dict[str, Any] = json.loads(result.stdout)
    validate_sarif(log)
    return log


def test_the_kept_sarif_schema_is_the_official_draft_04_schema() -> None:
    assert SARIF_SCHEMA["id"] == ("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/"
                                  "sarif-schema-2.1.0.json")
    jsonschema.Draft4Validator.check_schema(SARIF_SCHEMA)


def test_sarif_result_with_a_related_location(workdir: Path) -> None:
    write("a.yaml", node_port_service("web", "team-a"))
    write("b.yaml", node_port_service("api", "team-b"))
    log = sarif("a.yaml", "b.yaml")
    assert (log["version"], log["$schema"]) == ("2.1.0", SARIF_SCHEMA["id"])
    (run,) = log["runs"]
    (result,) = run["results"]
    rules = run["tool"]["driver"]["rules"]
    assert rules[result["ruleIndex"]]["id"] == "SVC302"
    fingerprint = result["partialFingerprints"]["svclint/v1"]
    assert result == {
        "ruleId": "SVC302",
        "ruleIndex": result["ruleIndex"],
        "level": "error",
        "message": {"text": "nodePort 30080 is already used by Service team-a/web; nodePorts are cluster-wide, "
                            "across namespaces, so the API server rejects this one (\"provided port is already "
                            "allocated\")\nhelp: choose a free nodePort, or omit it to let the cluster choose"},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": "b.yaml", "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": 10, "startColumn": 17, "endLine": 10, "endColumn": 22},
        }}],
        "relatedLocations": [{
            "id": 1,
            "physicalLocation": {
                "artifactLocation": {"uri": "a.yaml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 10, "startColumn": 17, "endLine": 10, "endColumn": 22},
            },
            "message": {"text": "nodePort 30080 first used here"},
        }],
        "partialFingerprints": {"svclint/v1": fingerprint},
        "suppressions": [],
    }
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == workdir.resolve().as_uri() + "/"
    assert run["columnKind"] == "unicodeCodePoints"
    assert run["invocations"] == [{"executionSuccessful": True}]


def test_sarif_fingerprint_stays_when_lines_move(workdir: Path) -> None:
    write("a.yaml", node_port_service("web", "team-a"))
    write("b.yaml", node_port_service("api", "team-b"))
    before = sarif("a.yaml", "b.yaml")["runs"][0]["results"][0]
    write("b.yaml", "# a comment and a blank line\n\n" + node_port_service("api", "team-b"))
    after = sarif("a.yaml", "b.yaml")["runs"][0]["results"][0]
    assert after["locations"][0]["physicalLocation"]["region"]["startLine"] == 12
    assert after["partialFingerprints"] == before["partialFingerprints"]
    write("b.yaml", node_port_service("api2", "team-b"))  # another object: another finding
    renamed = sarif("a.yaml", "b.yaml")["runs"][0]["results"][0]
    assert renamed["partialFingerprints"] != before["partialFingerprints"]


def test_sarif_fingerprints_do_not_depend_on_how_the_path_is_written(workdir: Path) -> None:
    # Regression: "./a.yaml" and "a.yaml" gave one URI but two fingerprints (new alerts in CI).
    write("a.yaml", node_port_service("web", "team-a"))
    write("b.yaml", node_port_service("api", "team-b"))
    plain = sarif("a.yaml", "b.yaml")["runs"][0]["results"][0]
    dotted = sarif("./a.yaml", "./b.yaml")["runs"][0]["results"][0]
    assert dotted["locations"] == plain["locations"]
    assert dotted["partialFingerprints"] == plain["partialFingerprints"]


def test_sarif_says_where_a_suppression_is_kept(workdir: Path) -> None:
    # Regression: baselined findings were "inSource"; the baseline file is outside the source.
    write("a.yaml", node_port_service("web", "team-a"))
    write("b.yaml", node_port_service("api", "team-b"))
    assert svclint_cli("baseline", "a.yaml", "b.yaml", "-o", "baseline.json").exit_code == 0
    (baselined,) = sarif("a.yaml", "b.yaml", "--baseline", "baseline.json")["runs"][0]["results"]
    assert baselined["suppressions"] == [{"kind": "external"}]
    write("b.yaml", node_port_service("api", "team-b").replace(
        "nodePort: 30080", "nodePort: 30080  # svclint: ignore[node-port-collision] shared on purpose"))
    (commented,) = sarif("a.yaml", "b.yaml")["runs"][0]["results"]
    assert commented["suppressions"] == [{"kind": "inSource"}]


def test_sarif_driver_describes_every_catalog_rule(workdir: Path) -> None:
    write("svc.yaml", CLUSTER_IP_WITH_NODE_PORT)
    driver = sarif("svc.yaml")["runs"][0]["tool"]["driver"]
    assert (driver["name"], driver["version"], driver["informationUri"]) == (
        "svclint", __version__, "https://svclint.dev/")
    catalog = load_catalog()
    assert [rule["id"] for rule in driver["rules"]] == [meta.code for meta in catalog]
    by_code = {rule["id"]: rule for rule in driver["rules"]}
    collision, meta = by_code["SVC302"], catalog["SVC302"]
    assert {key: collision[key] for key in ("name", "shortDescription", "fullDescription", "helpUri")} == {
        "name": "node-port-collision",
        "shortDescription": {"text": meta.summary},
        "fullDescription": {"text": meta.rationale},
        "helpUri": "https://kubernetes.io/docs/concepts/services-networking/service/#nodeport-custom-port",
    }
    assert f"Fix: {meta.remediation}" in collision["help"]["text"]
    assert f"**Fix.** {meta.remediation}" in collision["help"]["markdown"]
    assert "Fails:" in collision["help"]["text"] and "Passes:" in collision["help"]["text"]
    levels = {code: rule["defaultConfiguration"]["level"] for code, rule in by_code.items()}
    assert (levels["SVC302"], levels["SVC101"], levels["SVC202"]) == ("error", "warning", "note")
    assert "helpUri" not in by_code["SVC000"]  # no reference to point at


def test_sarif_levels_and_file_level_results(workdir: Path) -> None:
    write("broken.yaml", BROKEN)
    write("chart.yaml", TEMPLATE)
    write("lonely.yaml", LONELY_SELECTOR)
    results = sarif(".")["runs"][0]["results"]
    assert [(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        ("SVC001", "error", "broken.yaml", 5),
        ("SVC003", "note", "chart.yaml", 4),
        ("SVC101", "warning", "lonely.yaml", 6),
    ]
    assert all("relatedLocations" not in r for r in results[:2])


def test_sarif_for_stdin_has_a_valid_uri() -> None:
    (result,) = sarif("-", input=CLUSTER_IP_WITH_NODE_PORT)["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"] == {"uri": "-", "uriBaseId": "%SRCROOT%"}


def test_sarif_uris_of_awkward_and_absolute_paths(workdir: Path) -> None:
    write("my dir/svc:1%.yaml", CLUSTER_IP_WITH_NODE_PORT)
    write("./b.yaml", CLUSTER_IP_WITH_NODE_PORT.replace("name: web", "name: b"))
    absolute = str(workdir / "c.yaml")
    write(absolute, CLUSTER_IP_WITH_NODE_PORT.replace("name: web", "name: c"))
    results = sarif("my dir/svc:1%.yaml", "./b.yaml", absolute)["runs"][0]["results"]
    locations = sorted((r["locations"][0]["physicalLocation"]["artifactLocation"] for r in results),
                       key=lambda location: location["uri"])
    assert locations == [
        {"uri": "b.yaml", "uriBaseId": "%SRCROOT%"},
        {"uri": (workdir / "c.yaml").as_uri()},
        {"uri": "my%20dir/svc%3A1%25.yaml", "uriBaseId": "%SRCROOT%"},
    ]


def test_sarif_of_a_clean_run(workdir: Path) -> None:
    write("empty.yaml", "")
    log = sarif("empty.yaml")
    assert log["runs"][0]["results"] == []


def render(result: LintResult, output_format: OutputFormat) -> str:
    out = io.StringIO()
    renderer(output_format)(result, out, RenderOptions())
    return out.getvalue()


def suppressed_and_internal_error() -> LintResult:
    """A suppressed diagnostic (suppressions come from elsewhere) and a crashed rule (SVC000)."""
    result = lint_sources([("svc.yaml", CLUSTER_IP_WITH_NODE_PORT.encode())])
    (found,) = result.diagnostics
    crash = Diagnostic(code="SVC000", rule="internal-error", severity=Severity.ERROR,
                       message="rule node-port-not-allowed failed on Service default/web: KeyError: 'x'",
                       path="svc.yaml", span=Span(1, 1, 1, 11), object=found.object)
    return dataclasses.replace(result, diagnostics=(crash, dataclasses.replace(found, suppression="inSource")))


def test_sarif_marks_suppressed_results_and_a_failed_execution() -> None:
    log = json.loads(render(suppressed_and_internal_error(), OutputFormat.sarif))
    validate_sarif(log)
    run = log["runs"][0]
    assert [(r["ruleId"], r["suppressions"]) for r in run["results"]] == [
        ("SVC000", []), ("SVC303", [{"kind": "inSource"}])]
    assert run["invocations"] == [{"executionSuccessful": False}]
    assert "uri" not in run["originalUriBaseIds"]["%SRCROOT%"]  # no directory given: the consumer decides


# --- GitHub workflow commands ---------------------------------------------------------------------------

ANNOTATION = (f"::error file=svc.yaml,line=9,col=17,endLine=9,endColumn=22,title=SVC303 node-port-not-allowed::"
              f"{NOT_ALLOWED}%0Ahelp: {NOT_ALLOWED_HELP}")


def test_github_annotation_line(workdir: Path) -> None:
    write("svc.yaml", CLUSTER_IP_WITH_NODE_PORT)
    result = svclint_cli("check", "--format", "github", "svc.yaml")
    assert result.stdout == f"{ANNOTATION}\n1 error, 0 warnings, 0 infos in 1 file, 1 object\n"
    assert (result.exit_code, result.stderr) == (1, "")


def test_github_is_the_default_inside_github_actions(workdir: Path) -> None:
    write("svc.yaml", CLUSTER_IP_WITH_NODE_PORT)
    assert svclint_cli("check", "svc.yaml", env={"GITHUB_ACTIONS": "true"}).stdout.splitlines()[0] == ANNOTATION
    text = f"svc.yaml:9:17: error SVC303 node-port-not-allowed: {NOT_ALLOWED}"
    assert svclint_cli("check", "svc.yaml", env={"GITHUB_ACTIONS": "false"}).stdout.splitlines()[0] == text
    chosen = svclint_cli("check", "-f", "text", "svc.yaml", env={"GITHUB_ACTIONS": "true"})
    assert chosen.stdout.splitlines()[0] == text
    # The runner reads workflow commands from the step's output only: a file gets text.
    svclint_cli("check", "-o", "report.txt", "svc.yaml", env={"GITHUB_ACTIONS": "true"})
    assert Path("report.txt").read_text(encoding="utf-8").splitlines()[0] == text


def test_github_severities_notes_and_spans_over_lines(workdir: Path) -> None:
    write("a.yaml", node_port_service("web", "team-a"))
    write("b.yaml", node_port_service("api", "team-b"))
    write("chart.yaml", TEMPLATE)
    write("lonely.yaml", LONELY_SELECTOR)
    # A double-quoted scalar over two lines: no columns (GitHub takes them on one line only).
    write("ext.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: ext\nspec:\n  type: ExternalName\n"
                      '  externalName: "https://api.\n    example.com"\n')
    lines = svclint_cli("check", "-f", "github", ".").stdout.splitlines()
    assert [line.split("::")[1] for line in lines[:-1]] == [
        "error file=b.yaml,line=10,col=17,endLine=10,endColumn=22,title=SVC302 node-port-collision",
        "notice file=chart.yaml,line=4,col=9,endLine=4,endColumn=27,title=SVC003 unrendered-template",
        "error file=ext.yaml,line=7,endLine=8,title=SVC401 external-name-invalid",
        "warning file=lonely.yaml,line=6,col=3,endLine=6,endColumn=11,title=SVC101 service-selector-matches-nothing",
    ]
    assert lines[0].endswith("%0Anote: a.yaml:10:17: nodePort 30080 first used here")
    assert lines[-1] == "2 errors, 1 warning, 1 info in 5 files, 4 objects"


def test_github_escapes_what_a_manifest_controls(workdir: Path) -> None:
    # A file name could otherwise end the properties or start a command of its own.
    name = "a,b:c%d\n::warning::injected.yaml"
    write(name, CLUSTER_IP_WITH_NODE_PORT)
    lines = svclint_cli("check", "-f", "github", name).stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("::error file=a%2Cb%3Ac%25d%0A%3A%3Awarning%3A%3Ainjected.yaml,line=9,col=17,")


def test_github_file_is_the_path_without_dot_steps(workdir: Path) -> None:
    write("deploy/svc.yaml", CLUSTER_IP_WITH_NODE_PORT)
    (workdir / "other").mkdir()
    for given in ("./deploy", "other/../deploy/svc.yaml"):
        first = svclint_cli("check", "-f", "github", given).stdout.splitlines()[0]
        assert first.startswith("::error file=deploy/svc.yaml,line=9,col=17,"), given


def test_github_files_are_named_from_the_repository_root_wherever_svclint_runs(workdir: Path) -> None:
    # GitHub attaches an annotation by the path from the checkout's root: run in a subdirectory,
    # svclint's own relative paths would land on no file (or, from ../, outside the repository).
    write("services/shop/svc.yaml", CLUSTER_IP_WITH_NODE_PORT)
    write("shared/svc.yaml", CLUSTER_IP_WITH_NODE_PORT)
    os.chdir("services/shop")
    lines = svclint_cli("check", "-f", "github", "svc.yaml", "../../shared/svc.yaml",
                        env={"GITHUB_WORKSPACE": str(workdir)}).stdout.splitlines()
    assert [line.split(",")[0] for line in lines[:-1]] == [
        "::error file=shared/svc.yaml", "::error file=services/shop/svc.yaml"]
    outside = svclint_cli("check", "-f", "github", "svc.yaml", env={"GITHUB_WORKSPACE": str(workdir / "shared")})
    assert outside.stdout.startswith("::error file=svc.yaml,")  # not in the checkout: as given
    relative = svclint_cli("check", "-f", "github", "svc.yaml", env={"GITHUB_WORKSPACE": "../.."})
    assert relative.stdout.startswith("::error file=services/shop/svc.yaml,")  # a relative workspace is no crash


def test_github_stdin_is_not_attached_to_a_file() -> None:
    result = svclint_cli("check", "-f", "github", "-", input=CLUSTER_IP_WITH_NODE_PORT)
    assert result.stdout.splitlines()[0] == (
        f"::error title=SVC303 node-port-not-allowed::-:9:17: {NOT_ALLOWED}%0Ahelp: {NOT_ALLOWED_HELP}")


# --- JUnit ----------------------------------------------------------------------------------------------


def junit(*args: str) -> tuple[JUnitXml, ElementTree.Element]:
    """The report as junitparser and as ElementTree read it."""
    result = svclint_cli("check", "--format", "junit", *args)
    assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    data = result.stdout.encode("ascii")  # non-ASCII text is written as character references
    return JUnitXml.fromstring(data), ElementTree.fromstring(data)


def test_junit_one_test_case_per_object_and_per_troubled_file(workdir: Path) -> None:
    write("a.yaml", node_port_service("web", "team-a"))
    write("b.yaml", node_port_service("api", "team-b") + "---\n" + LONELY_SELECTOR)
    write("api.yaml", UNDECLARED_TARGET_PORT)
    write("broken.yaml", BROKEN)
    report, root = junit(".")
    cases = [(suite.name, case.name, [(type(r).__name__, r.type) for r in case.result])
             for suite in report for case in suite]
    assert cases == [
        ("a.yaml", "Service team-a/web", []),
        ("api.yaml", "Deployment default/api", []),
        ("api.yaml", "Service default/api", []),
        ("b.yaml", "Service team-b/api", [("Failure", "error")]),
        ("b.yaml", "Service default/lonely", [("Failure", "warning")]),
        ("broken.yaml", "(file)", [("Failure", "error")]),
    ]
    assert (report.tests, report.failures, report.errors) == (6, 3, 0)
    suites = {suite.name: suite for suite in report}
    assert (suites["b.yaml"].tests, suites["b.yaml"].failures) == (2, 2)
    collision = next(iter(suites["b.yaml"])).result[0]
    assert isinstance(collision, Failure)
    assert collision.message.startswith("SVC302 node-port-collision: nodePort 30080 is already used by")
    assert collision.text.splitlines()[2] == "  note: a.yaml:10:17: nodePort 30080 first used here"
    # An info does not fail its object: it is in the case's output.
    service_api = list(suites["api.yaml"])[1]
    assert service_api.is_passed
    assert service_api.system_out.startswith("api.yaml:29:19: info SVC202 target-port-not-declared: ")
    assert [case.get("file") for case in root.iter("testcase")] == [
        "a.yaml", "api.yaml", "api.yaml", "b.yaml", "b.yaml", "broken.yaml"]


def test_junit_gathers_several_problems_of_one_object(workdir: Path) -> None:
    write("svc.yaml", LONELY_SELECTOR.replace("    - port: 80", "    - port: 80\n      nodePort: 30080"))
    report, _ = junit("svc.yaml")
    (failure,) = next(iter(next(iter(report)))).result
    assert (failure.type, failure.message) == (
        "error", "2 problems: SVC101 service-selector-matches-nothing, SVC303 node-port-not-allowed")
    assert [line.split(": ")[1] for line in failure.text.splitlines() if not line.startswith("  ")] == [
        "warning SVC101 service-selector-matches-nothing", "error SVC303 node-port-not-allowed"]


def test_junit_holds_any_name(workdir: Path) -> None:
    # JSON escapes put control characters into names; XML cannot hold them, even as references.
    write("svc.json", json.dumps({"apiVersion": "v1", "kind": "Service",
                                  "metadata": {"name": "wéb\x01", "namespace": "shop"},
                                  "spec": {"type": "ClusterIP", "ports": [{"port": 80, "nodePort": 30080}]}}))
    report, _ = junit("svc.json")
    (case,) = next(iter(report))
    assert case.name == "Service shop/wéb\\x01"
    assert isinstance(case.result[0], Failure)


def test_junit_of_a_crashed_rule_is_an_error_and_suppressed_findings_are_left_out() -> None:
    data = render(suppressed_and_internal_error(), OutputFormat.junit).encode("ascii")
    report = JUnitXml.fromstring(data)
    (case,) = next(iter(report))
    (error,) = case.result
    assert isinstance(error, Error)
    assert error.type == "internal-error"
    assert error.message == ("SVC000 internal-error: rule node-port-not-allowed failed on Service default/web: "
                             "KeyError: 'x'")
    assert (report.tests, report.failures, report.errors) == (1, 0, 1)


def test_junit_lists_clean_objects_too(workdir: Path) -> None:
    result = LintResult((), 2, (CheckedObject("b.yaml", ObjectRef("v1", "Service", None, "x")),
                                CheckedObject("a.yaml", ObjectRef("v1", "Pod", "ns", "y"))))
    report = JUnitXml.fromstring(render(result, OutputFormat.junit).encode("ascii"))
    assert [(suite.name, case.name, case.is_passed) for suite in report for case in suite] == [
        ("a.yaml", "Pod ns/y", True), ("b.yaml", "Service x", True)]


# --- explain, rules, docs/rules.md ----------------------------------------------------------------------


@pytest.mark.parametrize("key", ["SVC302", "node-port-collision"])
def test_explain_shows_the_rule_with_both_examples(key: str) -> None:
    result = svclint_cli("explain", key)
    assert result.exit_code == 0
    meta = load_catalog()["SVC302"]
    assert result.stdout.startswith(f"SVC302 node-port-collision (error)\n\n{meta.summary}\n\nWhy: {meta.rationale}\n")
    assert f"\nFix: {meta.remediation}\n\nMirrors: {meta.mirrors}\n" in result.stdout
    assert "\nFails:\n\n    apiVersion: v1\n" in result.stdout
    assert "\nPasses:\n\n    apiVersion: v1\n" in result.stdout
    assert "          nodePort: 30053\n" in result.stdout  # the passing example, indented
    assert svclint_cli("rule", key).stdout == result.stdout  # the old name still works


def test_explain_as_markdown() -> None:
    result = svclint_cli("explain", "SVC301", "--format", "markdown")
    meta = load_catalog()["SVC301"]
    assert result.stdout.startswith(
        f"## SVC301 node-port-out-of-range\n\n**Severity:** error · **Runs on:** Service\n\n{meta.summary}\n\n"
        f"**Why.** {meta.rationale}\n\n**Fix.** {meta.remediation}\n")
    assert result.stdout.count("```yaml\n") == 2


@pytest.mark.parametrize("args, message", [
    ([], "give a rule name or code, or --all"),
    (["SVC302", "--all"], "give a rule name or code, or --all"),
    (["no-such-rule"], "unknown rule 'no-such-rule'; `svclint rules` lists them"),
])
def test_explain_usage_errors_exit_2(args: list[str], message: str) -> None:
    result = svclint_cli("explain", *args)
    assert (result.exit_code, result.stdout, result.stderr) == (2, "", f"svclint: error: {message}\n")


def test_explain_all_prints_every_rule() -> None:
    headers = [line for line in svclint_cli("explain", "--all").stdout.splitlines() if line.startswith("SVC")]
    assert headers == [f"{r.code} {r.name} ({r.severity.label})" for r in load_catalog()]


def test_docs_rules_md_is_generated_from_the_catalog() -> None:
    generated = svclint_cli(*REFERENCE_COMMAND.split(">")[0].split()[1:]).stdout
    on_disk = (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    assert on_disk == generated, f"docs/rules.md is stale; regenerate it with `{REFERENCE_COMMAND}`"
    assert "(docs/rules.md)" in (REPO / "README.md").read_text(encoding="utf-8")
    for meta in load_catalog():
        assert f"\n## {meta.code} {meta.name}\n" in on_disk
        assert f"[{meta.code}](#{meta.code.lower()}-{meta.name})" in on_disk


# --- Start-up -------------------------------------------------------------------------------------------

PROBE = """\
import atexit, json, runpy, sys
atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.__stderr__))
sys.argv = ["svclint", *sys.argv[1:]]
runpy.run_module("svclint", run_name="__main__")
"""


def modules_after(*args: str) -> set[str]:
    """The modules a real ``svclint`` run has imported by the time it exits."""
    done = subprocess.run([sys.executable, "-c", PROBE, *args], cwd=REPO, capture_output=True, text=True,
                          timeout=120, check=False, env={**os.environ, "GITHUB_ACTIONS": ""})
    assert done.returncode == 1, done.stderr  # examples/ has errors
    return set(json.loads(done.stderr.splitlines()[-1]))


def test_text_output_imports_no_other_format() -> None:
    modules = modules_after("check", "examples/")
    assert "svclint.formatters.text" in modules
    assert not {m for m in modules if m == "xml" or m.startswith("xml.")}
    assert not modules & {"svclint.formatters.sarif", "svclint.formatters.junit", "svclint.formatters.github",
                          "svclint.formatters.json", "svclint.docs"}
    junit_run = modules_after("check", "-f", "junit", "examples/")
    assert {"svclint.formatters.junit", "xml.etree.ElementTree"} <= junit_run
