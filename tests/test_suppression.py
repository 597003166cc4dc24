"""Suppressions: ``# svclint: ignore[...]`` comments, ``ignore-file[...]``, ``ignore-check.svclint.io/``
annotations, and the two rules that keep them honest (SVC006 unused-suppression, SVC007
invalid-suppression). End to end through ``svclint check``, in a scratch directory.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import lint, manifest, reported, run, write

from svclint import loader

#: SVC303 node-port-not-allowed (error) at 9:17, the 30080; a ClusterIP Service may not set a nodePort.
NOT_ALLOWED = manifest("""
    apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      type: ClusterIP
      ports:
        - port: 80
          nodePort: 30080{comment}
""")
MESSAGE = "nodePort 30080 may not be used when type is ClusterIP: the API server rejects the Service"
FINDING = f"svc.yaml:9:17: error SVC303 node-port-not-allowed: {MESSAGE}"
CLEAN_SUMMARY = "0 errors, 0 warnings, 0 infos in 1 file, 1 object\n"


def check_json(*args: str) -> list[dict[str, object]]:
    result = run("check", "--format", "json", *args)
    diagnostics: list[dict[str, object]] = json.loads(result.stdout)["diagnostics"]
    return diagnostics


def brief(diagnostics: list[dict[str, object]]) -> list[tuple[object, ...]]:
    return [(d["rule"], d["line"], d["column"], d["suppressed"]) for d in diagnostics]


# --- Comments ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("comment", [
    "  # svclint: ignore[node-port-not-allowed]",
    "  # svclint: ignore[SVC303]",
    "  #svclint:ignore[SVC303] -- a reason may follow",
    "  # svclint: ignore[node-port-collision, SVC303]",
])
def test_a_trailing_comment_suppresses_the_finding_on_its_line(workdir: Path, comment: str) -> None:
    write("svc.yaml", NOT_ALLOWED.format(comment=comment))
    result = run("check", "svc.yaml", "--ignore", "unused-suppression")
    assert (result.exit_code, result.stdout) == (0, CLEAN_SUMMARY)
    # Still in JSON, flagged, for audits.
    assert brief(check_json("svc.yaml", "--ignore", "unused-suppression")) == [
        ("node-port-not-allowed", 9, 17, True)]


def test_a_comment_on_a_line_of_its_own_covers_the_next_line(workdir: Path) -> None:
    write("svc.yaml", """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          type: ClusterIP
          ports:
            - port: 80
              # svclint: ignore[node-port-not-allowed]
              # (more comment lines may follow before the line it is about)
              nodePort: 30080
    """)
    result = run("check", "svc.yaml")
    assert (result.exit_code, result.stdout) == (0, CLEAN_SUMMARY)


def test_a_comment_covers_only_its_own_line(workdir: Path) -> None:
    write("svc.yaml", """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          type: ClusterIP  # svclint: ignore[node-port-not-allowed]
          ports:
            - port: 80
              nodePort: 30080
    """)
    result = run("check", "svc.yaml")
    assert result.exit_code == 1
    assert reported(result) == [
        ("svc.yaml:6:38: info SVC006 unused-suppression: `# svclint: ignore[node-port-not-allowed]` suppresses "
        "nothing: there is no node-port-not-allowed finding on line 6"),
        FINDING,
    ]
    assert "  help: remove the comment\n" in result.stdout


def test_a_blank_line_ends_a_comment_of_its_own(workdir: Path) -> None:
    write("svc.yaml", NOT_ALLOWED.format(comment="").replace(
        "      nodePort", "      # svclint: ignore[SVC303]\n\n      nodePort"))
    assert [d["rule"] for d in check_json("svc.yaml")] == ["unused-suppression", "node-port-not-allowed"]


def test_ignore_file_anywhere_covers_the_whole_file(workdir: Path) -> None:
    write("svc.yaml", NOT_ALLOWED.format(comment="") + "# svclint: ignore-file[node-port-not-allowed]\n")
    result = run("check", "svc.yaml")
    assert (result.exit_code, result.stdout) == (0, CLEAN_SUMMARY)


def test_ignore_file_covers_only_its_file(workdir: Path) -> None:
    write("svc.yaml", NOT_ALLOWED.format(comment=""))
    write("other.yaml", "# svclint: ignore-file[node-port-not-allowed]\n")
    result = run("check", "svc.yaml", "other.yaml")
    assert reported(result) == [
        ("other.yaml:1:24: info SVC006 unused-suppression: `# svclint: ignore-file[node-port-not-allowed]` "
        "suppresses nothing: there is no node-port-not-allowed finding in this file"),
        FINDING,
    ]


def test_only_the_unused_rule_of_a_list_is_reported(workdir: Path) -> None:
    write("svc.yaml", NOT_ALLOWED.format(comment="  # svclint: ignore[SVC303, node-port-collision]"))
    result = run("check", "svc.yaml")
    assert result.exit_code == 0
    assert reported(result) == [
        ("svc.yaml:9:50: info SVC006 unused-suppression: `# svclint: ignore[SVC303, node-port-collision]` "
        "suppresses nothing: there is no node-port-collision finding on line 9")]
    assert "  help: remove node-port-collision from the list\n" in result.stdout


# --- The trap: "# svclint:" inside a string is text, not a comment ----------------------------------


@pytest.mark.parametrize("text", [
    # Double- and single-quoted scalars, on one line and over two.
    '    note: "see # svclint: ignore-file[node-port-not-allowed]"\n',
    "    note: 'see\n      # svclint: ignore-file[node-port-not-allowed]'\n",
    # A block scalar's lines.
    "    note: |\n      # svclint: ignore-file[node-port-not-allowed]\n",
    "    note: >-\n      text\n      # svclint: ignore-file[node-port-not-allowed]\n",
    # A key.
    '    "a # svclint: ignore-file[node-port-not-allowed]": x\n',
])
def test_a_marker_inside_a_string_suppresses_nothing(workdir: Path, text: str) -> None:
    write("svc.yaml", NOT_ALLOWED.format(comment="").replace("  name: web\n", "  name: web\n  annotations:\n" + text))
    result = run("check", "svc.yaml")
    assert result.exit_code == 1
    assert [line.split(": ")[1] for line in reported(result)] == ["error SVC303 node-port-not-allowed"]


def test_a_marker_in_another_document_s_block_scalar_suppresses_nothing(workdir: Path) -> None:
    # A ConfigMap is not analysed, but its text is still YAML: its data is not a comment.
    write("svc.yaml", NOT_ALLOWED.format(comment="") + """---
