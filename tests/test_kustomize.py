"""Kustomize trees, end to end through ``svclint check`` on a base with two overlays, as
kustomize's own examples lay it out.

Rendered (the default, with the real ``kubectl kustomize``): each root is built, its findings are
reported where their fields are written, and each root is a cluster of its own. File by file
(``--kustomize never``, or no kustomize installed): files a kustomization names as patches hold
partial objects, parsed (syntax errors count) but neither checked nor indexed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import manifest, run, write

from svclint.kustomize import patch_paths, plan

KUBECTL = shutil.which("kubectl")
needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
#: Read kustomization trees file by file, as without kustomize.
FILE_BY_FILE = ("--kustomize", "never")

BASE = {
    "base/kustomization.yaml": """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        resources: [deployment.yaml, service.yaml]
    """,
    "base/deployment.yaml": """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 1
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
                - name: web
                  image: nginx:1.27
                  ports: [{name: http, containerPort: 8080}]
    """,
    "base/service.yaml": """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          type: NodePort
          selector: {app: web}
          ports:
            - name: http
              port: 80
              targetPort: http
    """,
}
#: A Deployment patch: no selector, no template (SVC102 if it were a whole Deployment).
REPLICAS = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      replicas: 3
"""
#: A Service patch: no type, so ClusterIP with a nodePort (SVC303 if it were a whole Service).
NODE_PORT = """
    apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      ports:
        - port: 80
          nodePort: 30080
"""


def extra_service(name: str) -> str:
    """A whole Service of an overlay, with nodePort 30081 (at 11:17)."""
    return f"""
        apiVersion: v1
        kind: Service
        metadata:
          name: {name}
        spec:
          type: NodePort
          selector: {{app: web}}
          ports:
            - port: 8080
              targetPort: http
              nodePort: 30081
    """


OVERLAYS = {
    "overlays/prod/kustomization.yaml": """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        namespace: prod
        resources: [../../base, admin-service.yaml]
        patches:
          - path: replicas.yaml
          - path: patches/node-port.yaml
            target: {kind: Service, name: web}
    """,
    "overlays/prod/replicas.yaml": REPLICAS,
    "overlays/prod/patches/node-port.yaml": NODE_PORT,
    "overlays/prod/admin-service.yaml": extra_service("web-admin"),
    "overlays/staging/kustomization.yaml": """
        apiVersion: kustomize.config.k8s.io/v1beta1
        kind: Kustomization
        namespace: staging
        resources: [../../base, debug-service.yaml]
        patchesStrategicMerge: [node-port.yaml]
    """,
    "overlays/staging/node-port.yaml": NODE_PORT,
    "overlays/staging/debug-service.yaml": extra_service("web-debug"),
}
SCOPES = """
    scopes:
      prod: [overlays/prod/**, base/**]
      staging: [overlays/staging/**, base/**]
"""


def tree(files: dict[str, str]) -> None:
    for path, text in files.items():
        write(path, text)


def report(*args: str, stdin: str | None = None) -> tuple[int, list[tuple[str, str, int]], dict[str, int]]:
    """Exit code, (path, rule, line) of each diagnostic and the summary of ``svclint check --format json``."""
    result = run("check", "--format", "json", *args, stdin=stdin)
    output = json.loads(result.stdout)
    return result.exit_code, [(d["path"], d["rule"], d["line"]) for d in output["diagnostics"]], output["summary"]


def test_patches_are_not_linted_as_objects(workdir: Path) -> None:
    tree({**BASE, **OVERLAYS})
    code, diagnostics, summary = report(".", "--no-config", *FILE_BY_FILE)
    # What is left is real: without scopes, both overlays are one cluster, and 30081 is taken twice.
    assert (code, diagnostics) == (1, [("overlays/staging/debug-service.yaml", "node-port-collision", 11)])
    assert (summary["files"], summary["objects"]) == (10, 4)  # the three patch files are read, not linted


def test_with_scopes_the_overlays_are_clean(workdir: Path) -> None:
    tree({**BASE, **OVERLAYS})
    write(".svclint.yaml", SCOPES)
    assert report(".", *FILE_BY_FILE)[:2] == (0, [])


def test_a_patch_named_alone_is_still_a_patch(workdir: Path) -> None:
    # pre-commit passes the staged files only: the kustomization is found next to the file or above it.
    tree({**BASE, **OVERLAYS})
    assert report("overlays/prod/replicas.yaml")[:2] == (0, [])
    assert report("overlays/prod/patches/node-port.yaml")[:2] == (0, [])
    os.chdir("overlays/prod/patches")
    assert report("node-port.yaml")[:2] == (0, [])  # also above the working directory


