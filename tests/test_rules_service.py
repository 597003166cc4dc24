"""The API-server parity rules, as documentation: a manifest in, the exact diagnostics out.

invalid-service-field (SVC503), duplicate-object (SVC601) and ``svclint check --kube-version``.
Expectations are ``(rule, line, column)``, 1-based, line 1 being the first line of the manifest.
The cases of invalid-label (SVC103), job-selector-not-allowed (SVC104), healthCheckNodePort as a
node port claim (SVC301, SVC302), node-port-outside-static-band (SVC304), headless-service-type
(SVC501) and service-ports-required (SVC502) are fixtures in tests/rules/; the static band formula,
called directly, stays here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import found, lint, manifest, text_at, where
from typer.testing import CliRunner

from svclint.cli import app
from svclint.k8s import quote, static_band_size

# ================================================================================================
# healthCheckNodePort: a claim on the node port pool (node-port-out-of-range, node-port-collision)
# ================================================================================================

HEALTH_CHECK = """
    apiVersion: v1
    kind: Service
    metadata:
      name: lb
    spec:
      type: {type}
      externalTrafficPolicy: {policy}
      healthCheckNodePort: {health}
      ports: [{{port: 80, nodePort: 30080}}]
"""


# ================================================================================================
# node-port-outside-static-band
# ================================================================================================


def test_default_static_band_is_30000_to_30085() -> None:
    assert static_band_size(30000, 32767) == 86


@pytest.mark.parametrize(("low", "high", "band"), [
    (30000, 30015, 0),  # 16 ports or fewer: no static band
    (30000, 30016, 16),  # 17/32 = 0, at least 16
    (30000, 30599, 18),  # 600/32
    (20000, 24095, 128),  # 4096/32
    (1, 65535, 128),  # at most 128
])
def test_static_band_size_formula(low: int, high: int, band: int) -> None:
    assert static_band_size(low, high) == band


# ================================================================================================
# invalid-service-field
# ================================================================================================

SERVICE = """
    apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      type: {type}
      {field}
      ports: [{{port: 80}}]