apiVersion: v1
kind: ConfigMap
metadata:
  name: docs
data:
  README.md: |
    Write this to silence svclint:
    # svclint: ignore-file[node-port-not-allowed]
""")
    assert brief(check_json("svc.yaml")) == [("node-port-not-allowed", 9, 17, False)]


def test_a_hash_inside_a_word_does_not_start_a_comment(workdir: Path) -> None:
    write("svc.yaml", NOT_ALLOWED.format(comment="").replace("name: web", "name: web#svclint:ignore-file[SVC303]"))
    assert brief(check_json("svc.yaml")) == [("node-port-not-allowed", 9, 17, False)]


def test_a_comment_after_a_block_scalar_header_is_a_comment(workdir: Path) -> None:
    write("svc.yaml", NOT_ALLOWED.format(comment="").replace(
        "  name: web\n", "  name: web\n  annotations:\n    note: |  # svclint: ignore-file[SVC303]\n      text\n"))
    assert brief(check_json("svc.yaml")) == [("node-port-not-allowed", 12, 17, True)]


def test_no_comment_is_read_after_a_syntax_error(workdir: Path) -> None:
    # Past the error, a "comment" may be a block scalar's line: the parser never got there to tell.
    write("svc.yaml", NOT_ALLOWED.format(comment="") + "---\nbroken: [\n# svclint: ignore-file[yaml-syntax-error]\n")
    assert [(d["rule"], d["suppressed"]) for d in check_json("svc.yaml")] == [
        ("node-port-not-allowed", False), ("yaml-syntax-error", False)]


def test_comments_in_a_file_parsed_in_parts_keep_their_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    # Big multi-document files are parsed in parts (see streams.split_stream); each part's
    # comments must land on the file's lines, not the part's.
    monkeypatch.setattr(loader, "PART_SIZE", 100)
    document = NOT_ALLOWED.format(comment="")
    text = "---\n".join([document, document.replace("web", "api"),
                         document.replace("web", "db").replace("30080", "30080  # svclint: ignore[SVC303]")])
    found = [(d.rule, d.span.line, d.suppressed) for d in lint(text)]
    assert found == [("node-port-not-allowed", 9, False), ("node-port-not-allowed", 19, False),
                     ("node-port-not-allowed", 29, True)]


# --- Invalid suppressions (SVC007) ----------------------------------------------------------------------


@pytest.mark.parametrize(("comment", "column", "message", "help"), [
    ("  # svclint: ignore", 24,
     "`# svclint: ignore` names no rule, so it suppresses nothing: svclint does not suppress every rule at once",
     ("name the rules: `# svclint: ignore[rule-name]` (several: [rule-a, rule-b]); to leave whole files out, "
     "use exclude in the configuration")),
    ("  # svclint: ignore-file", 24,
     ("`# svclint: ignore-file` names no rule, so it suppresses nothing: svclint does not suppress every rule "
     "at once"),
     ("name the rules: `# svclint: ignore-file[rule-name]` (several: [rule-a, rule-b]); to leave whole files "
     "out, use exclude in the configuration")),
    ("  # svclint: ignore[]", 24,
     "`# svclint: ignore[]` names no rule, so it suppresses nothing: svclint does not suppress every rule at once",
     ("name the rules: `# svclint: ignore[rule-name]` (several: [rule-a, rule-b]); to leave whole files out, "
     "use exclude in the configuration")),
    ("  # svclint: disable[SVC303]", 24,
     ("`# svclint: disable[SVC303]` is not a suppression: svclint knows `# svclint: ignore[...]` and "
     "`# svclint: ignore-file[...]`"),
     "write `# svclint: ignore[rule-name]` for one line, `# svclint: ignore-file[rule-name]` for the whole file"),
    ("  # svclint: ignore[node-port-not-alowed]", 42,
     "`# svclint: ignore[node-port-not-alowed]` names 'node-port-not-alowed', which is not an svclint rule",
     "did you mean node-port-not-allowed? `svclint rules` lists the names and codes"),
    ("  # svclint: ignore[unused-suppression]", 42,
     "unused-suppression cannot be suppressed by a comment",
     "fix or remove the suppression it reports, or turn unused-suppression off with ignore in the configuration"),
])
def test_a_suppression_that_cannot_work_is_a_warning(workdir: Path, comment: str, column: int, message: str,
                                                      help: str) -> None:
    write("svc.yaml", NOT_ALLOWED.format(comment=comment))
    result = run("check", "svc.yaml", "--format", "json")
    diagnostics = json.loads(result.stdout)["diagnostics"]
    assert [(d["rule"], d["severity"], d["line"], d["column"], d["message"], d["help"], d["suppressed"])
            for d in diagnostics] == [
        ("node-port-not-allowed", "error", 9, 17, MESSAGE, diagnostics[0]["help"], False),
        ("invalid-suppression", "warning", 9, column, message, help, False),
    ]


# --- Annotations ----------------------------------------------------------------------------------------

TWO_SERVICES = """
    apiVersion: v1
    kind: Service
    metadata:
      name: web
      annotations:
        ignore-check.svclint.io/{key}: {reason}
    spec:
      type: ClusterIP
      ports:
        - port: 80
          nodePort: 30080
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: api
    spec:
      type: ClusterIP
      ports:
        - port: 80
          nodePort: 30081