def test_a_patch_on_stdin_named_after_its_file_is_still_a_patch(workdir: Path) -> None:
    # Regression: an editor's unsaved patch (`--stdin-filename FILE -`) was linted as an object.
    tree({**BASE, **OVERLAYS})
    for args in ([], ["--context", "."]):
        assert report(*args, "--no-config", *FILE_BY_FILE, "--stdin-filename", "overlays/prod/replicas.yaml", "-",
                      stdin=REPLICAS)[:2] == (0, [])
    # Named after a file no kustomization names, it is a whole object.
    assert report("--no-config", "--stdin-filename", "overlays/prod/other.yaml", "-", stdin=REPLICAS)[1] == [
        ("overlays/prod/other.yaml", "workload-selector-mismatch", 5)]


def test_the_same_file_without_a_kustomization_naming_it_is_a_whole_object(workdir: Path) -> None:
    tree({"deploy/replicas.yaml": REPLICAS, "deploy/node-port.yaml": NODE_PORT})
    assert report("deploy")[1] == [("deploy/node-port.yaml", "node-port-not-allowed", 8),
                                   ("deploy/replicas.yaml", "workload-selector-mismatch", 5)]


def test_a_patch_with_a_syntax_error_is_still_reported(workdir: Path) -> None:
    tree({**BASE, **OVERLAYS})
    write("overlays/prod/replicas.yaml", manifest(REPLICAS) + "  template: {metadata: [}\n")
    assert report("overlays/prod", "--context", "base", *FILE_BY_FILE)[:2] == (
        1, [("overlays/prod/replicas.yaml", "yaml-syntax-error", 7)])


@pytest.mark.parametrize("name", ["kustomization.yaml", "kustomization.yml", "Kustomization"])
@pytest.mark.parametrize("patches", [
    "patches:\n  - path: replicas.yaml\n    target: {kind: Deployment}\n",
    "patchesStrategicMerge:\n  - replicas.yaml\n",
    "patchesJson6902:\n  - target: {group: apps, version: v1, kind: Deployment, name: web}\n    path: replicas.yaml\n",
])
def test_every_kustomization_name_and_patch_field(workdir: Path, name: str, patches: str) -> None:
    write(f"app/{name}", "resources: [../base]\n" + patches)  # apiVersion and kind are optional
    write("app/replicas.yaml", REPLICAS)
    assert report("app", *FILE_BY_FILE)[:2] == (0, [])


def test_an_excluded_kustomization_is_not_read(workdir: Path) -> None:
    tree({**BASE, **OVERLAYS})
    write(".svclint.yaml", "exclude: [overlays/prod/kustomization.yaml]\n")
    assert report("overlays/prod", "--context", "base", *FILE_BY_FILE)[1] == [
        ("overlays/prod/patches/node-port.yaml", "node-port-not-allowed", 8),
        ("overlays/prod/replicas.yaml", "workload-selector-mismatch", 5)]


def test_inline_patches_and_remote_urls_name_no_file() -> None:
    text = """
patches:
  - path: a.yaml
  - patch: |-
      - op: replace
        path: /spec/replicas
        value: 3
patchesStrategicMerge:
  - b.yaml
  - |-
    apiVersion: apps/v1
    kind: Deployment
  - https://example.com/patch.yaml
patchesJson6902:
  - path: ../c.yaml
resources: [d.yaml]
"""
    assert patch_paths(text, "/repo/app") == ["/repo/app/a.yaml", "/repo/c.yaml", "/repo/app/b.yaml"]
    assert patch_paths("patches: [a.yaml\n", "/repo") == []  # does not parse: names nothing


@needs_kubectl
@pytest.mark.parametrize("overlay", ["overlays/prod", "overlays/staging"])
def test_kubectl_kustomize_output_is_clean(workdir: Path, overlay: str) -> None:
    tree({**BASE, **OVERLAYS})
    assert KUBECTL is not None
    rendered = subprocess.run([KUBECTL, "kustomize", overlay], capture_output=True, text=True, check=True,
                              timeout=60).stdout
    assert "nodePort: 30080" in rendered  # the patch is applied
    code, diagnostics, summary = report("-", stdin=rendered)
    assert (code, diagnostics, summary["objects"]) == (0, [], 3)


