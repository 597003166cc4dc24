"""The kind registry (svclint.kinds): every kind once, and no lookup falls back to another kind."""

from __future__ import annotations

import pytest

from svclint.catalog import load_catalog
from svclint.kinds import KINDS, UnknownKind, lookup, template_path, workload_template
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
