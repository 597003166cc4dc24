"""The command line: ``svclint check``, ``svclint rules``, ``svclint rule``.

Each test writes manifests into a temporary directory, runs the CLI in it (so paths are the
relative ones a user types) and compares the output, exit code and stderr exactly.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped,unused-ignore]
import pytest
from typer.testing import CliRunner, Result

import svclint
from svclint.catalog import load_catalog
from svclint.cli import app

REPO = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((REPO / "schemas" / "output.v1.schema.json").read_text(encoding="utf-8"))

# --- Manifests ------------------------------------------------------------------------------------------

#: SVC303 node-port-not-allowed (error) at 9:17, the "30080".
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

#: Clean in the default range 30000-32767; SVC301 node-port-out-of-range at 9:17 in 20000-22767.
NODE_PORT_30080 = CLUSTER_IP_WITH_NODE_PORT.replace("type: ClusterIP", "type: NodePort")

#: SVC101 service-selector-matches-nothing (warning) at 6:3, the "selector" key: no workload at all.
LONELY_SELECTOR = """\
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
"""

#: A Service and the Deployment it selects: nothing to report.
CLEAN = LONELY_SELECTOR + """\
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: nginx
          ports:
            - containerPort: 80
"""

#: SVC003 unrendered-template (info) at 4:9.
TEMPLATE = "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Values.name }}\n"

NOT_ALLOWED_LINE = ("error SVC303 node-port-not-allowed: nodePort 30080 may not be used when type is "
                    "ClusterIP: the API server rejects the Service")
NOT_ALLOWED_HELP = ("  help: set `type: NodePort` (or LoadBalancer) to expose it on the nodes, "
                    "or remove nodePort")

#: ``path:line:col: severity CODE rule: message``
DIAGNOSTIC_LINE = re.compile(r"(?P<path>.+?):(?P<line>[0-9]+):(?P<column>[0-9]+): "
                             r"(?P<severity>error|warning|info) (?P<code>SVC[0-9]{3}) "
                             r"(?P<rule>[a-z0-9-]+): (?P<message>.+)")
SUMMARY_LINE = re.compile(r"[0-9]+ errors?, [0-9]+ warnings?, [0-9]+ infos? "
                          r"in [0-9]+ files?, [0-9]+ objects?")


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty current directory, so the CLI sees relative paths."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def write(name: str, text: str | bytes) -> str:
    """Write a manifest under the current directory; return the relative path."""
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return name


def svclint_cli(*args: str, input: bytes | str | None = None,
                env: dict[str, str | None] | None = None) -> Result:
    result = CliRunner().invoke(app, list(args), input=input, env=env)
    assert "Traceback" not in result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


# --- --version, rules, rule -------------------------------------------------------------------------------


def test_version() -> None:
    result = svclint_cli("--version")
    assert (result.exit_code, result.stdout) == (0, f"svclint {svclint.__version__}\n")
    assert svclint.__version__ == metadata.version("svclint")


def test_no_arguments_shows_help() -> None:
    result = svclint_cli()
    assert "check" in result.output and "rules" in result.output and "rule" in result.output


def test_rules_lists_every_catalog_code_in_order() -> None:
    codes_on_disk = sorted(path.name.split(".")[0] for path in (REPO / "rules").glob("*.yaml"))
    result = svclint_cli("rules")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == codes_on_disk
    catalog = load_catalog()
    assert [line.split()[:3] for line in lines] == [[r.code, r.name, r.severity.label] for r in catalog]
    (line,) = [line for line in lines if line.startswith("SVC303")]
    assert re.fullmatch(r"SVC303  node-port-not-allowed +error    A ClusterIP Service \(headless included\) "
                        r"sets a nodePort\.", line)


def test_rules_as_json() -> None:
    result = svclint_cli("rules", "--format", "json")
    assert result.exit_code == 0
    rules = json.loads(result.stdout)
    assert [r["code"] for r in rules] == [r.code for r in load_catalog()]
    assert {"code": "SVC302", "name": "node-port-collision", "severity": "error"}.items() <= rules[
        [r["code"] for r in rules].index("SVC302")].items()


@pytest.mark.parametrize("key", ["node-port-collision", "SVC302"])
def test_rule_shows_the_documentation_by_name_or_code(key: str) -> None:
    result = svclint_cli("rule", key)
    assert result.exit_code == 0
    meta = load_catalog()["SVC302"]
    assert result.stdout.startswith(
        f"SVC302 node-port-collision (error)\n\n{meta.summary}\n\nWhy: {meta.rationale}\n")
    assert f"\nFix: {meta.remediation}\n" in result.stdout
    assert "\nFails:\n\n    apiVersion: v1\n" in result.stdout
    assert "\nPasses:\n\n" in result.stdout
    assert result.stdout.endswith("\nSee: https://kubernetes.io/docs/concepts/services-networking/service/"
                                  "#nodeport-custom-port\n")


def test_rule_by_name_and_by_code_print_the_same() -> None:
    assert svclint_cli("rule", "node-port-collision").stdout == svclint_cli("rule", "SVC302").stdout


def test_unknown_rule_exits_2() -> None:
    result = svclint_cli("rule", "no-such-rule")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == "svclint: error: unknown rule 'no-such-rule'; `svclint rules` lists them\n"


def test_a_misspelt_rule_gets_a_suggestion_as_in_the_configuration() -> None:
    result = svclint_cli("explain", "node-port-colision")
    assert result.exit_code == 2
    assert result.stderr == ("svclint: error: unknown rule 'node-port-colision' (did you mean 'node-port-collision'?); "
                             "`svclint rules` lists them\n")


# --- check: text output -----------------------------------------------------------------------------------


def test_text_output(workdir: Path) -> None:
    write("svc.yaml", CLUSTER_IP_WITH_NODE_PORT)
    result = svclint_cli("check", "svc.yaml")
    assert result.stdout == (
        f"svc.yaml:9:17: {NOT_ALLOWED_LINE}\n"
        f"{NOT_ALLOWED_HELP}\n"
        "1 error, 0 warnings, 0 infos in 1 file, 1 object\n"
    )
    assert (result.exit_code, result.stderr) == (1, "")


def test_text_output_with_a_note_pointing_at_the_other_file(workdir: Path) -> None:
    write("a.yaml", NODE_PORT_30080.replace("name: web", "name: web\n  namespace: team-a"))
    write("b.yaml", NODE_PORT_30080.replace("name: web", "name: api\n  namespace: team-b"))
    result = svclint_cli("check", "a.yaml", "b.yaml")
    assert result.stdout == (
        "b.yaml:10:17: error SVC302 node-port-collision: nodePort 30080 is already used by "
        "Service team-a/web; nodePorts are cluster-wide, across namespaces, so the API server "
        "rejects this one (\"provided port is already allocated\")\n"
        "  help: choose a free nodePort, or omit it to let the cluster choose\n"
        "  note: a.yaml:10:17: nodePort 30080 first used here\n"
        "1 error, 0 warnings, 0 infos in 2 files, 2 objects\n"
    )
    assert result.exit_code == 1


def test_text_output_plurals_and_every_line_format(workdir: Path) -> None:
    lonely = LONELY_SELECTOR.replace("name: web", "name: lonely")
    write("deploy/svc.yaml", CLUSTER_IP_WITH_NODE_PORT + "---\n" + lonely)
    write("deploy/chart.yaml", TEMPLATE)
    result = svclint_cli("check", "deploy")
    lines = result.stdout.splitlines()
    assert lines[-1] == "1 error, 1 warning, 1 info in 2 files, 2 objects"
    assert SUMMARY_LINE.fullmatch(lines[-1])
    headers = [DIAGNOSTIC_LINE.fullmatch(line) for line in lines[:-1] if not line.startswith("  ")]
    fields = ("path", "line", "column", "severity", "code", "rule")
    assert [tuple(m[f] for f in fields) for m in headers if m] == [
        ("deploy/chart.yaml", "4", "9", "info", "SVC003", "unrendered-template"),
        ("deploy/svc.yaml", "9", "17", "error", "SVC303", "node-port-not-allowed"),
        ("deploy/svc.yaml", "16", "3", "warning", "SVC101", "service-selector-matches-nothing"),
    ]
    assert all(headers)
    assert all(re.fullmatch(r"  (help|note): .+", line) for line in lines[:-1] if line.startswith("  "))


def test_clean_run_prints_only_the_summary(workdir: Path) -> None:
    write("app.yaml", CLEAN)
    result = svclint_cli("check", "app.yaml")
    assert (result.exit_code, result.stdout) == (0, "0 errors, 0 warnings, 0 infos in 1 file, 2 objects\n")


def test_no_path_means_the_current_directory(workdir: Path) -> None:
    write("deploy/svc.yaml", CLUSTER_IP_WITH_NODE_PORT)
    result = svclint_cli("check")
    assert result.stdout.splitlines()[0] == f"deploy/svc.yaml:9:17: {NOT_ALLOWED_LINE}"


@pytest.mark.parametrize("given", ["svc.yaml", "./svc.yaml", "deploy/../svc.yaml"])
def test_paths_are_printed_as_given(workdir: Path, given: str) -> None:
    (workdir / "deploy").mkdir()
    write("svc.yaml", CLUSTER_IP_WITH_NODE_PORT)
    result = svclint_cli("check", given)
    assert result.stdout.splitlines()[0] == f"{given}:9:17: {NOT_ALLOWED_LINE}"


def test_parent_relative_and_absolute_paths_stay_as_given(workdir: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    write("manifests/svc.yaml", CLUSTER_IP_WITH_NODE_PORT)
    (workdir / "elsewhere").mkdir()
    monkeypatch.chdir(workdir / "elsewhere")
    relative = svclint_cli("check", "../manifests")
    assert relative.stdout.splitlines()[0] == f"../manifests/svc.yaml:9:17: {NOT_ALLOWED_LINE}"
    absolute = str(workdir / "manifests" / "svc.yaml")
    assert svclint_cli("check", absolute).stdout.splitlines()[0] == f"{absolute}:9:17: {NOT_ALLOWED_LINE}"


def test_binary_file_is_one_diagnostic_without_a_traceback(workdir: Path) -> None:
    write("image.yaml", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03")
    result = svclint_cli("check", "image.yaml")
    assert result.stdout == (
        "image.yaml:1:1: error SVC001 yaml-syntax-error: "
        "binary file (NUL byte at offset 3); not a YAML or JSON manifest\n"
        "1 error, 0 warnings, 0 infos in 1 file, 0 objects\n"
    )
    assert (result.exit_code, result.stderr) == (1, "")


# --- check: JSON output -----------------------------------------------------------------------------------


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def validate(report: object) -> None:
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(report)


def test_json_output_exact(workdir: Path) -> None:
    write("svc.yaml", CLUSTER_IP_WITH_NODE_PORT)
    result = svclint_cli("check", "--format", "json", "svc.yaml")
    report = json.loads(result.stdout)
    validate(report)
    assert report == {
        "version": 1,
        "diagnostics": [
            {
                "code": "SVC303",
                "rule": "node-port-not-allowed",
                "severity": "error",
                "message": "nodePort 30080 may not be used when type is ClusterIP: "
                           "the API server rejects the Service",
                "path": "svc.yaml",
                "line": 9,
                "column": 17,
                "end_line": 9,
                "end_column": 22,
                "object": {"apiVersion": "v1", "kind": "Service", "namespace": "default", "name": "web"},
                "related": [],
                "help": "set `type: NodePort` (or LoadBalancer) to expose it on the nodes, "
                        "or remove nodePort",
                "suppressed": False,
            },
        ],
        "summary": {"files": 1, "objects": 1, "errors": 1, "warnings": 0, "infos": 0},
    }
    assert result.exit_code == 1


def test_json_output_with_related_locations(workdir: Path) -> None:
    write("a.yaml", NODE_PORT_30080.replace("name: web", "name: web\n  namespace: team-a"))
    write("b.yaml", NODE_PORT_30080.replace("name: web", "name: api\n  namespace: team-b"))
    report = json.loads(svclint_cli("check", "-f", "json", "a.yaml", "b.yaml").stdout)
    validate(report)
    (d,) = report["diagnostics"]
    assert (d["path"], d["line"], d["column"], d["object"]["name"]) == ("b.yaml", 10, 17, "api")
    assert d["related"] == [
        {"message": "nodePort 30080 first used here", "path": "a.yaml", "line": 10, "column": 17},
    ]


def test_json_output_of_file_level_problems_has_a_null_object(workdir: Path) -> None:
    write("chart.yaml", TEMPLATE)
    write("broken.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: [web\n")
    write("bad.json", b'{"a": "\xff"}')
    write("lonely.yaml", LONELY_SELECTOR)
    result = svclint_cli("check", "--format", "json", ".")
    report = json.loads(result.stdout)
    validate(report)
    assert [(d["path"], d["rule"], d["severity"], d["line"], d["column"], d["object"] is None)
            for d in report["diagnostics"]] == [
        ("bad.json", "yaml-syntax-error", "error", 1, 8, True),
        ("broken.yaml", "yaml-syntax-error", "error", 5, 1, True),
        ("chart.yaml", "unrendered-template", "info", 4, 9, True),
        ("lonely.yaml", "service-selector-matches-nothing", "warning", 6, 3, False),
    ]
    assert report["summary"] == {"files": 4, "objects": 1, "errors": 2, "warnings": 1, "infos": 1}
    assert report["diagnostics"][2]["help"].startswith("render it first")


def test_json_output_of_a_clean_run(workdir: Path) -> None:
    write("app.yaml", CLEAN)
    result = svclint_cli("check", "--format", "json", "app.yaml")
    assert json.loads(result.stdout) == {
        "version": 1, "diagnostics": [],
        "summary": {"files": 1, "objects": 2, "errors": 0, "warnings": 0, "infos": 0},
    }
    assert result.exit_code == 0


def test_json_output_keeps_non_ascii_readable(workdir: Path) -> None:
    write("svc.yaml", CLUSTER_IP_WITH_NODE_PORT.replace("name: web", "name: wéb"))
    result = svclint_cli("check", "--format", "json", "svc.yaml")
    assert '"name": "wéb"' in result.stdout
    validate(json.loads(result.stdout))


@pytest.mark.parametrize("mutate", [
    lambda r: r.update(extra=1),
    lambda r: r.update(version=2),
    lambda r: r["summary"].update(errors=-1),
    lambda r: r["summary"].pop("infos"),
    lambda r: r["diagnostics"][0].update(severity="fatal"),
    lambda r: r["diagnostics"][0].update(line=0),
    lambda r: r["diagnostics"][0].update(column="17"),
    lambda r: r["diagnostics"][0].pop("help"),
    lambda r: r["diagnostics"][0].update(suppressed=None),
    lambda r: r["diagnostics"][0]["object"].update(uid="x"),
    lambda r: r["diagnostics"][0]["object"].pop("namespace"),
    lambda r: r["diagnostics"][0]["related"].append({"message": "m", "path": "p", "line": 1}),
], ids=["extra-top-level-key", "version", "negative-count", "missing-summary-key", "severity", "line-0",
        "column-string", "missing-help", "suppressed-null", "extra-object-key", "missing-namespace",
        "related-missing-column"])
def test_the_schema_is_strict(workdir: Path, mutate: Callable[[dict[str, Any]], object]) -> None:
    write("svc.yaml", CLUSTER_IP_WITH_NODE_PORT)
    report = json.loads(svclint_cli("check", "--format", "json", "svc.yaml").stdout)
    validate(report)
    mutate(report)
    with pytest.raises(jsonschema.ValidationError):
        validate(report)


def test_the_schema_accepts_a_cluster_scoped_object_and_null_help(workdir: Path) -> None:
    write("svc.yaml", CLUSTER_IP_WITH_NODE_PORT)
    report = json.loads(svclint_cli("check", "--format", "json", "svc.yaml").stdout)
    report["diagnostics"][0]["object"]["namespace"] = None
    report["diagnostics"][0]["help"] = None
    report["diagnostics"][0]["suppressed"] = True
    validate(report)


# --- check: --output ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_output_file_gets_the_report_instead_of_stdout(workdir: Path, output_format: str) -> None:
    write("svc.yaml", CLUSTER_IP_WITH_NODE_PORT)
    to_stdout = svclint_cli("check", "--format", output_format, "svc.yaml")
    to_file = svclint_cli("check", "--format", output_format, "--output", "report.out", "svc.yaml")
    assert (to_file.exit_code, to_file.stdout, to_file.stderr) == (1, "", "")
    assert Path("report.out").read_text(encoding="utf-8") == to_stdout.stdout


@pytest.mark.parametrize("target", ["missing-dir/report.txt", "a-directory"])
def test_an_unwritable_output_file_exits_2_with_a_message(workdir: Path, target: str) -> None:
    # Exit 1 would read as "findings": a report that could not be written is svclint failing.
    write("svc.yaml", CLUSTER_IP_WITH_NODE_PORT)
    (workdir / "a-directory").mkdir()
    result = CliRunner().invoke(app, ["check", "--output", target, "svc.yaml"])
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2
    assert result.stderr.startswith("svclint: error: ") and target in result.stderr
    assert result.stderr.count("\n") == 1


def test_output_short_option(workdir: Path) -> None:
    write("svc.yaml", CLUSTER_IP_WITH_NODE_PORT)
    svclint_cli("check", "-f", "json", "-o", "report.json", "svc.yaml")
    validate(json.loads(Path("report.json").read_text(encoding="utf-8")))


# --- check: exit codes --------------------------------------------------------------------------------------


@pytest.mark.parametrize("manifest, options, code", [
    (CLEAN, [], 0),
    (CLUSTER_IP_WITH_NODE_PORT, [], 1),
    (LONELY_SELECTOR, [], 0),  # a warning, default --fail-on error
    (LONELY_SELECTOR, ["--fail-on", "warning"], 1),
    (LONELY_SELECTOR, ["--fail-on", "info"], 1),
    (TEMPLATE, ["--fail-on", "warning"], 0),  # an info
    (TEMPLATE, ["--fail-on", "info"], 1),
    (CLUSTER_IP_WITH_NODE_PORT, ["--fail-on", "warning"], 1),
    (CLUSTER_IP_WITH_NODE_PORT, ["--fail-on", "never"], 0),
], ids=["clean", "error", "warning", "warning-fail-on-warning", "warning-fail-on-info",
        "info-fail-on-warning", "info-fail-on-info", "error-fail-on-warning", "error-fail-on-never"])
def test_exit_codes(workdir: Path, manifest: str, options: list[str], code: int) -> None:
    write("m.yaml", manifest)
    assert svclint_cli("check", *options, "m.yaml").exit_code == code


def test_a_path_that_does_not_exist_exits_2(workdir: Path) -> None:
    write("svc.yaml", CLUSTER_IP_WITH_NODE_PORT)
    result = svclint_cli("check", "svc.yaml", "nope.yaml")
    assert result.exit_code == 2
    assert result.stderr == "svclint: error: nope.yaml: no such file or directory\n"
    assert result.stdout == ""


@pytest.mark.parametrize("value, why", [
    ("abc", "expected LOW-HIGH, e.g. 30000-32767"),
    ("30000", "expected LOW-HIGH, e.g. 30000-32767"),
    ("30000-", "expected LOW-HIGH, e.g. 30000-32767"),
    ("32767-30000", "need 1 <= LOW <= HIGH <= 65535"),
    ("0-100", "need 1 <= LOW <= HIGH <= 65535"),
    ("30000-70000", "need 1 <= LOW <= HIGH <= 65535"),
])
def test_a_bad_node_port_range_exits_2(workdir: Path, value: str, why: str) -> None:
    write("svc.yaml", NODE_PORT_30080)
    result = svclint_cli("check", f"--node-port-range={value}", "svc.yaml")
    assert result.exit_code == 2
    assert result.stderr == f"svclint: error: --node-port-range: invalid port range {value!r}: {why}\n"
    assert result.stdout == ""


def test_a_bad_option_value_is_a_usage_error(workdir: Path) -> None:
    write("svc.yaml", NODE_PORT_30080)
    result = svclint_cli("check", "--fail-on", "bogus", "svc.yaml")
    assert result.exit_code == 2
    assert "bogus" in result.stderr


# --- check: settings ----------------------------------------------------------------------------------------


def test_node_port_range_changes_the_result(workdir: Path) -> None:
    write("svc.yaml", NODE_PORT_30080)
    assert svclint_cli("check", "svc.yaml").stdout == "0 errors, 0 warnings, 0 infos in 1 file, 1 object\n"
    result = svclint_cli("check", "--node-port-range", "20000-22767", "svc.yaml")
    assert result.stdout == (
        "svc.yaml:9:17: error SVC301 node-port-out-of-range: nodePort 30080 is outside the cluster's "
        "NodePort range 20000-22767: the API server rejects the Service\n"
        "  help: pick a port in 20000-22767, or omit nodePort to let the cluster choose "
        "(use --node-port-range if your cluster has another range)\n"
        "1 error, 0 warnings, 0 infos in 1 file, 1 object\n"
    )
    assert result.exit_code == 1


def test_node_port_range_bounds_are_inclusive(workdir: Path) -> None:
    write("svc.yaml", NODE_PORT_30080)
    assert svclint_cli("check", "--node-port-range", "30080-30080", "svc.yaml").exit_code == 0
    assert svclint_cli("check", "--node-port-range", "30081-32767", "svc.yaml").exit_code == 1


def test_default_namespace(workdir: Path) -> None:
    write("svc.yaml", CLUSTER_IP_WITH_NODE_PORT)
    options = ("check", "-f", "json", "--default-namespace", "team-a", "svc.yaml")
    report = json.loads(svclint_cli(*options).stdout)
    assert report["diagnostics"][0]["object"]["namespace"] == "team-a"
    explicit = CLUSTER_IP_WITH_NODE_PORT.replace("name: web", "name: web\n  namespace: shop")
    write("svc.yaml", explicit)
    report = json.loads(svclint_cli(*options).stdout)
    assert report["diagnostics"][0]["object"]["namespace"] == "shop"


def test_default_namespace_decides_selector_matching(workdir: Path) -> None:
    # The Deployment is in "shop"; the Service has no namespace.
    write("app.yaml", CLEAN.replace("kind: Deployment\nmetadata:\n  name: web\n",
                                    "kind: Deployment\nmetadata:\n  name: web\n  namespace: shop\n"))
    default = svclint_cli("check", "app.yaml")
    first = default.stdout.splitlines()[0]
    assert first.startswith("app.yaml:6:3: warning SVC101 service-selector-matches-nothing: "
                            "selector app=web ")
    assert 'namespace "default"' in first
    shop = svclint_cli("check", "--default-namespace", "shop", "app.yaml")
    assert shop.stdout == "0 errors, 0 warnings, 0 infos in 1 file, 2 objects\n"


# --- check: stdin -------------------------------------------------------------------------------------------


def test_stdin_dash() -> None:
    result = svclint_cli("check", "-", input=CLUSTER_IP_WITH_NODE_PORT)
    assert result.stdout == (
        f"-:9:17: {NOT_ALLOWED_LINE}\n"
        f"{NOT_ALLOWED_HELP}\n"
        "1 error, 0 warnings, 0 infos in 1 file, 1 object\n"
    )
    assert result.exit_code == 1


def test_stdin_is_decoded_like_a_file() -> None:
    data = CLUSTER_IP_WITH_NODE_PORT.replace("\n", "\r\n").encode("utf-16")
    result = svclint_cli("check", "-", input=data)
    assert result.stdout.splitlines()[0] == f"-:9:17: {NOT_ALLOWED_LINE}"


def test_stdin_together_with_files(workdir: Path) -> None:
    write("b.yaml", NODE_PORT_30080.replace("name: web", "name: api"))
    result = svclint_cli("check", "b.yaml", "-", input=NODE_PORT_30080)
    assert result.stdout.splitlines()[0] == (
        "-:9:17: error SVC302 node-port-collision: nodePort 30080 is already used by Service default/api; "
        "nodePorts are cluster-wide, across namespaces, so the API server rejects this one "
        "(\"provided port is already allocated\")")
    assert result.stdout.splitlines()[2] == "  note: b.yaml:9:17: nodePort 30080 first used here"


def test_empty_stdin() -> None:
    result = svclint_cli("check", "-", input="")
    assert (result.exit_code, result.stdout) == (0, "0 errors, 0 warnings, 0 infos in 1 file, 0 objects\n")


def test_stdin_json() -> None:
    report = json.loads(svclint_cli("check", "-f", "json", "-", input=CLUSTER_IP_WITH_NODE_PORT).stdout)
    validate(report)
    assert report["diagnostics"][0]["path"] == "-"


# --- check: colour ------------------------------------------------------------------------------------------


def test_no_ansi_codes_when_output_is_not_a_tty(workdir: Path) -> None:
    write("svc.yaml", CLUSTER_IP_WITH_NODE_PORT)
    result = svclint_cli("check", "svc.yaml")
    assert "\x1b[" not in result.output
    assert result.stdout.startswith("svc.yaml:9:17: error SVC303")


def _run_on_a_tty(args: list[str], env: dict[str, str]) -> str:
    """Run ``python -m svclint`` with stdout on a pseudo-terminal; return what it wrote there."""
    pty = pytest.importorskip("pty")
    main, secondary = pty.openpty()
    try:
        subprocess.run([sys.executable, "-m", "svclint", *args], stdout=secondary, stderr=subprocess.PIPE,
                       env=env, timeout=120, check=False)
    finally:
        os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the terminal is closed and drained
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    return b"".join(chunks).decode().replace("\r\n", "\n")


@pytest.fixture
def tty_env() -> dict[str, str]:
    if sys.platform == "win32":
        pytest.skip("needs a POSIX pseudo-terminal")
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def test_colour_on_a_tty(workdir: Path, tty_env: dict[str, str]) -> None:
    write("svc.yaml", CLUSTER_IP_WITH_NODE_PORT)
    out = _run_on_a_tty(["check", "svc.yaml"], tty_env)
    assert out.splitlines()[0] == f"\x1b[1msvc.yaml:9:17\x1b[0m: \x1b[31merror\x1b[0m {NOT_ALLOWED_LINE[6:]}"


@pytest.mark.parametrize("value", ["1", "true", "0"])  # any non-empty value (https://no-color.org)
def test_no_color_is_respected_on_a_tty(workdir: Path, tty_env: dict[str, str], value: str) -> None:
    write("svc.yaml", CLUSTER_IP_WITH_NODE_PORT)
    out = _run_on_a_tty(["check", "svc.yaml"], {**tty_env, "NO_COLOR": value})
    assert "\x1b[" not in out
    assert out.splitlines()[0] == f"svc.yaml:9:17: {NOT_ALLOWED_LINE}"


def test_json_and_output_files_are_never_coloured(workdir: Path, tty_env: dict[str, str]) -> None:
    write("svc.yaml", CLUSTER_IP_WITH_NODE_PORT)
    json.loads(_run_on_a_tty(["check", "--format", "json", "svc.yaml"], tty_env))
    assert _run_on_a_tty(["check", "-o", "report.txt", "svc.yaml"], tty_env) == ""
    assert "\x1b[" not in Path("report.txt").read_text(encoding="utf-8")


def test_utf8_bom_file_through_the_cli(workdir: Path) -> None:
    write("svc.yaml", codecs.BOM_UTF8 + CLUSTER_IP_WITH_NODE_PORT.encode())
    assert svclint_cli("check", "svc.yaml").stdout.splitlines()[0] == f"svc.yaml:9:17: {NOT_ALLOWED_LINE}"


def test_a_directory_without_manifests_warns_on_stderr(tmp_path: Path) -> None:
    result = svclint_cli("check", str(tmp_path))
    assert result.exit_code == 0
    assert result.stderr == f"svclint: warning: no .yaml, .yml or .json files in {tmp_path}\n"
    assert result.stdout == "0 errors, 0 warnings, 0 infos in 0 files, 0 objects\n"


def test_an_empty_default_namespace_is_a_usage_error(tmp_path: Path) -> None:
    result = svclint_cli("check", "--default-namespace", "", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == "svclint: error: --default-namespace must not be empty\n"


def test_a_default_namespace_is_checked_as_in_the_configuration(tmp_path: Path) -> None:
    # Regression: the configuration refused "Foo_Bar!" and the command line took it.
    result = svclint_cli("check", "--default-namespace", "Foo_Bar!", str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr == ("svclint: error: --default-namespace: 'Foo_Bar!' is not a namespace name (lowercase "
                             "letters, digits and '-', at most 63 characters)\n")


def _report_to(tmp_path: Path, stdout: Any, **options: Any) -> subprocess.CompletedProcess[bytes]:
    (tmp_path / "svc.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: web}\n"
                                       "spec: {type: ClusterIP, ports: [{port: 80, nodePort: 30080}]}\n")
    return subprocess.run([sys.executable, "-m", "svclint", "check", "--no-config", str(tmp_path)],
                          stdout=stdout, stderr=subprocess.PIPE, timeout=60, check=False, **options)


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_report_that_cannot_be_written_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    # Regression: a full disk gave a traceback and exit 1, a closed stdout an AttributeError.
    with open("/dev/full", "wb") as full:
        run = _report_to(tmp_path, full)
    assert (run.returncode, run.stderr.decode()) == (
        2, "svclint: error: cannot write the report to standard output: No space left on device\n")
    closed = _report_to(tmp_path, None, preexec_fn=lambda: os.close(1))
    assert (closed.returncode, closed.stderr.decode()) == (
        2, "svclint: error: standard output is closed: write the report with --output FILE\n")


def test_a_reader_that_stops_early_ends_the_report_quietly(tmp_path: Path) -> None:
    read, write = os.pipe()
    os.close(read)  # `svclint check | head -0`: nobody reads
    with os.fdopen(write, "wb") as pipe:
        run = _report_to(tmp_path, pipe)
    assert (run.returncode, run.stderr) == (1, b"")  # the finding's exit code, no traceback


def test_help_piped_to_another_program_is_not_cut_short() -> None:
    import os
    import subprocess
    import sys

    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "TERMINAL_WIDTH")}
    result = subprocess.run([sys.executable, "-m", "svclint", "check", "--help"], capture_output=True, text=True,
                            env=env, check=True)
    assert "…" not in result.stdout
    assert "The cluster's --service-node-port-range, LOW-HIGH." in result.stdout


# --- Settings files and stdin a hostile pull request controls (issue 16, item 7) -------------------------


def _svclint_process(*args: str, cwd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "svclint", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=60, check=False, env={k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"})


SERVICE = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 80}]}\n"


@pytest.mark.parametrize(("name", "text", "option", "error"), [
    ("deep.json", "[" * 100_000, "--baseline", "deep.json: not an svclint baseline: nested too deeply"),
    ("deep.toml", "[tool.svclint]\nx = " + "[" * 100_000, "--config", "deep.toml: invalid TOML: nested too deeply to be a configuration"),
    ("zero", None, "--config", "/dev/zero: larger than 10 MiB: not a configuration or baseline file"),
    ("zero", None, "--baseline", "/dev/zero: larger than 10 MiB: not a configuration or baseline file"),
])
def test_a_hostile_settings_file_is_one_error_line_and_exit_2(tmp_path: Path, name: str, text: str | None,
                                                              option: str, error: str) -> None:
    (tmp_path / "svc.yaml").write_text(SERVICE)
    if text is not None:
        (tmp_path / name).write_text(text)
    elif not os.path.exists("/dev/zero"):
        pytest.skip("needs /dev/zero")
    path = name if text is not None else "/dev/zero"
    result = _svclint_process("check", "svc.yaml", option, path, cwd=str(tmp_path))
    assert (result.returncode, result.stderr) == (2, f"svclint: error: {error}\n")


def test_closed_stdin_is_one_error_line_and_exit_2() -> None:
    # `svclint check - <&-`: the process starts without a file descriptor 0, so sys.stdin is None.
    closed = subprocess.run([sys.executable, "-m", "svclint", "check", "-"], capture_output=True, text=True,
                            timeout=60, check=False, preexec_fn=lambda: os.close(0))
    assert (closed.returncode, closed.stderr) == (
        2, "svclint: error: standard input is closed: give files to check, or pipe manifests into svclint check -\n")


@pytest.mark.parametrize(("failure", "error"), [
    ("BrokenProcessPool", ("a worker process died (killed, or out of memory): run again, or with --jobs 1 to use "
                           "no worker processes")),
    ("MemoryError", "out of memory: check fewer files at a time, or lower --max-file-size"),
])
def test_a_dead_worker_or_no_memory_is_one_error_line_and_exit_2(workdir: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 failure: str, error: str) -> None:
    # Exit 1 with a traceback would read as "findings" to CI (issue 16, item 7).
    from concurrent.futures.process import BrokenProcessPool

    import svclint.api

    raised = {"BrokenProcessPool": BrokenProcessPool, "MemoryError": MemoryError}[failure]

    def fail(*args: object, **kwargs: object) -> None:
        raise raised()

    monkeypatch.setattr(svclint.api, "lint", fail)
    write("svc.yaml", "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {ports: [{port: 80}]}\n")
    result = svclint_cli("check", "svc.yaml")
    assert (result.exit_code, result.stderr) == (2, f"svclint: error: {error}\n")
