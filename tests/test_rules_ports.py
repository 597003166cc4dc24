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


def test_port_name_twice_in_one_container_is_an_error_whatever_the_protocol() -> None:
    text = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: dns
        spec:
          containers:
            - name: dns
              image: coredns/coredns
              ports:
                - name: dns
                  containerPort: 53
                  protocol: UDP
                - name: dns
                  containerPort: 53
                  protocol: TCP
    """
    [d] = lint(text)
    assert (d.rule, d.span.line, d.span.column, d.severity) == ("duplicate-container-port", 13, 17, Severity.ERROR)
    assert d.message == ("port name 'dns' is declared twice in container 'dns': the API server rejects the Pod "
                         "(Duplicate value)")
    assert [(r.message, r.span.line, r.span.column) for r in d.related] == [
        ("first declared here, in container 'dns'", 10, 17)]


def test_a_rejected_port_gets_its_error_and_no_warning() -> None:
    # The API server sends warnings only for objects it accepts.
    diagnostics = lint("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          containers:
            - name: api
              image: api
              ports: [{name: http, containerPort: 9000}]
            - name: web
              image: nginx
              ports:
                - {name: http, containerPort: 8080}
                - {name: http, containerPort: 8080}
    """)
    assert [(d.span.line, d.span.column, d.severity) for d in diagnostics] == [
        (13, 18, Severity.WARNING),  # the name of container 'api' again
        (14, 18, Severity.ERROR),  # twice in container 'web': no warning for its name or number
    ]