# --- rendered with the real kustomize -----------------------------------------------------------


def details(*args: str) -> list[dict[str, object]]:
    """The diagnostics of ``svclint check --format json ARGS``."""
    diagnostics: list[dict[str, object]] = json.loads(run("check", "--format", "json", *args).stdout)["diagnostics"]
    return diagnostics


def notes(diagnostic: dict[str, object]) -> list[tuple[str, str, int]]:
    related = diagnostic["related"]
    assert isinstance(related, list)
    return [(r["message"], r["path"], r["line"]) for r in related]


@needs_kubectl
def test_each_root_is_rendered_and_is_a_cluster_of_its_own(workdir: Path) -> None:
    # File by file, the overlays' nodePort 30081 collides (see above); rendered, they are two clusters.
    tree({**BASE, **OVERLAYS})
    code, diagnostics, summary = report(".", "--no-config")
    assert (code, diagnostics) == (0, [])
    assert (summary["files"], summary["objects"]) == (10, 6)  # each overlay: base Deployment, Service, its own


@needs_kubectl
def test_a_bug_in_a_base_is_one_finding_at_its_line_naming_every_overlay(workdir: Path) -> None:
    tree({**BASE, **OVERLAYS})
    write("base/service.yaml", BASE["base/service.yaml"].replace("targetPort: http", "targetPort: htpp"))
    [finding] = details(".")
    assert (finding["path"], finding["line"], finding["column"], finding["rule"]) == (
        "base/service.yaml", 11, 19, "target-port-name-not-found")
    assert notes(finding) == [
        ("containers of Deployment prod/web", "base/deployment.yaml", 13),
        ("rendered by `kubectl kustomize overlays/prod`, line 14 of its output", "overlays/prod/kustomization.yaml", 1),
        ("the same in the output of `kubectl kustomize overlays/staging`", "overlays/staging/kustomization.yaml", 1),
    ]


@needs_kubectl
def test_a_field_set_by_a_patch_is_reported_in_the_patch(workdir: Path) -> None:
    tree({**BASE, **OVERLAYS})
    write("overlays/prod/patches/node-port.yaml", NODE_PORT.replace("30080", "3008"))
    [finding] = details("overlays/prod", "base")
    assert (finding["path"], finding["line"], finding["rule"]) == (
        "overlays/prod/patches/node-port.yaml", 8, "node-port-out-of-range")


@needs_kubectl
def test_a_value_set_by_a_transformer_points_at_the_object_and_names_the_kustomization_line(workdir: Path) -> None:
    # The Service's selector comes from commonLabels; no pod of the build carries it.
    tree(BASE)
    write("base/kustomization.yaml", "resources: [service.yaml]\ncommonLabels: {tier: web}\n")
    [finding] = details("base")
    assert (finding["path"], finding["line"], finding["rule"]) == (
        "base/service.yaml", 7, "service-selector-matches-nothing")
    assert notes(finding)[0] == ("kustomize sets this with `commonLabels` in base/kustomization.yaml",
                                 "base/kustomization.yaml", 2)


@needs_kubectl
def test_a_build_that_fails_is_one_warning_and_its_files_are_not_linted(workdir: Path) -> None:
    tree({**BASE, **OVERLAYS})
    write("base/kustomization.yaml", "resources: [deployment.yaml, service.yaml, missing.yaml]\n")
    write("base/deployment.yaml", REPLICAS)  # would be SVC102 if it were linted alone
    result = details(".")
    assert [(d["path"], d["line"], d["rule"]) for d in result] == [
        ("overlays/prod/kustomization.yaml", 1, "kustomize-build-failed"),
        ("overlays/staging/kustomization.yaml", 1, "kustomize-build-failed")]
    message = result[0]["message"]
    assert isinstance(message, str)
    assert message.startswith("kustomize cannot render overlays/prod: ") and "base/missing.yaml" in message
    assert str(workdir) not in message  # paths as the user names them


@needs_kubectl
def test_files_of_a_tree_that_no_kustomization_names_are_not_linted(workdir: Path) -> None:
    # kubebuilder leaves commented-out patches beside config/default/kustomization.yaml.
    tree(BASE)
    write("base/manager_webhook_patch.yaml", REPLICAS)
    assert report("base")[:2] == (0, [])


