"""Configuration: finding and validating ``.svclint.yaml`` / ``[tool.svclint]``, what each key does,
and how the command line overrides it. End to end through ``svclint check`` in a scratch directory,
plus the pure pieces (globs, rule selection) on their own.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import reported, run, write
from jsonschema import Draft202012Validator  # type: ignore[import-untyped,unused-ignore]

from svclint.catalog import load_catalog
from svclint.config import Selection
from svclint.globs import compile_glob, matches
from svclint.policy import Policy, selected_rules

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "config.schema.json").read_text(encoding="utf-8"))

#: SVC303 node-port-not-allowed (error) at 10:17 and SVC101 service-selector-matches-nothing
#: (warning) at 6:3: a ClusterIP Service with a nodePort and a selector that matches no pod.
SERVICE = """
    apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      selector: {app: web}
      type: ClusterIP
      ports:
        - port: 80
          nodePort: 30080
"""
#: The Deployment behind SERVICE: linted together, SVC101 goes away.
DEPLOYMENT = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      selector: {matchLabels: {app: web}}
      template:
        metadata:
          labels: {app: web}
        spec:
          containers: [{name: web, image: nginx}]
"""
#: Clean with the default range; SVC301 node-port-out-of-range at 9:17 with 20000-22767.
NODE_PORT = """
    apiVersion: v1
    kind: Service
    metadata:
      name: edge
    spec:
      type: NodePort
      ports:
        - port: 80
          nodePort: 30080
"""


def rules(*args: str) -> list[tuple[str, str, str, int]]:
    """(path, rule, severity, line) of each unsuppressed diagnostic of ``svclint check --format json ARGS``."""
    result = run("check", "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return [(d["path"], d["rule"], d["severity"], d["line"])
            for d in json.loads(result.stdout)["diagnostics"] if not d["suppressed"]]


# --- The schema ------------------------------------------------------------------------------------


def test_the_schema_is_valid_draft_2020_12() -> None:
    Draft202012Validator.check_schema(SCHEMA)


def _properties(schema: Any, where: str) -> Iterator[tuple[str, Any]]:
    if isinstance(schema, dict):
        for name, sub in schema.get("properties", {}).items():
            yield f"{where}.{name}", sub
        for key in ("$defs", "properties"):
            for name, sub in schema.get(key, {}).items():
                yield from _properties(sub, f"{where}.{name}")
        for key in ("items", "additionalProperties"):
            if isinstance(schema.get(key), dict):
                yield f"{where}.{key}", schema[key]
                yield from _properties(schema[key], f"{where}.{key}")


def test_every_property_is_described() -> None:
    undocumented = [where for where, sub in _properties(SCHEMA, "") if "description" not in sub and "$ref" not in sub]
    assert undocumented == []
    assert all("description" in sub for sub in SCHEMA["$defs"].values())


def test_every_key_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert [key for key in SCHEMA["properties"] if f"`{key}`" not in readme] == []


# --- Errors: exit 2, naming the key and where it is -----------------------------------------------------


