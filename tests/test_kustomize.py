"""Kustomize: files a kustomization names as patches hold partial objects. They are parsed (syntax
errors count) but their objects are neither checked nor indexed; rendered output is checked as
usual. End to end through ``svclint check`` on a base with two overlays, as kustomize's own
examples lay it out.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import manifest, run, write

from svclint.kustomize import patch_paths

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
    code, diagnostics, summary = report(".", "--no-config")
    # What is left is real: without scopes, both overlays are one cluster, and 30081 is taken twice.
    assert (code, diagnostics) == (1, [("overlays/staging/debug-service.yaml", "node-port-collision", 11)])
    assert (summary["files"], summary["objects"]) == (10, 4)  # the three patch files are read, not linted


def test_with_scopes_the_overlays_are_clean(workdir: Path) -> None:
    tree({**BASE, **OVERLAYS})
    write(".svclint.yaml", SCOPES)
    assert report(".")[:2] == (0, [])


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
        assert report(*args, "--no-config", "--stdin-filename", "overlays/prod/replicas.yaml", "-",
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
    assert report("overlays/prod", "--context", "base")[:2] == (1, [("overlays/prod/replicas.yaml", "yaml-syntax-error", 7)])


@pytest.mark.parametrize("name", ["kustomization.yaml", "kustomization.yml", "Kustomization"])
@pytest.mark.parametrize("patches", [
    "patches:\n  - path: replicas.yaml\n    target: {kind: Deployment}\n",
    "patchesStrategicMerge:\n  - replicas.yaml\n",
    "patchesJson6902:\n  - target: {group: apps, version: v1, kind: Deployment, name: web}\n    path: replicas.yaml\n",
])
def test_every_kustomization_name_and_patch_field(workdir: Path, name: str, patches: str) -> None:
    write(f"app/{name}", "resources: [../base]\n" + patches)  # apiVersion and kind are optional
    write("app/replicas.yaml", REPLICAS)
    assert report("app")[:2] == (0, [])


def test_an_excluded_kustomization_is_not_read(workdir: Path) -> None:
    tree({**BASE, **OVERLAYS})
    write(".svclint.yaml", "exclude: [overlays/prod/kustomization.yaml]\n")
    assert report("overlays/prod", "--context", "base")[1] == [
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


KUBECTL = shutil.which("kubectl")


@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
@pytest.mark.parametrize("overlay", ["overlays/prod", "overlays/staging"])
def test_kubectl_kustomize_output_is_clean(workdir: Path, overlay: str) -> None:
    tree({**BASE, **OVERLAYS})
    assert KUBECTL is not None
    rendered = subprocess.run([KUBECTL, "kustomize", overlay], capture_output=True, text=True, check=True,
                              timeout=60).stdout
    assert "nodePort: 30080" in rendered  # the patch is applied
    code, diagnostics, summary = report("-", stdin=rendered)
    assert (code, diagnostics, summary["objects"]) == (0, [], 3)
