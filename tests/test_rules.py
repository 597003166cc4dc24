"""What is left of the check rules' tests once their cases moved to fixtures (tests/rules/<rule>/).

Every "manifest in, findings out" case is a fixture (see tests/test_fixtures.py). These two are not:
one lints the same files under path spellings that a case directory cannot give (it is always
linted as one relative path), and one replaces a check by a crashing one and calls the engine
directly, to show that a failing rule becomes one internal-error and the other rules still run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from conftest import lint, manifest

from svclint.catalog import load_catalog
from svclint.checks import ObjectContext, discover_checks
from svclint.engine import check_objects
from svclint.findings import Finding
from svclint.loader import load_source
from svclint.model import KubeObject
from svclint.settings import Settings

# ================================================================================================
# target-port-name-not-found: the nearest workloads, whatever the spelling of the paths
# ================================================================================================


def test_nearest_workloads_whatever_the_spelling_of_the_paths() -> None:
    # The cases tests/rules/target-port-name-not-found/nearest-workloads-*/ show that the port checks
    # look at the workloads nearest to the Service. Regression: files named as given ("apps/a/...")
    # and context files ("./apps/a/...", or absolute) shared no directory prefix, so every template
    # counted as nearest. A case directory is always linted with one spelling, so this stays here.
    service = """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          selector: {app: web}
          ports: [{port: 80, targetPort: http}]
    """
    deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {name}
        spec:
          selector:
            matchLabels: {{app: web}}
          template:
            metadata:
              labels: {{app: web}}
            spec:
              containers:
                - {{name: web, image: nginx, ports: [{{name: {port_name}, containerPort: 8080}}]}}
    """
    for spelling in ("./apps", os.path.abspath("apps")):
        assert lint(
            ("apps/a/service.yaml", service),
            (f"{spelling}/a/deployment.yaml", deployment.format(name="a", port_name="http")),
            (f"{spelling}/b/deployment.yaml", deployment.format(name="b", port_name="web")),
        ) == []


# ================================================================================================
# internal-error: a crashing check does not stop the run
# ================================================================================================


def test_a_crashing_check_becomes_one_internal_error_and_the_run_continues() -> None:
    text = manifest("""
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          ports:
            - port: 80
              nodePort: 30080
    """)
    loaded = load_source("manifest.yaml", text.encode(), 0)
    objects = list(loaded.objects)

    def explode(obj: KubeObject, ctx: ObjectContext) -> Iterable[Finding]:
        raise ValueError("boom")

    checks = {**discover_checks(), "external-name-invalid": explode}
    diagnostics = check_objects(objects, ObjectContext(Settings()), load_catalog(), checks, "object")
    assert sorted((d.rule, d.span.line, d.span.column) for d in diagnostics) == [
        ("internal-error", 1, 1),  # at the object
        ("node-port-not-allowed", 8, 17),  # the other rules still ran
    ]
    [error] = [d for d in diagnostics if d.rule == "internal-error"]
    assert error.code == "SVC000"
    assert error.message == "rule external-name-invalid failed on Service default/web: ValueError: boom"
    assert error.help is not None and "bug in svclint" in error.help