@pytest.mark.parametrize(("text", "errors"), [
    ("selct: [SVC1]\n", [".svclint.yaml:1:1: selct: unknown key 'selct' (did you mean 'select'?)"]),
    ("select:\n  - SVC3\n  - node-port-colision\n",
     [(".svclint.yaml:3:5: select[1]: unknown rule 'node-port-colision' (did you mean 'node-port-collision'?); "
      "`svclint rules` lists them")]),
    ("ignore: [SVC9]\n", [".svclint.yaml:1:10: ignore[0]: unknown rule 'SVC9'; `svclint rules` lists them"]),
    ("select: SVC3\n", [".svclint.yaml:1:9: select: expected a list, got the string 'SVC3'"]),
    ("select: [Svc3]\n", [".svclint.yaml:1:10: select[0]: 'Svc3' is not a rule name, code, code prefix (SVC3) or ALL"]),
    ("severity:\n  SVC303: fatal\n",
     [".svclint.yaml:2:11: severity.SVC303: expected one of error, warning, info, got the string 'fatal'"]),
    ("severity:\n  SVC999: info\n",
     [".svclint.yaml:2:3: severity.SVC999: unknown rule 'SVC999'; `svclint rules` lists them"]),
    ("severity:\n  internal-error: info\n",
     [".svclint.yaml:2:3: severity.internal-error: internal-error is svclint's own failure and is always an error"]),
    ("per-file-ignores:\n  'deploy/[ab': [SVC3]\n",
     ['.svclint.yaml:2:3: per-file-ignores."deploy/[ab": glob \'deploy/[ab\' has a \'[\' without its \']\'']),
    ("per-file-ignores:\n  deploy: SVC3\n",
     [".svclint.yaml:2:11: per-file-ignores.deploy: expected a list, got the string 'SVC3'"]),
    ("kube-version: 1.30\n",
     [(".svclint.yaml:1:15: kube-version: expected a string, got the number 1.3: quote the version "
      '(kube-version: "1.30"); unquoted, 1.30 is the number 1.3')]),
    ("kube-version: 'one.thirty'\n", [(".svclint.yaml:1:15: kube-version: 'one.thirty' is not a Kubernetes "
                                      'version such as "1.30"')]),
    ("node-port-range: 32767-30000\n",
     [".svclint.yaml:1:18: node-port-range: invalid port range '32767-30000': need 1 <= LOW <= HIGH <= 65535"]),
    ("default-namespace: Prod\n", [(".svclint.yaml:1:20: default-namespace: 'Prod' is not a namespace name "
                                   "(lowercase letters, digits and '-', at most 63 characters)")]),
    ("fail-on: errors\n", [(".svclint.yaml:1:10: fail-on: expected one of error, warning, info, never, "
                           "got the string 'errors'")]),
    ("- select\n", [".svclint.yaml:1:1: expected a mapping, got a list"]),
    ("select: [SVC3\n", [(".svclint.yaml:2:1: while parsing a flow sequence; expected ',' or ']', but got "
                         "'<stream end>'")]),
    ("select: [SVC3]\nselect: [SVC4]\n",
     [(".svclint.yaml:2:1: duplicate key 'select' (first defined on line 1); kubectl's strict field validation "
      "rejects the document: keep one")]),
    ("selct: []\nexclud: []\n", [".svclint.yaml:1:1: selct: unknown key 'selct' (did you mean 'select'?)",
                                 ".svclint.yaml:2:1: exclud: unknown key 'exclud' (did you mean 'exclude'?)"]),
])
def test_a_wrong_yaml_configuration_names_the_key_and_position(workdir: Path, text: str, errors: list[str]) -> None:
    Path(".svclint.yaml").write_text(text, encoding="utf-8")
    write("svc.yaml", NODE_PORT)
    result = run("check", "svc.yaml")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "".join(f"svclint: error: {error}\n" for error in errors)


@pytest.mark.parametrize(("text", "error"), [
    ('[tool.svclint]\nselect = "SVC3"\n',
     "pyproject.toml: tool.svclint.select: expected a list, got the string 'SVC3'"),
    ('[tool.svclint]\nper-file-ignores = {"deploy/*.yaml" = ["SVC0", "nope"]}\n',
     ('pyproject.toml: tool.svclint.per-file-ignores."deploy/*.yaml"[1]: unknown rule \'nope\'; '
     "`svclint rules` lists them")),
    ("[tool.svclint]\nkube-version = 1.30\n",
     ("pyproject.toml: tool.svclint.kube-version: expected a string, got the number 1.3: quote the version "
     '(kube-version: "1.30"); unquoted, 1.30 is the number 1.3')),
    ("[tool.svclint]\nselect = [\n", "pyproject.toml: invalid TOML: Invalid value (at end of document)"),
])
def test_a_wrong_pyproject_configuration_names_the_key_path(workdir: Path, text: str, error: str) -> None:
    Path("pyproject.toml").write_text(text, encoding="utf-8")
    write("svc.yaml", NODE_PORT)
    result = run("check", "svc.yaml")
    assert (result.exit_code, result.stderr) == (2, f"svclint: error: {error}\n")


def test_an_error_names_the_file_relative_to_the_working_directory(workdir: Path) -> None:
    Path(".svclint.yml").write_text("fail-on: sometimes\n", encoding="utf-8")
    os.chdir(Path(write("deploy/svc.yaml", NODE_PORT)).parent)
    result = run("check", "svc.yaml")
    assert (result.exit_code, result.stderr) == (
        2, ("svclint: error: ../.svclint.yml:1:10: fail-on: expected one of error, warning, info, never, "
        "got the string 'sometimes'\n"))