"""


@pytest.mark.parametrize("key", ["node-port-not-allowed", "SVC303"])
def test_an_annotation_suppresses_the_rule_on_its_object_only(workdir: Path, key: str) -> None:
    write("svc.yaml", TWO_SERVICES.format(key=key, reason='"the ingress controller owns this port"'))
    assert brief(check_json("svc.yaml")) == [("node-port-not-allowed", 11, 17, True),
                                             ("node-port-not-allowed", 21, 17, False)]


@pytest.mark.parametrize(("reason", "shown"), [('""', "is empty"), ('"  "', "is empty"), ("", "is empty")])
def test_an_annotation_without_a_reason_suppresses_nothing(workdir: Path, reason: str, shown: str) -> None:
    write("svc.yaml", TWO_SERVICES.format(key="node-port-not-allowed", reason=reason))
    result = run("check", "svc.yaml")
    assert result.exit_code == 1
    assert reported(result) == [
        (f"svc.yaml:6:5: warning SVC007 invalid-suppression: annotation "
        f"ignore-check.svclint.io/node-port-not-allowed gives no reason (its value {shown}), so it does not "
        "suppress node-port-not-allowed"),
        ("svc.yaml:11:17: error SVC303 node-port-not-allowed: nodePort 30080 may not be used when type is "
        "ClusterIP: the API server rejects the Service"),
        ("svc.yaml:21:17: error SVC303 node-port-not-allowed: nodePort 30081 may not be used when type is "
        "ClusterIP: the API server rejects the Service"),
    ]
    assert ('  help: say why the finding is acceptable: ignore-check.svclint.io/node-port-not-allowed: "<reason>"\n'
            in result.stdout)


def test_an_annotation_that_is_not_text_is_a_schema_violation(workdir: Path) -> None:
    # The API server rejects a boolean annotation value, so the object is not checked further.
    write("svc.yaml", TWO_SERVICES.format(key="node-port-not-allowed", reason="true"))
    assert brief(check_json("svc.yaml")) == [("schema-violation", 6, 52, False),
                                             ("node-port-not-allowed", 21, 17, False)]


def test_an_annotation_naming_an_unknown_rule_is_invalid(workdir: Path) -> None:
    write("svc.yaml", TWO_SERVICES.format(key="node-port-colision", reason="legacy"))
    (invalid,) = [d for d in check_json("svc.yaml") if d["rule"] == "invalid-suppression"]
    assert (invalid["line"], invalid["column"], invalid["message"], invalid["help"]) == (
        6, 5, ("annotation ignore-check.svclint.io/node-port-colision names 'node-port-colision', which is not "
        "an svclint rule"), "did you mean node-port-collision? `svclint rules` lists the names and codes")
    assert invalid["object"] == {"apiVersion": "v1", "kind": "Service", "namespace": "default", "name": "web"}


def test_an_unused_annotation_is_reported(workdir: Path) -> None:
    write("svc.yaml", TWO_SERVICES.format(key="node-port-collision", reason="shared with the blue cluster"))
    result = run("check", "svc.yaml")
    assert reported(result)[0] == (
        "svc.yaml:6:5: info SVC006 unused-suppression: annotation ignore-check.svclint.io/node-port-collision "
        "suppresses nothing: Service default/web has no node-port-collision finding")
    assert "  help: remove the annotation\n" in result.stdout


def test_an_annotation_works_on_stdin_where_comments_are_gone(workdir: Path) -> None:
    rendered = TWO_SERVICES.format(key="node-port-not-allowed", reason="owned by the ingress team")
    result = run("check", "-", "--format", "json", stdin=rendered)
    assert [(d["path"], d["line"], d["suppressed"]) for d in json.loads(result.stdout)["diagnostics"]] == [
        ("-", 11, True), ("-", 21, False)]


# --- Suppression and configuration ------------------------------------------------------------------


def test_unused_suppressions_can_be_turned_off_like_any_rule(workdir: Path) -> None:
    write("svc.yaml", NOT_ALLOWED.format(comment="  # svclint: ignore[SVC303, node-port-collision]"))
    assert [d["rule"] for d in check_json("svc.yaml")] == ["node-port-not-allowed", "unused-suppression"]
    assert [d["rule"] for d in check_json("svc.yaml", "--ignore", "SVC006")] == ["node-port-not-allowed"]
    assert [d["rule"] for d in check_json("svc.yaml", "--select", "SVC3")] == ["node-port-not-allowed"]


def test_a_suppression_of_a_rule_that_is_not_selected_is_unused(workdir: Path) -> None:
    write("svc.yaml", NOT_ALLOWED.format(comment="  # svclint: ignore[SVC303]"))
    assert brief(check_json("svc.yaml", "--ignore", "SVC303")) == [("unused-suppression", 9, 42, False)]


def test_suppressed_findings_do_not_count_for_the_exit_code(workdir: Path) -> None:
    write("svc.yaml", NOT_ALLOWED.format(comment="  # svclint: ignore[SVC303]"))
    assert run("check", "svc.yaml", "--fail-on", "info").exit_code == 0
