"""The port rules' tests that are not fixtures: what a manifest in, findings out cannot show.

The port rules' cases (Service port names and uniqueness, port syntax, duplicate container ports
and probe ports, each as the API server or the kubelet treats them) are fixtures under
``tests/rules/<rule>/`` (see tests/test_fixtures.py). What stays here:

- a CronJob's finding path (``Diagnostic.at``), which the text report does not show;
- property tests (hypothesis): port-name validity against the API server's rules one by one, and
  duplicate-container-port's fast path for pods whose ports are all distinct;
- an engine test with stand-in checks: a finding may lower its rule's catalog severity, never raise it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from conftest import lint, manifest
from hypothesis import example, given
from hypothesis import strategies as st

from svclint.catalog import load_catalog
from svclint.checks import ObjectContext, discover_checks
from svclint.checks.ports import duplicate_container_port
from svclint.checks.ports.common import pod_containers
from svclint.diagnostics import Severity
from svclint.engine import check_objects
from svclint.findings import Finding
from svclint.k8s import is_port_name, port_name_problems
from svclint.loader import load_source
from svclint.model import KubeObject
from svclint.settings import Settings

# ================================================================================================
# invalid-port
# ================================================================================================


def test_cron_job_ports_are_found_in_the_job_template() -> None:
    text = """
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: report
        spec:
          schedule: "0 * * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: Never
                  containers:
                    - name: report
                      image: report
                      ports: [{name: metrics_port, containerPort: 9090}]
    """
    [d] = lint(text)
    assert (d.rule, d.span.line, d.span.column) == ("invalid-port", 15, 30)
    assert d.at == ("spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "ports", 0, "name")
    assert d.message.endswith("the API server rejects the CronJob")


@given(st.text(alphabet="abz09-A_.\n", max_size=20))
@example("abcdefghijklmno")  # 15 characters: the longest name
@example("abcdefghijklmnop")
def test_port_name_validity_is_the_api_servers_list_of_rules(value: str) -> None:
    # IsValidPortName, rule by rule; svclint checks them with one regular expression.
    rules = [
        len(value) <= 15,
        re.fullmatch(r"[-a-z0-9]+", value) is not None,
        any("a" <= ch <= "z" for ch in value),
        "--" not in value,
        not value.startswith("-") and not value.endswith("-"),
    ]
    assert is_port_name(value) == all(rules)
    assert (port_name_problems(value) == []) == all(rules)


# ================================================================================================
# duplicate-container-port
# ================================================================================================


_PORT_FIELDS = st.fixed_dictionaries({}, optional={
    "name": st.sampled_from(["http", "metrics", "", "Bad_Name"]),
    "containerPort": st.sampled_from([80, 81, 0, 70000, None]),
    "protocol": st.sampled_from(["TCP", "UDP", ""]),
    "hostPort": st.sampled_from([0, 80, None]),
    "hostIP": st.sampled_from(["", "10.0.0.1"]),
})
_CONTAINER = st.fixed_dictionaries({"name": st.sampled_from(["a", "b"]), "ports": st.lists(_PORT_FIELDS, max_size=3)},
                                   optional={"restartPolicy": st.just("Always")})


@given(st.lists(_CONTAINER, max_size=3), st.lists(_CONTAINER, max_size=2))
@example([{"name": "a", "ports": [{"containerPort": 80, "hostPort": 80}]},
          {"name": "b", "ports": [{"containerPort": 81, "hostPort": 80}]}], [])
@example([{"name": "a", "ports": [{"containerPort": 80, "name": "web"}]},
          {"name": "b", "ports": [{"containerPort": 80, "name": "alt"}]}], [])
@example([{"name": "a", "ports": [{"containerPort": 80, "name": "http"}]}],
         [{"name": "b", "restartPolicy": "Always", "ports": [{"containerPort": 81, "name": "http"}]}])
def test_pods_whose_ports_are_all_distinct_need_no_port_views(containers: list[dict], init: list[dict]) -> None:
    # duplicate-container-port skips building port views when no name or number repeats and
    # no hostPort is set; whenever it does, the full checks must find nothing either.
    data = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
            "spec": {"containers": containers, "initContainers": init}}
    [obj] = load_source("pod.yaml", json.dumps(data).encode(), 0).objects
    assert not obj.violations
    found = pod_containers(obj)
    if duplicate_container_port._all_distinct(c.data for c in found):
        assert not list(duplicate_container_port._port_clashes(obj, [(c, c.ports()) for c in found], "rejected", "warns"))


# ================================================================================================
# A finding may lower its rule's severity, never raise it
# ================================================================================================


def test_a_finding_may_lower_the_catalog_severity_but_not_raise_it() -> None:
    text = manifest("""
        apiVersion: v1
        kind: Service
        metadata:
          name: db
        spec:
          type: ExternalName
          externalName: db.example.com
    """)
    objects = list(load_source("manifest.yaml", text.encode(), 0).objects)

    def lowered(obj: KubeObject, ctx: ObjectContext) -> Iterable[Finding]:
        yield Finding("lowered", at=("spec",), severity=Severity.INFO)

    def raised(obj: KubeObject, ctx: ObjectContext) -> Iterable[Finding]:
        yield Finding("raised", at=("spec",), severity=Severity.ERROR)

    checks = {**discover_checks(), "external-name-invalid": lowered, "external-name-ignored-field": raised}
    diagnostics = check_objects(objects, ObjectContext(Settings()), load_catalog(), checks, "object")
    assert sorted((d.rule, d.severity) for d in diagnostics) == [
        ("external-name-ignored-field", Severity.WARNING),  # the catalog's warning, not the finding's error
        ("external-name-invalid", Severity.INFO),
    ]