@pytest.mark.parametrize(("args", "error"), [
    (["--select", "SVC3,nonsense"], "--select: unknown rule 'nonsense'; `svclint rules` lists them"),
    (["--ignore", "SVC9"], "--ignore: unknown rule 'SVC9'; `svclint rules` lists them"),
    (["--config", "missing.yaml"], "missing.yaml: cannot read: No such file or directory"),
    (["--config", "svc.yaml", "--no-config"], "--config and --no-config exclude each other"),
    (["--config", "pyproject.toml"], "pyproject.toml: no [tool.svclint] table"),
])
def test_wrong_options_exit_2(workdir: Path, args: list[str], error: str) -> None:
    Path("pyproject.toml").write_text("[project]\nname = 'app'\n", encoding="utf-8")
    write("svc.yaml", NODE_PORT)
    result = run("check", "svc.yaml", *args)
    assert (result.exit_code, result.stderr) == (2, f"svclint: error: {error}\n")


# --- Discovery ------------------------------------------------------------------------------------------


def test_pyproject_is_found_walking_up(workdir: Path) -> None:
    Path("pyproject.toml").write_text('[tool.svclint]\nnode-port-range = "20000-22767"\n', encoding="utf-8")
    # A pyproject.toml without [tool.svclint] on the way up does not count, not even a broken one.
    write("apps/pyproject.toml", "[project\nthis is not TOML\n")
    os.chdir(Path(write("apps/edge/svc.yaml", NODE_PORT)).parent)
    assert rules("svc.yaml") == [("svc.yaml", "node-port-out-of-range", "error", 9)]


def test_the_nearest_configuration_wins_and_the_walk_stops_there(workdir: Path) -> None:
    Path("pyproject.toml").write_text('[tool.svclint]\nselect = ["no-such-rule"]\n', encoding="utf-8")
    write("apps/.svclint.yaml", "node-port-range: 20000-22767\n")
    os.chdir(Path(write("apps/edge/svc.yaml", NODE_PORT)).parent)
    assert rules("svc.yaml") == [("svc.yaml", "node-port-out-of-range", "error", 9)]


def test_svclint_yaml_wins_over_pyproject_in_the_same_directory(workdir: Path) -> None:
    Path("pyproject.toml").write_text('[tool.svclint]\nnode-port-range = "20000-22767"\n', encoding="utf-8")
    Path(".svclint.yaml").write_text("node-port-range: 30000-32767\n", encoding="utf-8")
    write("svc.yaml", NODE_PORT)
    assert rules("svc.yaml") == []


def test_config_names_a_file_and_no_config_ignores_them_all(workdir: Path) -> None:
    Path(".svclint.yaml").write_text("node-port-range: 20000-22767\n", encoding="utf-8")
    write("ci/strict.yaml", "node-port-range: 40000-42767\nseverity: {SVC301: warning}\n")
    write("svc.yaml", NODE_PORT)
    assert rules("svc.yaml") == [("svc.yaml", "node-port-out-of-range", "error", 9)]
    assert rules("svc.yaml", "--config", "ci/strict.yaml") == [("svc.yaml", "node-port-out-of-range", "warning", 9)]
    assert rules("svc.yaml", "--no-config") == []


def test_an_explicit_pyproject_is_read_from_its_tool_table(workdir: Path) -> None:
    write("ci/pyproject.toml", '[tool.svclint]\nnode-port-range = "20000-22767"\n')
    write("svc.yaml", NODE_PORT)
    assert rules("svc.yaml", "--config", "ci/pyproject.toml") == [("svc.yaml", "node-port-out-of-range", "error", 9)]


def test_an_empty_configuration_changes_nothing(workdir: Path) -> None:
    Path(".svclint.yaml").write_text("# nothing yet\n", encoding="utf-8")
    write("svc.yaml", SERVICE)
    assert rules("svc.yaml") == [("svc.yaml", "service-selector-matches-nothing", "warning", 6),
                                 ("svc.yaml", "node-port-not-allowed", "error", 10)]


# --- Settings -------------------------------------------------------------------------------------------


def test_cluster_settings_come_from_the_file_and_the_command_line_overrides_them(workdir: Path) -> None:
    Path(".svclint.yaml").write_text("node-port-range: 20000-22767\ndefault-namespace: edge\n"
                                     "kube-version: '1.30'\n", encoding="utf-8")
    write("svc.yaml", NODE_PORT)
    result = run("check", "svc.yaml", "--format", "json")
    (diagnostic,) = json.loads(result.stdout)["diagnostics"]
    assert (diagnostic["rule"], diagnostic["object"]["namespace"]) == ("node-port-out-of-range", "edge")
    assert rules("svc.yaml", "--node-port-range", "30000-32767") == []