def test_tcp_and_udp_of_one_number_with_their_own_names_are_fine() -> None:
    assert found("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: dns
        spec:
          containers:
            - name: dns
              image: coredns/coredns
              ports:
                - {name: dns, containerPort: 53, protocol: UDP}
                - {name: dns-tcp, containerPort: 53, protocol: TCP}
    """) == []


def test_same_port_name_in_two_containers_is_a_warning() -> None:
    text = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          containers:
            - name: web
              image: nginx
              ports: [{name: metrics, containerPort: 9090}]
            - name: exporter
              image: nginx-exporter
              ports: [{name: metrics, containerPort: 9113}]
    """
    [d] = lint(text)
    assert (d.rule, d.span.line, d.span.column, d.severity) == (
        "duplicate-container-port", 12, 22, Severity.WARNING)
    assert d.message.startswith("port name 'metrics' of container 'exporter' is also used by container 'web': "
                                "a Service targetPort 'metrics' reaches only the first port")
    assert [(r.span.line, r.span.column) for r in d.related] == [(9, 22)]


def test_sidecars_count_for_port_names_and_are_visited_first() -> None:
    # The API server visits sidecars (restartable init containers) before the containers.
    assert found("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          initContainers:
            - name: migrate
              image: web
              ports: [{name: http, containerPort: 8080}]
            - name: proxy
              image: envoy
              restartPolicy: Always
              ports: [{name: admin, containerPort: 9901}]
          containers:
            - name: web
              image: nginx
              ports: [{name: admin, containerPort: 9000}, {name: http, containerPort: 8000}]
    """) == [("duplicate-container-port", 17, 22)]


def test_same_port_name_in_another_pod_is_fine() -> None:
    assert found("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          containers:
            - name: web
              image: nginx
              ports: [{name: http, containerPort: 8080}]
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: api
        spec:
          containers:
            - name: api
              image: api
              ports: [{name: http, containerPort: 8080}]
    """) == []


def test_same_container_port_twice_warns_like_the_api_server() -> None:
    diagnostics = lint("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          initContainers:
            - name: setup
              image: web
              ports: [{containerPort: 8080}]
          containers:
            - name: web
              image: nginx
              ports:
                - {name: http, containerPort: 80}
                - {name: https, containerPort: 80}
            - name: sidecar
              image: envoy
              ports: [{containerPort: 8080}, {containerPort: 80, protocol: UDP}]
    """)
    assert [(d.rule, d.span.line, d.span.column, d.severity) for d in diagnostics] == [
        ("duplicate-container-port", 15, 40, Severity.WARNING),
        ("duplicate-container-port", 18, 31, Severity.WARNING),
    ]
    same_container, after_init = (d.message for d in diagnostics)
    assert same_container == (
        "containerPort 80/TCP of container 'web' is also declared by another port of the same container: the "
        "API server warns \"duplicate port definition\"; `kubectl apply --server-side` fails on it (\"duplicate "
        "entries for key\") and client-side apply can drop one of the entries on update"
    )
    assert after_init.startswith("containerPort 8080/TCP of container 'sidecar' is also declared by init "
                                 "container 'setup': the API server warns")
    assert after_init.endswith("an init container exits before the next container starts, so they do not "
                               "collide at runtime")


def test_a_sidecar_keeps_running_while_later_init_containers_run() -> None:
    diagnostics = lint("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          initContainers:
            - name: proxy
              image: envoy
              restartPolicy: Always
              ports: [{containerPort: 15000}]
            - name: warmup
              image: web
              ports: [{containerPort: 15000}]
          containers:
            - name: web
              image: nginx
    """)
    assert [(d.span.line, d.severity) for d in diagnostics] == [(13, Severity.WARNING)]
    assert diagnostics[0].message.endswith(
        "the sidecar is still running when the init container starts: containers of a pod share one "
        "network namespace, so only one of them can listen on it")


def test_overlapping_and_ambiguous_host_ports_warn_like_the_api_server() -> None:
    diagnostics = lint("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          containers:
            - name: a
              image: nginx
              ports: [{containerPort: 80, hostPort: 80}, {containerPort: 443, hostPort: 443}]
            - name: b
              image: nginx
              ports: [{containerPort: 80}, {containerPort: 443, hostPort: 443, hostIP: 10.0.0.1}]
            - name: c
              image: nginx
              ports: [{containerPort: 443, hostPort: 8443}]
    """)
    assert [(d.span.line, d.span.column, d.severity) for d in diagnostics] == [
        (12, 31, Severity.WARNING),
        (12, 52, Severity.WARNING),
    ]
    assert "(one of them with a hostPort): the API server warns \"overlapping port definition\"" in (
        diagnostics[0].message)
    assert "the API server warns \"dangerously ambiguous port definition\"" in diagnostics[1].message


def test_two_ports_without_host_port_but_with_different_host_ips_overlap() -> None:
    # Regression: the message said "one of them with a hostPort" when neither had one.
    [d] = lint("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          containers:
            - {name: a, image: nginx, ports: [{containerPort: 8080}]}
            - {name: b, image: nginx, ports: [{containerPort: 8080, hostIP: 10.0.0.1}]}
    """)
    assert (d.span.line, d.span.column, d.severity) == (8, 55, Severity.WARNING)
    assert d.message.startswith("containerPort 8080/TCP of container 'b' is also declared by container 'a' "
                                "(with different hostIPs): the API server warns \"overlapping port definition\"")


def test_port_definition_warnings_came_with_kubernetes_1_26() -> None:
    text = """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          containers:
            - {name: a, image: nginx, ports: [{containerPort: 8080}]}
            - {name: b, image: nginx, ports: [{containerPort: 8080}]}
    """
    [current] = lint(text)
    [older] = lint(text, kube_version=(1, 25))
    assert ": the API server warns \"duplicate port definition\"" in current.message
    assert ": API servers from 1.26 warn \"duplicate port definition\"" in older.message


def test_host_port_claimed_twice_is_an_error_and_not_also_a_warning() -> None:
    text = """
        apiVersion: apps/v1
        kind: DaemonSet
        metadata:
          name: agent
        spec:
          selector:
            matchLabels: {app: agent}
          template:
            metadata:
              labels: {app: agent}
            spec:
              containers:
                - name: agent
                  image: agent
                  ports: [{containerPort: 8125, hostPort: 8125, protocol: UDP}]
                - name: statsd
                  image: statsd
                  ports: [{containerPort: 8125, hostPort: 8125, protocol: UDP}]
    """
    [d] = lint(text)
    assert (d.rule, d.span.line, d.span.column, d.severity) == ("duplicate-container-port", 18, 51, Severity.ERROR)
    assert d.message == ("hostPort 8125/UDP of container 'statsd' is already claimed by container 'agent': the "
                         "API server rejects the DaemonSet (Duplicate value)")
    assert [(r.span.line, r.span.column) for r in d.related] == [(15, 51)]


def test_host_ports_of_init_containers_are_checked_one_container_at_a_time() -> None:
    # Init containers run one by one: only a repeat inside one of them is rejected.
    assert found("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          initContainers:
            - name: first
              image: busybox
              ports: [{containerPort: 80, hostPort: 8080}, {containerPort: 81, hostPort: 8080}]
            - name: second
              image: busybox
              ports: [{containerPort: 82, hostPort: 8080}]
          containers:
            - name: web
              image: nginx
              ports: [{containerPort: 83, hostPort: 8080}]
    """) == [("duplicate-container-port", 9, 82)]


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