"""


@pytest.mark.parametrize("field", [
    "loadBalancerSourceRanges: [10.0.0.0/8]",
    "allocateLoadBalancerNodePorts: false",
    "loadBalancerClass: example.com/internal",
])
@pytest.mark.parametrize("service_type", ["ClusterIP", "NodePort", "ExternalName"])
def test_load_balancer_only_fields(field: str, service_type: str) -> None:
    text = SERVICE.format(type=service_type, field=field)
    if service_type == "ExternalName":
        text = text.replace("ports:", "externalName: web.example.com\n      ports:")
    [d] = lint(text)
    name = field.split(":")[0]
    assert (d.rule, d.span.line, d.span.column) == ("invalid-service-field", 7, 3)
    assert d.message == (
        f"{name} may only be used when type is LoadBalancer, not {service_type}: the API server rejects the Service"
    )
    assert text_at(text, d) == name
    assert found(SERVICE.format(type="LoadBalancer", field=field)) == []


@pytest.mark.parametrize(("value", "problem"), [
    ("HTTP/2", "has prefix 'HTTP', which is not a lowercase DNS subdomain"),
    ("''", "has an empty name"),
    ("h2c!", "name"),
])
def test_app_protocol_must_be_a_qualified_name(value: str, problem: str) -> None:
    text = SERVICE.format(type="ClusterIP", field="").replace("[{port: 80}]", f"[{{port: 80, appProtocol: {value}}}]")
    [d] = lint(text)
    assert (d.rule, d.span.line, d.span.column) == ("invalid-service-field", 8, 35)
    assert text_at(text, d).startswith(value[:2])
    assert d.message.startswith(f"appProtocol {quote(value.strip(chr(39)))} of spec.ports[0] is not a qualified name: it ")
    assert problem in d.message


@pytest.mark.parametrize("value", ["http", "HTTP", "kubernetes.io/h2c", "kubernetes.io/ws", "example.com/My_Proto"])
def test_app_protocols_that_are_qualified_names(value: str) -> None:
    assert found(SERVICE.format(type="ClusterIP", field="").replace(
        "[{port: 80}]", f"[{{port: 80, appProtocol: {value}}}]")) == []


def test_ip_families_once_each_and_single_stack_with_one() -> None:
    text = SERVICE.format(type="ClusterIP", field="ipFamilyPolicy: SingleStack\n      ipFamilies: [IPv4, IPv4]")
    policy, repeated = lint(text)
    assert (policy.rule, policy.span.line, policy.span.column) == ("invalid-service-field", 7, 19)
    assert policy.message.startswith("ipFamilyPolicy SingleStack with two ipFamilies: the API server rejects")
    assert (repeated.span.line, repeated.span.column) == (8, 22)
    assert text_at(text, repeated) == "IPv4"
    assert repeated.message == "ipFamilies lists IPv4 twice: the API server rejects the Service (Duplicate value)"
    dual = "ipFamilyPolicy: PreferDualStack\n      ipFamilies: [IPv4, IPv6]"
    assert found(SERVICE.format(type="ClusterIP", field=dual)) == []
    two_ips = "ipFamilyPolicy: SingleStack\n      clusterIP: 10.96.0.10\n      clusterIPs: [10.96.0.10, fd00::10]"
    assert found(SERVICE.format(type="ClusterIP", field=two_ips)) == [("invalid-service-field", 7, 19)]


@pytest.mark.parametrize(("value", "version", "expected"), [
    ("PreferClose", (1, 31), None),
    ("PreferSameZone", (1, 34), None),
    ("PreferSameNode", (1, 35), None),
    ("Anything", (1, 30), None),  # dropped on create before the gate was on by default
    ("preferclose", (1, 34), "it must be one of PreferClose, PreferSameZone, PreferSameNode"),
    ("PreferSameZone", (1, 33), "it is served from Kubernetes 1.34 and the target is 1.33"),
    ("", (1, 31), "it must be PreferClose"),
])
def test_traffic_distribution_values_by_release(value: str, version: tuple[int, int], expected: str | None) -> None:
    text = SERVICE.format(type="ClusterIP", field=f"trafficDistribution: '{value}'")
    diagnostics = lint(text, kube_version=version)
    if expected is None:
        assert diagnostics == []
        return
    [d] = diagnostics
    assert (d.rule, d.span.line, d.span.column) == ("invalid-service-field", 7, 24)
    assert d.message == (f"trafficDistribution {quote(value)} is not supported: {expected}; the API server "
                         "rejects the Service (Unsupported value)")
    if value == "preferclose":
        assert d.help == "did you mean PreferClose?"


def test_source_ranges_annotation_is_load_balancer_only_too() -> None:
    text = """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          annotations:
            service.beta.kubernetes.io/load-balancer-source-ranges: "10.0.0.0/8, 192.168.0.0/16"
        spec:
          ports: [{port: 80}]
    """
    [d] = lint(text)
    assert (d.rule, d.span.line, d.span.column) == ("invalid-service-field", 6, 5)
    assert d.message.startswith("annotation service.beta.kubernetes.io/load-balancer-source-ranges may only be used")
    assert found(text.replace("spec:", "spec:\n          type: LoadBalancer")) == []


@pytest.mark.parametrize(("value", "shown"), [
    ("10.0.0.1", "'10.0.0.1'"),  # an address without /len
    ("10.0.0.0/33", "'10.0.0.0/33'"),
    ("'  '", "''"),
    ("'10.0.0.0/8,10.1.0.0/16'", "'10.0.0.0/8,10.1.0.0/16'"),  # one CIDR per list item
    ("2001:db8::/129", "'2001:db8::/129'"),
])
def test_source_ranges_that_are_not_cidrs(value: str, shown: str) -> None:
    text = SERVICE.format(type="LoadBalancer", field=f"loadBalancerSourceRanges: [203.0.113.0/24, {value}]")
    [d] = lint(text)
    assert (d.rule, d.span.line) == ("invalid-service-field", 7)
    assert d.message == (
        f"{shown} in loadBalancerSourceRanges is not a CIDR such as 10.0.0.0/8 or 2001:db8::/64: "
        "the API server rejects the Service"
    )


@pytest.mark.parametrize("value", [
    "10.0.0.0/8", "' 10.0.0.0/8 '", "0.0.0.0/0", "2001:db8::/64", "::/0",
])
def test_source_ranges_the_api_server_accepts(value: str) -> None:
    # Padding spaces are accepted; host bits and leading zeros get a warning (test_rules_regressions.py).
    assert found(SERVICE.format(type="LoadBalancer", field=f"loadBalancerSourceRanges: [{value}]")) == []


def test_invalid_cidr_in_the_annotation() -> None:
    text = """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          annotations:
            service.beta.kubernetes.io/load-balancer-source-ranges: "10.0.0.0/8,,10.1.0.0"
        spec:
          type: LoadBalancer
          ports: [{port: 80}]
    """
    diagnostics = lint(text)
    assert where(diagnostics) == [("invalid-service-field", 6, 61)] * 2
    assert ["''" in d.message or "'10.1.0.0'" in d.message for d in diagnostics] == [True, True]


@pytest.mark.parametrize(("service_type", "extra"), [
    ("ClusterIP", ""),
    ("ExternalName", "externalName: web.example.com"),
])
def test_external_traffic_policy_needs_an_externally_accessible_service(service_type: str, extra: str) -> None:
    text = SERVICE.format(type=service_type, field=f"externalTrafficPolicy: Cluster\n      {extra}")
    [d] = lint(text)
    assert (d.rule, d.span.line, d.span.column) == ("invalid-service-field", 7, 3)
    assert d.message.startswith("externalTrafficPolicy may only be set for externally accessible Services")


@pytest.mark.parametrize(("service_type", "extra"), [
    ("NodePort", ""),
    ("LoadBalancer", ""),
    ("ClusterIP", "externalIPs: [198.51.100.10]"),
])
def test_external_traffic_policy_on_externally_accessible_services(service_type: str, extra: str) -> None:
    assert found(SERVICE.format(type=service_type, field=f"externalTrafficPolicy: Local\n      {extra}")) == []


def test_health_check_node_port_only_for_load_balancer_with_local_policy() -> None:
    text = HEALTH_CHECK.format(type="LoadBalancer", policy="Cluster", health=30081)
    [d] = lint(text)
    assert (d.rule, d.span.line, d.span.column) == ("invalid-service-field", 8, 3)
    assert d.message == (
        "healthCheckNodePort may only be set when type is LoadBalancer and externalTrafficPolicy is Local: "
        "the API server rejects the Service"
    )
    assert found(HEALTH_CHECK.format(type="LoadBalancer", policy="Local", health=30081)) == []
    assert found(HEALTH_CHECK.format(type="LoadBalancer", policy="Cluster", health=0)) == []


@pytest.mark.parametrize(("address", "reason"), [
    ("not-an-ip", "is not an IP address"),
    ("10.0.0.1/32", "is not an IP address"),
    ("fe80::1%eth0", "is not an IP address"),
    ("0.0.0.0", "is unspecified (0.0.0.0 or ::)"),
    ("'::'", "is unspecified (0.0.0.0 or ::)"),
    ("127.0.0.1", "is in the loopback range (127.0.0.0/8, ::1/128)"),
    ("'::ffff:127.0.0.1'", "is in the loopback range (127.0.0.0/8, ::1/128)"),
    ("169.254.169.254", "is in the link-local range (169.254.0.0/16, fe80::/10)"),
    ("'fe80::1'", "is in the link-local range (169.254.0.0/16, fe80::/10)"),
    ("224.0.0.251", "is in the link-local multicast range (224.0.0.0/24, ff02::/16)"),
    ("'ff02::fb'", "is in the link-local multicast range (224.0.0.0/24, ff02::/16)"),
])
def test_invalid_external_ips(address: str, reason: str) -> None:
    text = SERVICE.format(type="ClusterIP", field=f"externalIPs: [198.51.100.10, {address}]")
    [d] = lint(text)
    assert (d.rule, d.span.line) == ("invalid-service-field", 7)
    assert d.message == f"externalIP {address.strip(chr(39))!r} {reason}: the API server rejects the Service"


def test_huge_numbers_in_addresses_are_invalid_not_a_crash() -> None:
    digits = "1" * 5000  # more digits than Python converts to int
    text = SERVICE.format(type="LoadBalancer", field=f"externalIPs: ['{digits}.1.1.1']\n      "
                          f"loadBalancerSourceRanges: ['10.0.0.0/{digits}']")
    diagnostics = lint(text)
    assert where(diagnostics) == [("invalid-service-field", 7, 17), ("invalid-service-field", 8, 30)]
    assert diagnostics[0].message.startswith("externalIP '1111")
    assert diagnostics[1].message.startswith("'10.0.0.0/1111")
    assert "...' in loadBalancerSourceRanges is not a CIDR" in diagnostics[1].message  # quoted, cut short


@pytest.mark.parametrize("address", ["198.51.100.10", "2001:db8::10", "224.0.1.1", "10.0.0.1"])
def test_external_ips_the_api_server_accepts(address: str) -> None:
    assert found(SERVICE.format(type="NodePort", field=f"externalIPs: ['{address}']")) == []


@pytest.mark.parametrize(("timeout", "expected"), [
    (1, []),
    (86400, []),  # the message says "less than 86400", but 86400 is accepted
    (0, [("invalid-service-field", 9, 23)]),
    (86401, [("invalid-service-field", 9, 23)]),
    (-5, [("invalid-service-field", 9, 23)]),
])
def test_client_ip_affinity_timeout(timeout: int, expected: list[tuple[str, int, int]]) -> None:
    text = f"""
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          sessionAffinity: ClientIP
          sessionAffinityConfig:
            clientIP:
              timeoutSeconds: {timeout}
          ports: [{{port: 80}}]
    """
    diagnostics = lint(text)
    assert where(diagnostics) == expected
    if expected:
        assert diagnostics[0].message.startswith(f"sessionAffinityConfig.clientIP.timeoutSeconds {timeout} is outside 1-86400")
    # With sessionAffinity None, defaulting drops the config: nothing is validated.
    assert found(text.replace("ClientIP\n", "None\n", 1)) == []


def test_load_balancer_class_must_be_a_qualified_name() -> None:
    text = SERVICE.format(type="LoadBalancer", field="loadBalancerClass: 'Example.com/internal'")
    [d] = lint(text)
    assert (d.rule, d.span.line, d.span.column) == ("invalid-service-field", 7, 22)
    assert d.message.startswith("loadBalancerClass 'Example.com/internal' is not a qualified name: it has prefix")


def test_several_invalid_fields_are_each_reported() -> None:
    text = """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
        spec:
          type: ClusterIP
          externalTrafficPolicy: Local
          healthCheckNodePort: 30081
          loadBalancerSourceRanges: [10.0.0.0/8]
          ports: [{port: 80}]
    """
    assert found(text) == [
        ("invalid-service-field", 7, 3),
        ("invalid-service-field", 8, 3),
        ("invalid-service-field", 9, 3),
    ]


def test_external_name_fields_are_not_reported_twice() -> None:
    # external-name-forbidden-field and -ignored-field own clusterIP, selector and nodePort;
    # invalid-service-field owns the type-bound fields.
    text = """
        apiVersion: v1
        kind: Service
        metadata:
          name: db
        spec:
          type: ExternalName
          externalName: db.example.com.
          clusterIP: None
          selector: {app: db}
          loadBalancerSourceRanges: [10.0.0.0/8]
          ports: [{port: 5432, nodePort: 30432}]
    """
    assert found(text) == [
        ("external-name-forbidden-field", 8, 3),
        ("external-name-ignored-field", 9, 3),
        ("invalid-service-field", 10, 3),
        ("external-name-ignored-field", 11, 34),
    ]


def test_external_name_with_a_trailing_dot_is_clean() -> None:
    # Trap: one trailing dot marks a fully qualified name; no ports, no selector needed.
    assert found("""
        apiVersion: v1
        kind: Service
        metadata:
          name: db
        spec:
          type: ExternalName
          externalName: db.example.com.
    """) == []


MIXED = """
    apiVersion: v1
    kind: Service
    metadata:
      name: dns
    spec:
      type: {type}
      ports:
        - {{name: dns-tcp, port: 53, protocol: TCP}}
        - {{name: dns-udp, port: 53, protocol: UDP}}