def test_fail_on_comes_from_the_file_and_the_command_line_overrides_it(workdir: Path) -> None:
    write("svc.yaml", SERVICE.replace("      type: ClusterIP\n", "").replace("          nodePort: 30080\n", ""))
    assert run("check", "svc.yaml").exit_code == 0  # only SVC101, a warning
    Path(".svclint.yaml").write_text("fail-on: warning\n", encoding="utf-8")
    assert run("check", "svc.yaml").exit_code == 1
    assert run("check", "svc.yaml", "--fail-on", "never").exit_code == 0


# --- Selection ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("config", "args", "expected"), [
    ("", [], ["service-selector-matches-nothing", "node-port-not-allowed"]),
    ("select: [SVC3]\n", [], ["node-port-not-allowed"]),
    ("select: [service-selector-matches-nothing]\n", [], ["service-selector-matches-nothing"]),
    ("ignore: [SVC1]\n", [], ["node-port-not-allowed"]),
    ("select: [ALL]\nignore: [SVC303]\n", [], ["service-selector-matches-nothing"]),
    # The more specific selector wins, whichever list it is in; on a tie, ignore wins.
    ("select: [SVC303]\nignore: [SVC3]\n", [], ["node-port-not-allowed"]),
    ("select: [SVC30]\nignore: [SVC303]\n", [], []),
    ("select: [SVC303]\nignore: [node-port-not-allowed]\n", [], []),
    ("select: [SVC3]\nextend-select: [SVC101]\n", [], ["service-selector-matches-nothing", "node-port-not-allowed"]),
    # The command line: --select replaces select, --ignore and --extend-select add.
    ("select: [SVC3]\n", ["--select", "SVC1"], ["service-selector-matches-nothing"]),
    ("select: [SVC3]\n", ["--extend-select", "SVC101"], ["service-selector-matches-nothing", "node-port-not-allowed"]),
    ("ignore: [SVC1]\n", ["--ignore", "SVC303"], []),
    ("ignore: [SVC1]\n", ["--select", "ALL"], ["service-selector-matches-nothing", "node-port-not-allowed"]),
    ("", ["--select", "SVC101,SVC303", "--ignore", "SVC101"], ["node-port-not-allowed"]),
    ("", ["--select", "SVC101", "--select", "SVC303"], ["service-selector-matches-nothing", "node-port-not-allowed"]),
])
def test_select_and_ignore(workdir: Path, config: str, args: list[str], expected: list[str]) -> None:
    Path(".svclint.yaml").write_text(config, encoding="utf-8")
    write("svc.yaml", SERVICE)
    assert [rule for _, rule, _, _ in rules("svc.yaml", *args)] == expected


def test_severity_overrides_change_the_output_and_the_exit_code(workdir: Path) -> None:
    Path(".svclint.yaml").write_text("severity:\n  SVC303: warning\n  service-selector-matches-nothing: error\n",
                                     encoding="utf-8")
    write("svc.yaml", SERVICE)
    result = run("check", "svc.yaml")
    assert result.exit_code == 1
    assert [line.split(": ")[1] for line in reported(result)] == [
        "error SVC101 service-selector-matches-nothing", "warning SVC303 node-port-not-allowed"]
    Path(".svclint.yaml").write_text("severity:\n  SVC303: warning\n", encoding="utf-8")
    assert run("check", "svc.yaml").exit_code == 0


def test_per_file_ignores(workdir: Path) -> None:
    Path(".svclint.yaml").write_text(
        "per-file-ignores:\n"
        "  legacy/**: [node-port-not-allowed]\n"  # anchored at the configuration's directory
        "  '*.json': [SVC1]\n",  # no slash: a file name at any depth
        encoding="utf-8")
    for path in ("legacy/a/svc.yaml", "apps/legacy/svc.yaml", "apps/svc.json", "svc.yaml"):
        write(path, SERVICE.replace("name: web", f"name: {path.replace('/', '-').replace('.', '-')}")
              .replace("30080", str(30080 + len(path))))
    assert rules(".") == [
        ("apps/legacy/svc.yaml", "service-selector-matches-nothing", "warning", 6),
        ("apps/legacy/svc.yaml", "node-port-not-allowed", "error", 10),
        ("apps/svc.json", "node-port-not-allowed", "error", 10),
        ("legacy/a/svc.yaml", "service-selector-matches-nothing", "warning", 6),
        ("svc.yaml", "service-selector-matches-nothing", "warning", 6),
        ("svc.yaml", "node-port-not-allowed", "error", 10),
    ]