@needs_kubectl
def test_files_outside_any_tree_are_linted_as_before(workdir: Path) -> None:
    tree(BASE)
    write("plain/replicas.yaml", REPLICAS)
    assert report(".")[1] == [("plain/replicas.yaml", "workload-selector-mismatch", 5)]


@needs_kubectl
def test_a_configured_scope_naming_the_kustomization_joins_the_builds(workdir: Path) -> None:
    tree({**BASE, **OVERLAYS})
    write(".svclint.yaml", "scopes:\n  one: [overlays/*/kustomization.yaml]\n")
    assert report(".")[1] == [("overlays/staging/debug-service.yaml", "node-port-collision", 11),
                              ("overlays/staging/node-port.yaml", "node-port-collision", 8)]


@needs_kubectl
def test_the_users_files_are_never_touched(workdir: Path) -> None:
    tree({**BASE, **OVERLAYS})
    before = {p: p.read_bytes() for p in sorted(workdir.rglob("*")) if p.is_file()}
    report(".")
    assert {p: p.read_bytes() for p in sorted(workdir.rglob("*")) if p.is_file()} == before


def test_without_kustomize_auto_says_so_and_reads_file_by_file(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree({**BASE, **OVERLAYS})
    monkeypatch.setenv("PATH", str(workdir / "nothing-here"))
    result = run("check", "--format", "json", ".")
    assert "neither `kustomize` nor `kubectl` is on PATH, so kustomizations were read file by file" in result.stderr
    assert [d["rule"] for d in json.loads(result.stdout)["diagnostics"]] == ["node-port-collision"]
    always = run("check", "--kustomize", "always", ".")
    expected = ("svclint: error: cannot render kustomizations: neither `kustomize` nor `kubectl` is on PATH "
                "(kustomize mode is always)\n")
    assert (always.exit_code, always.stderr) == (2, expected)


def test_roots_are_the_kustomizations_no_other_one_names(tmp_path: Path) -> None:
    texts = {
        "app/overlays/prod/kustomization.yaml": "resources: [../../base]\ncomponents: [../../components/tls]\n",
        "app/base/kustomization.yaml": "resources: [web.yaml]\npatches: [{path: fix.yaml}]\n",
        "app/components/tls/kustomization.yaml": "kind: Component\nresources: [cert.yaml]\n",
        "lonely/kustomization.yaml": "kind: Component\n",
    }
    for name, text in texts.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    forest = plan([str(tmp_path / name) for name in texts], lambda path: Path(path).read_text())
    assert [os.path.relpath(root.path, tmp_path) for root in forest.roots] == ["app/overlays/prod/kustomization.yaml"]
    assert [os.path.relpath(k.directory, tmp_path) for k in forest.chain(forest.roots[0])] == [
        "app/overlays/prod", "app/base", "app/components/tls"]
    assert forest.is_member(str(tmp_path / "app/base/fix.yaml"))
    assert forest.is_member(str(tmp_path / "app/base/unnamed.yaml"))  # in a kustomization's directory
    assert not forest.is_member(str(tmp_path / "app/other/x.yaml"))


def test_kustomize_messages_are_one_line_without_the_wrapper() -> None:
    from svclint.kustomize_build import _message

    one = ('# Warning: \'vars\' is deprecated.\nE1207 16:12:28.6 14851 run.go:72] "command failed" '
           'err="accumulating resources: \\"/repo/app/x.yaml\\" missing"\n')
    assert _message(one, "/repo/app", "../repo/app", "app") == 'accumulating resources: "app/x.yaml" missing'
    several = ('E1207 16:12:28.6 14851 run.go:72] "command failed" err=<\n\taccumulating resources from '
               "'/repo/app/base': no such file\n\t: exit status 128\n >\n")
    assert _message(several, "/repo/app", "../repo/app", "app") == (
        "accumulating resources from 'app/base': no such file : exit status 128")


def test_kuttl_assertion_files_are_not_linted_as_objects(workdir: Path) -> None:
    # kuttl's NN-assert.yaml lists fields the test expects in the cluster: a partial Deployment.
    write("tests/e2e/simple/00-install.yaml", BASE["base/deployment.yaml"])
    write("tests/e2e/simple/00-assert.yaml", REPLICAS)
    write("tests/e2e/simple/01-errors.yaml", REPLICAS)
    write("tests/e2e/simple/not-an-assert.yaml", REPLICAS)
    assert report("tests")[1] == [("tests/e2e/simple/not-an-assert.yaml", "workload-selector-mismatch", 5)]