"""


@pytest.mark.parametrize(("version", "expected"), [
    ((1, 23), [("invalid-service-field", 7, 3)]),
    ((1, 24), []),  # MixedProtocolLBService beta, on by default
    ((1, 34), []),
])
def test_mixed_protocol_load_balancer_depends_on_the_version(version: tuple[int, int],
                                                            expected: list[tuple[str, int, int]]) -> None:
    diagnostics = lint(MIXED.format(type="LoadBalancer"), kube_version=version)
    assert where(diagnostics) == expected
    if expected:
        assert diagnostics[0].message.startswith(
            "a LoadBalancer Service may not mix protocols (TCP, UDP) before Kubernetes 1.24, and the target is 1.23")
    assert found(MIXED.format(type="NodePort"), kube_version=version) == []


def test_protocol_defaults_to_tcp_when_mixing() -> None:
    text = MIXED.format(type="LoadBalancer").replace(", protocol: TCP", "")
    assert found(text, kube_version=(1, 20)) == [("invalid-service-field", 7, 3)]
    assert found(text.replace("UDP", "TCP").replace("port: 53, protocol: TCP", "port: 54"), kube_version=(1, 20)) == []


# ================================================================================================
# duplicate-object
# ================================================================================================

TWO_SERVICES = """
    apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      ports: [{{port: 80}}]
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: web
      {namespace}
    spec:
      ports: [{{port: {port}}}]