# --- exclude and context ---------------------------------------------------------------------------


def test_exclude_applies_to_walks_and_to_named_files_relative_to_the_configuration(workdir: Path) -> None:
    Path(".svclint.yaml").write_text("exclude: [deploy/vendor, '*.tmpl.yaml']\n", encoding="utf-8")
    write("deploy/vendor/chart.yaml", SERVICE)
    write("deploy/web.tmpl.yaml", SERVICE)
    write("deploy/web.yaml", NODE_PORT)
    write("vendor/svc.yaml", NODE_PORT.replace("name: edge", "name: other").replace("30080", "30081"))
    os.chdir("deploy")
    result = run("check", ".", "vendor/chart.yaml")  # as pre-commit would pass a staged file
    assert (result.exit_code, result.stdout) == (0, "0 errors, 0 warnings, 0 infos in 1 file, 1 object\n")
    os.chdir("..")
    assert run("check").stdout == "0 errors, 0 warnings, 0 infos in 2 files, 2 objects\n"  # vendor/ at the top stays


def test_context_is_loaded_but_not_reported(workdir: Path) -> None:
    # A pre-commit hook that passes only the staged Service: the Deployment comes from context.
    Path(".svclint.yaml").write_text("context: [deploy]\n", encoding="utf-8")
    write("deploy/service.yaml", SERVICE)
    write("deploy/deployment.yaml", DEPLOYMENT)
    write("deploy/other.yaml", NODE_PORT.replace("30080", "30080\n          port: 81\n"))
    os.chdir("deploy")
    assert rules("service.yaml") == [("service.yaml", "node-port-not-allowed", "error", 10)]
    assert rules("service.yaml", "--no-config") == [
        ("service.yaml", "service-selector-matches-nothing", "warning", 6),
        ("service.yaml", "node-port-not-allowed", "error", 10)]
    # The command line adds context; findings in context files are never reported.
    assert rules("service.yaml", "--no-config", "--context", "deployment.yaml") == [
        ("service.yaml", "node-port-not-allowed", "error", 10)]


def test_a_missing_context_path_exits_2(workdir: Path) -> None:
    Path(".svclint.yaml").write_text("context: [deploy]\n", encoding="utf-8")
    write("svc.yaml", NODE_PORT)
    result = run("check", "svc.yaml")
    assert (result.exit_code, result.stderr) == (2, "svclint: error: context path deploy: no such file or directory\n")


# --- The pure pieces ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("pattern", "path", "expected"), [
    ("*.json", "a/b/c.json", True),
    ("*.json", "a/b/c.yaml", False),
    ("vendor", "apps/vendor/x.yaml", True),
    ("vendor/", "vendor/x.yaml", True),
    ("deploy/*.yaml", "deploy/a.yaml", True),
    ("deploy/*.yaml", "deploy/sub/a.yaml", False),
    ("deploy/*.yaml", "apps/deploy/a.yaml", False),
    ("deploy/**/*.yaml", "deploy/a.yaml", True),
    ("deploy/**/*.yaml", "deploy/x/y/a.yaml", True),
    ("**/templates", "charts/web/templates/svc.yaml", True),
    ("/templates", "charts/templates/svc.yaml", False),
    ("./templates", "templates/svc.yaml", True),
    ("svc-[ab].yaml", "svc-a.yaml", True),
    ("svc-[!ab].yaml", "svc-a.yaml", False),
    ("svc-?.yaml", "svc-c.yaml", True),
    ("a.b", "axb", False),
    ("deploy", "../deploy/x.yaml", True),
    ("deploy/x.yaml", "../deploy/x.yaml", False),
])
def test_globs(pattern: str, path: str, expected: bool) -> None:
    root = "/repo"
    assert matches(compile_glob(pattern, root), os.path.join(root, path)) is expected


def codes(sources: list[Selection]) -> list[str]:
    catalog = load_catalog()
    return sorted(catalog[name].code for name in selected_rules(catalog, sources))


