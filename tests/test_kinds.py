"""The kind registry (svclint.kinds): every kind once, and no lookup falls back to another kind."""

from __future__ import annotations

import pytest
from conftest import lint, manifest

from svclint.catalog import load_catalog
from svclint.kinds import KINDS, UnknownKind, is_analysed, lookup, template_path, workload_template
from svclint.loader import load_source
from svclint.model import pod_template
from svclint.resources import data_dir
from svclint.schema_gate import fast_validator, reference_validator


@pytest.mark.parametrize("rule", [rule for rule in load_catalog() if rule.kinds], ids=lambda rule: rule.name)
def test_every_kind_a_rule_runs_on_is_registered(rule: object) -> None:
    # A rule for an unregistered kind would never run: the loader drops objects of that kind.
    assert [kind for kind in rule.kinds if kind not in KINDS] == []  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_registered_kind_has_its_schema_file(name: str) -> None:
    assert data_dir("schemas").joinpath("k8s", lookup(name).schema).is_file()


def test_a_pod_is_its_own_template_and_a_service_has_none() -> None:
    assert template_path("Pod") == ()
    assert template_path("CronJob") == ("spec", "jobTemplate", "spec", "template")
    assert template_path("Service") is None
    with pytest.raises(ValueError, match="no pod template"):
        workload_template("Service")


@pytest.mark.parametrize("lookup_of", [lookup, template_path, fast_validator, reference_validator],
                         ids=lambda function: function.__name__)
def test_an_unregistered_kind_is_an_error_not_a_fallback(lookup_of: object) -> None:
    # Before the registry, the schema lookup gave any kind but Service (an Ingress, say) the
    # workloads schema. A kind no one will register, so adding Ingress leaves this test alone.
    with pytest.raises(UnknownKind, match="'NoSuchKind' is not registered"):
        lookup_of("NoSuchKind")  # type: ignore[operator]


def test_openshift_and_argo_workloads_are_analysed_in_their_groups_only() -> None:
    assert is_analysed("DeploymentConfig", "apps.openshift.io/v1") and is_analysed("DeploymentConfig", "v1")
    assert is_analysed("Rollout", "argoproj.io/v1alpha1") and not is_analysed("Rollout", "example.com/v1")
    assert template_path("Rollout") == template_path("DeploymentConfig") == ("spec", "template")


ROLLOUT = """
    apiVersion: argoproj.io/v1alpha1
    kind: Rollout
    metadata: {name: api}
    spec:
      selector: {matchLabels: {app: api}}
      workloadRef: {apiVersion: apps/v1, kind: Deployment, name: api}
"""


def test_a_rollout_with_a_workload_ref_brings_no_template_of_its_own() -> None:
    (rollout,) = load_source("rollout.yaml", manifest(ROLLOUT).encode(), 0).objects
    assert not rollout.custom
    assert pod_template(rollout) is None
    with_template = ROLLOUT.replace(
        "      workloadRef: {apiVersion: apps/v1, kind: Deployment, name: api}",
        "      template: {metadata: {labels: {app: api}}, spec: {containers: [{name: a, image: a}]}}")
    (rollout,) = load_source("rollout.yaml", manifest(with_template).encode(), 0).objects
    template = pod_template(rollout)
    assert template is not None and template.labels == {"app": "api"}
    assert lint(ROLLOUT) == []