"""


def test_same_object_twice_in_one_file_with_different_content() -> None:
    text = TWO_SERVICES.format(namespace="", port=8080)
    [d] = lint(text)
    assert (d.rule, d.severity.label, d.span.line, d.span.column) == ("duplicate-object", "warning", 11, 9)
    assert d.message == (
        "Service default/web is defined twice in this file with different content: `kubectl apply` applies "
        "both in order, so only this later definition reaches the cluster (`kubectl create` fails on it)"
    )
    assert [(r.message, r.span.line, r.span.column) for r in d.related] == [
        ("first definition of Service default/web", 4, 9),
    ]


@pytest.mark.parametrize("namespace", ["", "namespace: default"])
def test_an_identical_repeat_is_fine(namespace: str) -> None:
    # The default namespace written out or left to the default is the same object.
    assert found(TWO_SERVICES.format(namespace=namespace, port=80)) == []


def test_same_name_in_another_namespace_is_another_object() -> None:
    assert found(TWO_SERVICES.format(namespace="namespace: shop", port=8080)) == []


def test_the_default_namespace_setting_decides_identity() -> None:
    text = TWO_SERVICES.format(namespace="namespace: shop", port=8080)
    assert found(text, default_namespace="shop") == [("duplicate-object", 11, 9)]


def test_definitions_in_different_files_are_not_compared() -> None:
    # Alternatives (variants, kustomize base and overlay, rendered copies) live in separate files.
    first, second = TWO_SERVICES.format(namespace="", port=8080).split("---")
    assert found(first, second) == []


def test_every_later_definition_is_compared_with_the_first() -> None:
    text = TWO_SERVICES.format(namespace="", port=8080) + TWO_SERVICES.format(namespace="", port=80).replace(
        "\n    apiVersion", "\n    ---\n    apiVersion", 1)
    assert found(text) == [("duplicate-object", 11, 9)]


def test_list_items_count_as_definitions_in_the_file() -> None:
    assert found("""
        apiVersion: v1
        kind: List
        items:
          - {apiVersion: v1, kind: Service, metadata: {name: web}, spec: {ports: [{port: 80}]}}
          - {apiVersion: v1, kind: Service, metadata: {name: web}, spec: {ports: [{port: 81}]}}
    """) == [("duplicate-object", 5, 54)]


def test_generate_name_makes_a_new_object_every_time() -> None:
    assert found("""
        apiVersion: batch/v1
        kind: Job
        metadata: {generateName: seed-}
        spec:
          template:
            spec: {restartPolicy: Never, containers: [{name: s, image: busybox}]}
        ---
        apiVersion: batch/v1
        kind: Job
        metadata: {generateName: seed-}
        spec:
          backoffLimit: 1
          template:
            spec: {restartPolicy: Never, containers: [{name: s, image: busybox}]}
    """) == []


@pytest.mark.parametrize(("leaf", "expected"), [("x", []), ("y", [("duplicate-object", 13, 9)])])
def test_definitions_holding_alias_bombs_are_compared_quickly(leaf: str, expected: list[tuple[str, int, int]]) -> None:
    # Each definition expands to 10**8 leaves; comparing them must not walk every path.
    def bomb(last: str) -> str:
        levels = [f"a: &a [{', '.join([last] * 10)}]"]
        levels += [f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]" for i in range(7)]
        return "{" + ", ".join(levels) + "}"
    service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations: {{}}\nspec:\n  ports: [{{port: 80}}]\n  x: {data}\n"
    text = service.format(data=bomb("x")) + "---\n" + service.format(data=bomb(leaf))
    assert found(text) == expected


def test_different_kinds_with_one_name_are_different_objects() -> None:
    assert found("""
        apiVersion: v1
        kind: Service
        metadata: {name: web}
        spec: {selector: {app: web}, ports: [{port: 80}]}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: nginx}]}
    """) == []


# ================================================================================================
# svclint check --kube-version
# ================================================================================================


def _cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str, str]:
    """Run ``svclint check ARGS svc.yaml`` on a LoadBalancer mixing TCP and UDP."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "svc.yaml").write_text(manifest(MIXED.format(type="LoadBalancer")), encoding="utf-8")
    result = CliRunner().invoke(app, ["check", *args, "svc.yaml"])
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("version", ["1.23", "v1.23", "1.23.7"])
def test_cli_kube_version_before_mixed_protocol_load_balancers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               version: str) -> None:
    code, out, err = _cli(tmp_path, monkeypatch, "--kube-version", version)
    assert (code, err) == (1, "")
    assert out.startswith("svc.yaml:7:3: error SVC503 invalid-service-field: a LoadBalancer Service may not "
                          "mix protocols (TCP, UDP) before Kubernetes 1.24, and the target is 1.23:")
    assert out.endswith("1 error, 0 warnings, 0 infos in 1 file, 1 object\n")


@pytest.mark.parametrize("options", [(), ("--kube-version", "1.24"), ("--kube-version=1.34",)])
def test_cli_kube_version_default_and_newer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            options: tuple[str, ...]) -> None:
    assert _cli(tmp_path, monkeypatch, *options) == (0, "0 errors, 0 warnings, 0 infos in 1 file, 1 object\n", "")


@pytest.mark.parametrize("version", ["1", "latest", "1.x", "", "1.2.3.4"])
def test_cli_bad_kube_version_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: str) -> None:
    code, out, err = _cli(tmp_path, monkeypatch, "--kube-version", version)
    assert (code, out) == (2, "")
    assert err == (f"svclint: error: --kube-version: invalid Kubernetes version {version!r}: "
                   "expected MAJOR.MINOR, e.g. 1.30\n")


def test_cli_kube_version_is_in_the_help() -> None:
    result = CliRunner().invoke(app, ["check", "--help"], env={"COLUMNS": "200"})
    assert "--kube-version" in result.stdout
    assert "[default: (1.34)]" in result.stdout