ALL_CODES = [rule.code for rule in load_catalog()]


def test_selection_starts_with_every_rule() -> None:
    assert codes([]) == ALL_CODES
    assert codes([Selection(), Selection(ignore=())]) == ALL_CODES


def test_a_later_select_starts_afresh_and_a_later_ignore_removes() -> None:
    file = Selection(select=("SVC3",), ignore=("SVC30",))
    assert codes([file]) == [c for c in ALL_CODES if c.startswith("SVC3") and not c.startswith("SVC30")]
    assert codes([file, Selection(extend_select=("SVC302",))]) == sorted(
        [c for c in ALL_CODES if c.startswith("SVC3") and not c.startswith("SVC30")] + ["SVC302"])
    assert codes([file, Selection(select=("SVC101",))]) == ["SVC101"]
    assert codes([file, Selection(ignore=("ALL",))]) == []


def test_exclusion_decides_as_matching_each_glob_would(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Policy.exclusion matches each directory once and then only names: it must agree with
    # globs.matches on files, directories, nested and outside paths, and paths as users type them.
    monkeypatch.chdir(tmp_path)
    root = str(tmp_path / "repo")
    globs = tuple(compile_glob(g, root) for g in ("vendor", "charts/*/templates", "**/*.tmpl.yaml", "/top.yaml",
                                                   "apps/**/secret-*.yaml"))
    paths = ["repo/vendor", "repo/vendor/", "repo/vendor/a.yaml", "repo/x/vendor/b.yaml", "repo/top.yaml",
             "repo/sub/top.yaml", "repo/charts/web/templates/svc.yaml", "repo/charts/web/values.yaml",
             "repo/a/b.tmpl.yaml", "./repo/apps/x/y/secret-db.yaml", "repo/apps/secret-db.yaml",
             "repo/apps/x/config.yaml", "repo/../repo/vendor/c.yaml", "other/vendor/d.yaml", "repo", "-"]
    excluded = Policy(exclude=globs).exclusion()
    assert [excluded(p) for p in paths] == [any(matches(g, p) for g in globs) for p in paths]
    assert sum(excluded(p) for p in paths) >= 8  # the globs do match


@pytest.mark.parametrize(("pattern", "path", "expected"), [
    ("svc-[a-c].yaml", "svc-b.yaml", True),
    ("svc-[a-c].yaml", "svc-d.yaml", False),
    ("svc-[!a-c].yaml", "svc-d.yaml", True),
    ("[]x].yaml", "].yaml", True),
    ("[a-].yaml", "-.yaml", True),
    ("a/**", "a/b/c.yaml", True),
    ("a/**", "b/a.yaml", False),
    ("**", "anything/at/all.yaml", True),
    ("a/**/b/**/c.yaml", "a/x/b/y/z/c.yaml", True),
    ("a/**/b/**/c.yaml", "a/x/y/z/c.yaml", False),
    ("a[!x]b", "a/b", False),  # a class never matches the '/' between names
    ("*a*a*a*a*a*a*b", "a" * 200 + ".yaml", False),
])
def test_more_globs(pattern: str, path: str, expected: bool) -> None:
    root = "/repo"
    assert matches(compile_glob(pattern, root), os.path.join(root, path)) is expected


def test_glob_matching_takes_no_exponential_time(monkeypatch: pytest.MonkeyPatch) -> None:
    # A backtracking regular expression took over 60 s on this (issue 16): the matcher's work is
    # bounded by the pattern's length times the name's. Counted, not timed.
    from svclint import globs

    calls = 0
    real = globs._matches_token

    def counting(token: globs.Token, char: str) -> bool:
        nonlocal calls
        calls += 1
        return real(token, char)

    monkeypatch.setattr(globs, "_matches_token", counting)
    assert not globs.matches_relative(compile_glob("*a*a*a*a*a*a*a*a*b", "/repo"), "a" * 200)
    assert 0 < calls <= 18 * 200 * 2


@pytest.mark.parametrize(("pattern", "problem"), [
    ("[z-a]", "has the range z-a, which holds no character"),
    ("svc-[ab.yaml", "has a '[' without its ']'"),
])
def test_a_glob_that_cannot_work_is_a_value_error(pattern: str, problem: str) -> None:
    with pytest.raises(ValueError, match=re.escape(problem)):
        compile_glob(pattern, "/repo")
