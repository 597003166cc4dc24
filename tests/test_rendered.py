"""Rendered input: ``helm template ... | svclint check -`` reports each document at the template it
came from, on the line counted from its ``# Source:`` comment, and keeps the position in the input
as a note. The output below is written as ``helm template shop ./shop`` prints it (helm is not
needed): documents sorted by kind, two documents from one template (each with its own
``# Source:``), a subchart, a test hook, and one document appended by hand without a comment.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import manifest, reported, run, write

from svclint import batch, loader
from svclint.api import lint, lint_sources
from svclint.rendered import Segment, find_segments

RENDERED = manifest("""
    ---
    # Source: shop/charts/redis/templates/master/service.yaml
    apiVersion: v1
    kind: Service
    metadata:
      name: shop-redis-master
      namespace: "shop"
      labels:
        app.kubernetes.io/name: redis
        app.kubernetes.io/instance: shop
    spec:
      type: ClusterIP
      ports:
        - name: tcp-redis
          port: 6379
          targetPort: redis
      selector:
        app.kubernetes.io/name: redis
        app.kubernetes.io/instance: shop
        app.kubernetes.io/component: master
    ---
    # Source: shop/templates/service.yaml
    apiVersion: v1
    kind: Service
    metadata:
      name: shop-web
      namespace: "shop"
      labels:
        app.kubernetes.io/name: web
        app.kubernetes.io/instance: shop
    spec:
      type: NodePort
      ports:
        - name: http
          port: 80
          targetPort: http
          nodePort: 30080
      selector:
        app.kubernetes.io/name: web
        app.kubernetes.io/instance: shop
    ---
    # Source: shop/templates/service.yaml
    apiVersion: v1
    kind: Service
    metadata:
      name: shop-web-metrics
      namespace: "shop"
    spec:
      type: NodePort
      ports:
        - name: metrics
          port: 9090
          targetPort: metrics
          nodePort: 30080
      selector:
        app.kubernetes.io/name: web
        app.kubernetes.io/instance: shop
    ---
    # Source: shop/charts/redis/templates/master/application.yaml
    apiVersion: apps/v1
    kind: StatefulSet
    metadata:
      name: shop-redis-master
      namespace: "shop"
    spec:
      replicas: 1
      serviceName: shop-redis-headless
      selector:
        matchLabels:
          app.kubernetes.io/name: redis
          app.kubernetes.io/instance: shop
          app.kubernetes.io/component: master
      template:
        metadata:
          labels:
            app.kubernetes.io/name: redis
            app.kubernetes.io/instance: shop
            app.kubernetes.io/component: master
        spec:
          containers:
            - name: redis
              image: docker.io/bitnami/redis:7.2.4
              ports:
                - name: redis
                  containerPort: 6379
    ---
    # Source: shop/templates/deployment.yaml
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: shop-web
      namespace: "shop"
      labels:
        app.kubernetes.io/name: web
        app.kubernetes.io/instance: shop
    spec:
      replicas: 2
      selector:
        matchLabels:
          app.kubernetes.io/name: web
          app.kubernetes.io/instance: shop
      template:
        metadata:
          labels:
            app.kubernetes.io/name: web
            app.kubernetes.io/instance: shop
        spec:
          containers:
            - name: web
              image: "ghcr.io/example/shop:1.4.2"
              ports:
                - name: http
                  containerPort: 8080
              readinessProbe:
                httpGet:
                  path: /healthz
                  port: http
    ---
    # Source: shop/templates/tests/test-connection.yaml
    apiVersion: v1
    kind: Pod
    metadata:
      name: "shop-test-connection"
      namespace: "shop"
      annotations:
        "helm.sh/hook": test
    spec:
      containers:
        - name: wget
          image: busybox
          command: ['wget']
          args: ['shop-web:80']
      restartPolicy: Never
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: legacy-gateway
      namespace: shop
    spec:
      type: NodePort
      ports:
        - port: 8080
          nodePort: 8080
