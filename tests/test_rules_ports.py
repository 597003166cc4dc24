"""The port rules, as documentation: Service port names and uniqueness, port syntax, duplicate
container ports and probe ports, each as the API server (or the kubelet) treats them.

Each expectation is a list of ``(rule, line, column)`` (1-based, line 1 is the first line of the
manifest), plus the message, help or severity where they are the point.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from conftest import found, lint, manifest, text_at
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
# invalid-port: containers, probes and lifecycle hooks
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
# probe-port-not-found
# ================================================================================================


def test_readiness_probe_naming_an_undeclared_port() -> None:
    text = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
                - name: web
                  image: nginx
                  ports:
                    - name: web
                      containerPort: 8080
                  readinessProbe:
                    httpGet:
                      path: /ready
                      port: http
    """
    [d] = lint(text)
    assert (d.rule, d.span.line, d.span.column, d.severity) == ("probe-port-not-found", 21, 21, Severity.ERROR)
    assert d.message == (
        "readinessProbe.httpGet.port 'http' is not a port name of container 'web': the kubelet cannot resolve "
        "it, so the probe always fails: the pod never becomes ready and gets no Service traffic"
    )
    assert d.help == "add a port named http (with its containerPort) to container 'web', or use the port number"
    assert [(r.message, r.span.line, r.span.column) for r in d.related] == [
        ("ports of container 'web'", 15, 11)]
    assert text_at(text, d) == "http"


def test_a_probe_looks_only_in_its_own_container() -> None:
    [d] = lint("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          containers:
            - name: web
              image: nginx
              livenessProbe:
                tcpSocket: {port: admin}
            - name: proxy
              image: envoy
              ports: [{name: admin, containerPort: 9901}]
    """)
    assert (d.rule, d.span.line, d.span.column) == ("probe-port-not-found", 10, 27)
    assert d.message == (
        "livenessProbe.tcpSocket.port 'admin' is not a port name of container 'web' (container 'proxy' declares "
        "it, but a livenessProbe looks only in its own container): the kubelet cannot resolve it, so the probe "
        "always fails and the kubelet restarts the container over and over"
    )


def test_with_restart_policy_never_a_failing_liveness_probe_fails_the_pod() -> None:
    # Regression: the message said the kubelet restarts the container, which Never forbids.
    [d] = lint("""
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: migrate
        spec:
          template:
            spec:
              restartPolicy: Never
              containers:
                - name: migrate
                  image: migrate
                  livenessProbe: {httpGet: {path: /live, port: http}}
    """)
    assert (d.rule, d.span.line) == ("probe-port-not-found", 12)
    assert d.message.endswith("the kubelet cannot resolve it, so the probe always fails and the kubelet kills "
                              "the container, which restartPolicy Never does not restart: the pod fails")


def test_probe_port_names_resolve_whatever_the_protocol_and_numbers_always_resolve() -> None:
    assert found("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: dns
        spec:
          containers:
            - name: dns
              image: coredns/coredns
              ports: [{name: dns, containerPort: 53, protocol: UDP}]
              readinessProbe: {tcpSocket: {port: dns}}
              livenessProbe: {httpGet: {path: /health, port: 8080}}
              startupProbe: {grpc: {port: 9000}}
    """) == []


def test_lifecycle_hooks_resolve_named_ports_like_probes() -> None:
    diagnostics = lint("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          containers:
            - name: web
              image: nginx
              ports: [{name: http, containerPort: 8080}]
              lifecycle:
                postStart:
                  httpGet: {path: /warm, port: admin}
                preStop:
                  httpGet: {path: /drain, port: http}
    """)
    assert [(d.rule, d.span.line, d.span.column) for d in diagnostics] == [("probe-port-not-found", 12, 40)]
    assert diagnostics[0].message.endswith("so the hook fails and the kubelet kills the container "
                                           "(FailedPostStartHook)")


def test_invalid_probe_port_name_is_only_invalid() -> None:
    assert found("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          containers:
            - name: web
              image: nginx
              readinessProbe: {httpGet: {path: /, port: Http}}
    """) == [("invalid-port", 9, 49)]


def test_sidecar_probes_are_resolved_in_the_sidecar() -> None:
    assert found("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          initContainers:
            - name: proxy
              image: envoy
              restartPolicy: Always
              ports: [{name: admin, containerPort: 9901}]
              readinessProbe: {httpGet: {path: /ready, port: admin}}
              startupProbe: {httpGet: {path: /ready, port: web}}
          containers:
            - name: web
              image: nginx
              ports: [{name: web, containerPort: 8080}]
    """) == [("probe-port-not-found", 12, 52)]


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