""")
SERVICE_YAML = "shop/templates/service.yaml"
#: The three findings, by where they are reported; the input line of each is in its last note.
METRICS = (f"{SERVICE_YAML}:11:19: error SVC201 target-port-name-not-found: targetPort \"metrics\" (TCP) is not "
           "a container port name of Deployment shop/shop-web, so its pods get no traffic on Service port 9090")
COLLISION = (f"{SERVICE_YAML}:12:17: error SVC302 node-port-collision: nodePort 30080 is already used by Service "
             "shop/shop-web; nodePorts are cluster-wide, across namespaces, so the API server rejects this one "
             "(\"provided port is already allocated\")")
LEGACY = ("-:144:17: error SVC301 node-port-out-of-range: nodePort 8080 is outside the cluster's NodePort range "
          "30000-32767: the API server rejects the Service")


def rendered_note(stdin: str, line: int, column: int, at: int) -> str:
    return f"  note: {stdin}:{line}:{column}: in the rendered input: line {at} after `# Source: {SERVICE_YAML}`"


def test_each_document_is_reported_at_its_template_on_the_line_counted_from_its_source_comment(workdir: Path) -> None:
    result = run("check", "-", stdin=RENDERED)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        LEGACY,  # appended without a # Source: comment: it stays where it is in the input
        ("  help: pick a port in 30000-32767, or omit nodePort to let the cluster choose (use --node-port-range "
        "if your cluster has another range)"),
        METRICS,
        "  help: add `- name: metrics` with its containerPort (protocol TCP) to the container, or use the port number",
        "  note: shop/templates/deployment.yaml:21:7: containers of Deployment shop/shop-web",
        rendered_note("-", 53, 19, 11),
        # The second document of service.yaml counts from its own comment, like the first (line 15 below).
        COLLISION,
        "  help: choose a free nodePort, or omit it to let the cluster choose",
        f"  note: {SERVICE_YAML}:15:17: nodePort 30080 first used here",
        rendered_note("-", 54, 17, 12),
        "3 errors, 0 warnings, 0 infos in 1 file, 7 objects",
    ]


def test_a_file_is_reported_where_it_is_even_when_it_holds_rendered_output(workdir: Path) -> None:
    # A committed render (the "rendered manifests" pattern) is a file to open at that line, and a
    # repository path is what pre-commit, baselines and code scanning need.
    write("rendered/shop.yaml", RENDERED)
    assert reported(run("check", "rendered/shop.yaml")) == [
        ("rendered/shop.yaml:53:19: error SVC201 target-port-name-not-found: targetPort \"metrics\" (TCP) is not "
        "a container port name of Deployment shop/shop-web, so its pods get no traffic on Service port 9090"),
        COLLISION.replace(f"{SERVICE_YAML}:12:17", "rendered/shop.yaml:54:17"),
        LEGACY.replace("-:144", "rendered/shop.yaml:144"),
    ]


def test_a_syntax_error_is_reported_in_its_template_and_the_documents_before_it_are_checked(workdir: Path) -> None:
    broken = RENDERED.replace("      targetPort: metrics\n", "      targetPort: metrics\n     bad: indent\n")
    result = run("check", "-", stdin=broken)
    assert reported(result) == [
        # The workloads come after the error, so the two Services read before it match nothing.
        ("shop/charts/redis/templates/master/service.yaml:15:3: warning SVC101 service-selector-matches-nothing: "
        "selector app.kubernetes.io/name=redis,app.kubernetes.io/instance=shop,app.kubernetes.io/component=master "
        "matches no pod template in namespace \"shop\", and no workload there uses any of these label keys: the "
        "Service gets no endpoints"),
        (f"{SERVICE_YAML}:12:6: error SVC001 yaml-syntax-error: while parsing a block collection; expected "
        "<block end>, but found '<block mapping start>'"),
        (f"{SERVICE_YAML}:16:3: warning SVC101 service-selector-matches-nothing: selector "
        "app.kubernetes.io/name=web,app.kubernetes.io/instance=shop matches no pod template in namespace \"shop\", "
        "and no workload there uses any of these label keys: the Service gets no endpoints"),
    ]
    assert rendered_note("-", 54, 6, 12) in result.stdout.splitlines()
    assert result.stdout.endswith("1 error, 2 warnings, 0 infos in 1 file, 2 objects\n")


def test_stdin_filename_names_the_documents_without_a_source_comment(workdir: Path) -> None:
    result = run("check", "-", "--stdin-filename", "deploy/shop.yaml", stdin=RENDERED)
    lines = result.stdout.splitlines()
    assert lines[0] == LEGACY.replace("-:144", "deploy/shop.yaml:144")
    assert rendered_note("deploy/shop.yaml", 53, 19, 11) in lines


def test_stdin_filename_is_matched_by_exclude_and_per_file_ignores_and_templates_by_per_file_ignores(
        workdir: Path) -> None:
    Path(".svclint.yaml").write_text(
        "exclude: [generated]\n"
        "per-file-ignores:\n"
        "  deploy/shop.yaml: [node-port-out-of-range]\n"
        "  shop/templates/service.yaml: [node-port-collision]\n", encoding="utf-8")
    assert reported(run("check", "-", "--stdin-filename", "deploy/shop.yaml", stdin=RENDERED)) == [METRICS]
    assert reported(run("check", "-", stdin=RENDERED)) == [LEGACY, METRICS]  # unnamed stdin is "-"
    excluded = run("check", "-", "--stdin-filename", "generated/shop.yaml", stdin=RENDERED)
    assert (excluded.exit_code, excluded.stdout) == (0, "0 errors, 0 warnings, 0 infos in 0 files, 0 objects\n")


def test_stdin_filename_replaces_that_file_in_the_context(workdir: Path) -> None:
    # An editor lints its unsaved buffer: the buffer stands for the file, which is not read as well.
    Path(".svclint.yaml").write_text("context: [deploy]\n", encoding="utf-8")
    on_disk = "apiVersion: v1\nkind: Service\nmetadata:\n  name: edge\nspec:\n  type: NodePort\n" \
              "  ports:\n    - port: 80\n      nodePort: 30080\n"
    write("deploy/edge.yaml", on_disk)
    buffer = on_disk.replace("name: edge", "name: edge-v2")
    clean = "0 errors, 0 warnings, 0 infos in 1 file, 1 object\n"
    assert run("check", "-", "--stdin-filename", "deploy/edge.yaml", stdin=buffer).stdout == clean
    assert reported(run("check", "-", stdin=buffer)) == [
        ("-:9:17: error SVC302 node-port-collision: nodePort 30080 is already used by Service default/edge; nodePorts "
        "are cluster-wide, across namespaces, so the API server rejects this one (\"provided port is already "
        "allocated\")")]


@pytest.mark.parametrize(("args", "message"), [
    (["deploy"], "--stdin-filename names stdin: give - as a path (and not --project)"),
    (["-", "--project"], "--stdin-filename names stdin: give - as a path (and not --project)"),
])
def test_stdin_filename_without_stdin_is_a_usage_error(workdir: Path, args: list[str], message: str) -> None:
    Path("deploy").mkdir()
    result = run("check", "--stdin-filename", "x.yaml", *args, stdin="")
    assert (result.exit_code, result.stderr) == (2, f"svclint: error: {message}\n")


# --- Suppression and baselines -------------------------------------------------------------------------


def test_a_comment_in_a_template_suppresses_on_its_line_of_the_input(workdir: Path) -> None:
    # Helm keeps a template's comments, so `# svclint:` comments work in rendered output.
    text = RENDERED.replace("      targetPort: metrics\n      nodePort: 30080",
                        "      targetPort: metrics\n      nodePort: 30080  # svclint: ignore[SVC302] moves in OPS-7")
    assert reported(run("check", "-", stdin=text)) == [LEGACY, METRICS]


def test_two_documents_of_one_template_share_its_path_but_not_their_lines(workdir: Path) -> None:
    # Line 12 of the first document of service.yaml is not line 12 of the second one: a comment
    # there suppresses nothing, and says so at the line it is reported on.
    text = RENDERED.replace("    - name: http\n", "    - name: http  # svclint: ignore[node-port-collision]\n", 1)
    lines = reported(run("check", "-", stdin=text))
    assert COLLISION in lines
    assert (f"{SERVICE_YAML}:12:37: info SVC006 unused-suppression: `# svclint: ignore[node-port-collision]` "
            "suppresses nothing: there is no node-port-collision finding on line 12") in lines


def test_ignore_file_in_a_template_covers_the_documents_rendered_from_it(workdir: Path) -> None:
    text = RENDERED.replace("# Source: shop/templates/service.yaml\n",
                            "# Source: shop/templates/service.yaml\n"
                            "# svclint: ignore-file[target-port-name-not-found, node-port-out-of-range]\n", 1)
    # SVC201 of the other document of service.yaml is suppressed too; SVC301 of the document
    # without a # Source: comment is not from service.yaml, so that half of the comment is unused.
    assert reported(run("check", "-", stdin=text)) == [
        LEGACY.replace(":144:", ":145:"),
        (f"{SERVICE_YAML}:1:52: info SVC006 unused-suppression: `# svclint: ignore-file[target-port-name-not-found, "
        "node-port-out-of-range]` suppresses nothing: there is no node-port-out-of-range finding in this file"),
        COLLISION,
    ]


def test_a_baseline_records_template_paths_and_survives_a_render_that_moves_every_line(workdir: Path) -> None:
    assert run("baseline", "-", "-o", "baseline.json", stdin=RENDERED).exit_code == 0
    entries = json.loads(Path("baseline.json").read_text(encoding="utf-8"))["findings"]
    assert [(e["path"], e["rule"]) for e in entries] == [
        ("-", "node-port-out-of-range"),
        (SERVICE_YAML, "node-port-collision"),
        (SERVICE_YAML, "target-port-name-not-found"),
    ]
    # A new template renders first (a ServiceAccount), pushing every document down by 7 lines.
    account = "---\n# Source: shop/templates/serviceaccount.yaml\napiVersion: v1\nkind: ServiceAccount\n" \
              "metadata:\n  name: shop\n  namespace: shop\n"
    rerendered = account + RENDERED
    result = run("check", "-", "--baseline", "baseline.json", stdin=rerendered)
    assert (result.exit_code, result.stdout) == (
        0, "0 errors, 0 warnings, 0 infos in 1 file, 7 objects (3 findings hidden by the baseline)\n")


# --- Output formats -------------------------------------------------------------------------------------


def test_json_and_sarif_name_the_template_and_keep_the_input_position(workdir: Path) -> None:
    diagnostics = json.loads(run("check", "-", "-f", "json", stdin=RENDERED).stdout)["diagnostics"]
    collision = next(d for d in diagnostics if d["code"] == "SVC302")
    assert (collision["path"], collision["line"], collision["column"]) == (SERVICE_YAML, 12, 17)
    assert [(r["path"], r["line"]) for r in collision["related"]] == [(SERVICE_YAML, 15), ("-", 54)]
    results = json.loads(run("check", "-", "-f", "sarif", stdin=RENDERED).stdout)["runs"][0]["results"]
    sarif = next(r for r in results if r["ruleId"] == "SVC302")
    location = sarif["locations"][0]["physicalLocation"]
    assert (location["artifactLocation"], location["region"]["startLine"]) == (
        {"uri": SERVICE_YAML, "uriBaseId": "%SRCROOT%"}, 12)
    assert [r["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["relatedLocations"]] == [SERVICE_YAML, "-"]


def test_github_annotations_attach_to_the_template(workdir: Path) -> None:
    lines = run("check", "-", "-f", "github", stdin=RENDERED).stdout.splitlines()
    assert lines[2].startswith(f"::error file={SERVICE_YAML},line=12,col=17,endLine=12,endColumn=22,"
                               "title=SVC302 node-port-collision::")
    assert lines[0].startswith("::error title=SVC301 node-port-out-of-range::-:144:17: ")  # no file to attach to


def test_the_readme_shows_real_output(workdir: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Rendered input"):]
    block = section[section.index("```text\n") + 8:section.index("\n```", section.index("```text"))]
    command, *shown = block.splitlines()
    assert command == "$ helm template shop ./shop | svclint check -"
    output = run("check", "-", stdin=RENDERED).stdout.splitlines()
    start = output.index(shown[0])
    assert output[start:start + len(shown)] == shown


def test_checked_objects_are_listed_under_their_templates() -> None:
    # JUnit writes a test suite per file and a test case per object.
    result = lint_sources([("-", RENDERED.encode())])
    assert [(c.path, c.ref.name) for c in result.checked] == [
        ("shop/charts/redis/templates/master/service.yaml", "shop-redis-master"),
        (SERVICE_YAML, "shop-web"),
        (SERVICE_YAML, "shop-web-metrics"),
        ("shop/charts/redis/templates/master/application.yaml", "shop-redis-master"),
        ("shop/templates/deployment.yaml", "shop-web"),
        ("shop/templates/tests/test-connection.yaml", "shop-test-connection"),
        ("-", "legacy-gateway"),
    ]


def test_a_big_rendered_input_parsed_in_parts_is_reported_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    data = (RENDERED * 3).replace("shop-web-metrics", "shop-web-metrics-x", 1).encode()
    whole = lint(["-"], stdin=data)
    for module in (loader, batch):
        monkeypatch.setattr(module, "PART_SIZE", 500)
    assert lint(["-"], stdin=data) == whole
    assert lint(["-"], stdin=data, jobs=2) == whole


# --- Finding the documents ------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "segments"), [
    pytest.param("---\n# Source: a/templates/x.yaml\nkind: A\n---\n# Source: a/templates/y.yaml\nkind: B\n",
                 [Segment(3, 3, "a/templates/x.yaml"), Segment(6, 7, "a/templates/y.yaml")], id="helm"),
    pytest.param("# Source: a/templates/x.yaml\nkind: A\n", [Segment(2, 3, "a/templates/x.yaml")],
                 id="the first document needs no ---"),
    pytest.param("---\n# Copyright\n\n# Source: a/x.yaml\nkind: A\n", [Segment(5, 6, "a/x.yaml")],
                 id="other comments and blank lines before it"),
    pytest.param("---\nkind: A\n# Source: a/x.yaml\nname: b\n", [], id="after content it is just a comment"),
    pytest.param("---\n# Source: a/x.yaml\nkind: A\n...\nkind: B\n", [Segment(3, 3, "a/x.yaml")],
                 id="a document end marker ends it"),
    pytest.param("---\n# Source: a/x.yaml\r\nkind: A\r\n---\r\nkind: B\r\n", [Segment(3, 3, "a/x.yaml")],
                 id="CRLF"),
    pytest.param("--- # Source: a/x.yaml\nkind: A\n", [], id="on the --- line it is not helm's"),
    pytest.param("---\n# Source:   a/my templates/x.yaml  \nkind: A\n", [Segment(3, 4, "a/my templates/x.yaml")],
                 id="spaces in the path"),
    pytest.param("---\n# Source: a/x.yaml\n---\nkind: A\n", [], id="an empty document"),
])
def test_find_segments(text: str, segments: list[Segment]) -> None:
    assert list(find_segments(text)) == segments
