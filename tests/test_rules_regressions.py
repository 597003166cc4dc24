"""Regressions found by the verdict corpus (tests/rules, tests/test_fixtures.py).

Each test is a manifest where svclint disagreed with the API server's verdict, read from the
Kubernetes source: the exact diagnostics now, plus the wording where it matters.
"""

from __future__ import annotations

import pytest
from conftest import found, lint, text_at

from svclint.diagnostics import Severity

SERVICE = """
    apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      {field}
      ports:
        - port: 80
"""

DEPLOYMENT = """
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
    spec:
      selector:
        matchLabels: {{app: web}}
      template:
        metadata:
          labels: {{app: web}}
        spec:
          {pod_field}
          containers:
            - name: web
              image: nginx:1.27
              ports:
                - name: http
                  containerPort: 8080
                  {port_field}
              readinessProbe:
                httpGet:
                  port: http
                  {probe_field}
"""


# --- "" is the unset value of defaulted enums (SetDefaults_Service, SetDefaults_PodSpec, ...) ------------


@pytest.mark.parametrize("field", [
    'type: ""',  # SetDefaults_Service: ClusterIP
    'sessionAffinity: ""',  # SetDefaults_Service: None
    'externalTrafficPolicy: ""',  # left empty on ClusterIP; Cluster where it applies
    'type: NodePort\n      externalTrafficPolicy: ""',
])
def test_an_empty_defaulted_service_field_is_unset_not_a_schema_violation(field: str) -> None:
    assert found(SERVICE.format(field=field)) == []


BACKED_SERVICE = """
    apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      selector: {{app: web}}
      ports:
        - port: 80
          targetPort: http
          {port_field}
    ---
"""


def test_an_empty_service_port_protocol_is_tcp() -> None:
    # The named targetPort still resolves against the TCP container port of the Deployment.
    deployment = DEPLOYMENT.format(pod_field="", port_field="", probe_field="")
    assert found(BACKED_SERVICE.format(port_field='protocol: ""') + deployment) == []
    udp = found(BACKED_SERVICE.format(port_field="protocol: UDP") + deployment)
    assert udp == [("target-port-name-not-found", 9, 19)]


@pytest.mark.parametrize(("pod_field", "port_field", "probe_field"), [
    ('restartPolicy: ""', "", ""),  # SetDefaults_PodSpec: Always
    ("", 'protocol: ""', ""),  # ContainerPort +default=TCP
    ("", "", 'scheme: ""'),  # SetDefaults_HTTPGetAction: HTTP
])
def test_an_empty_defaulted_pod_field_is_unset_not_a_schema_violation(
        pod_field: str, port_field: str, probe_field: str) -> None:
    assert found(DEPLOYMENT.format(pod_field=pod_field, port_field=port_field, probe_field=probe_field)) == []


def test_an_empty_container_port_protocol_matches_a_tcp_target_port() -> None:
    deployment = DEPLOYMENT.format(pod_field="", port_field='protocol: ""', probe_field="")
    assert found(BACKED_SERVICE.format(port_field="protocol: TCP") + deployment) == []


def test_an_empty_protocol_is_not_a_second_protocol_before_mixed_load_balancers() -> None:
    text = """
        apiVersion: v1
        kind: Service
        metadata:
          name: dns
        spec:
          type: LoadBalancer
          ports:
            - {name: a, port: 53, protocol: ""}
            - {name: b, port: 54, protocol: TCP}
    """
    assert found(text, kube_version=(1, 23)) == []
    assert found(text.replace("TCP", "UDP"), kube_version=(1, 23)) == [("invalid-service-field", 7, 3)]


def test_an_empty_internal_traffic_policy_is_still_a_violation() -> None:
    # A pointer field: "" is not nil, so it is not defaulted, and NotSupported.
    [d] = lint(SERVICE.format(field='internalTrafficPolicy: ""'))
    assert (d.rule, d.span.line, d.span.column) == ("schema-violation", 6, 26)
    assert d.message == "spec.internalTrafficPolicy must be one of Cluster, Local, not the string ''"


def test_enum_messages_do_not_offer_the_empty_string() -> None:
    [d] = lint(SERVICE.format(field="sessionAffinity: Sticky"))
    assert d.message == "spec.sessionAffinity must be one of None, ClientIP, not the string 'Sticky'"


# --- GetWarningsForService: valid source ranges and external IPs in ambiguous or non-standard forms ------

FUTURE = 'which "will be considered invalid in a future Kubernetes release"'
LB_RANGES = SERVICE.format(field="type: LoadBalancer\n      loadBalancerSourceRanges: [{value}]")


@pytest.mark.parametrize(("value", "problem", "better"), [
    ("10.1.2.3/8", "has bits set after the prefix length, which the API server calls ambiguous",
     "10.0.0.0/8 for the network or 10.1.2.3/32 for one address"),
    ("2001:db8::1/64", "has bits set after the prefix length, which the API server calls ambiguous",
     "2001:db8::/64 for the network or 2001:db8::1/128 for one address"),
    ("010.0.0.0/8", f"has leading zeros, {FUTURE}", "10.0.0.0/8"),
    ("10.0.0.0/08", f"has leading zeros in the prefix length, {FUTURE}", "10.0.0.0/8"),
    ("'::ffff:10.0.0.0/104'", f"is an IPv4-mapped IPv6 address, {FUTURE}", "10.0.0.0/8"),
    ("'2001:DB8::/32'", "is not in RFC 5952 canonical form", "2001:db8::/32"),
])
def test_source_ranges_the_api_server_accepts_with_a_warning(value: str, problem: str, better: str) -> None:
    text = LB_RANGES.format(value=value)
    [d] = lint(text)
    assert (d.rule, d.severity, d.span.line) == ("invalid-service-field", Severity.WARNING, 7)
    assert text_at(text, d) == value
    assert d.message == (f"{value.strip(chr(39))!r} in loadBalancerSourceRanges {problem}: the API server "
                         "accepts the Service with a warning")
    assert d.help == f"write {better}"


def test_a_range_with_host_bits_and_leading_zeros_gets_both_warnings() -> None:
    diagnostics = lint(LB_RANGES.format(value="010.1.0.0/8"))
    assert [(d.severity, d.help) for d in diagnostics] == [
        (Severity.WARNING, "write 10.0.0.0/8 for the network or 10.1.0.0/32 for one address"),
        (Severity.WARNING, "write 10.0.0.0/8"),
    ]


@pytest.mark.parametrize("value", ["10.0.0.0/8", "'2001:db8::/32'", "0.0.0.0/0", "'::/0'"])
def test_standard_source_ranges_get_no_warning(value: str) -> None:
    assert found(LB_RANGES.format(value=value)) == []


def test_a_padded_range_gets_no_warning_as_the_api_server_warns_on_the_untrimmed_value() -> None:
    # ValidateService trims the entry; GetWarningsForCIDR gets it as written and cannot parse it.
    assert found(LB_RANGES.format(value="' 10.1.2.3/8 '")) == []


def test_the_source_ranges_annotation_gets_no_form_warning() -> None:
    # GetWarningsForService reads spec.loadBalancerSourceRanges only.
    text = """
        apiVersion: v1
        kind: Service
        metadata:
          name: web
          annotations:
            service.beta.kubernetes.io/load-balancer-source-ranges: "10.1.2.3/8"
        spec:
          type: LoadBalancer
          ports: [{port: 80}]
    """
    assert found(text) == []


@pytest.mark.parametrize(("address", "problem", "better"), [
    ("010.1.2.3", f"has leading zeros, {FUTURE}", "10.1.2.3"),
    ("'::ffff:198.51.100.10'", f"is an IPv4-mapped IPv6 address, {FUTURE}", "198.51.100.10"),
    ("'2001:DB8::10'", "is not in RFC 5952 canonical form", "2001:db8::10"),
    ("'2001:db8:0:0:0:0:0:10'", "is not in RFC 5952 canonical form", "2001:db8::10"),
])
def test_external_ips_the_api_server_accepts_with_a_warning(address: str, problem: str, better: str) -> None:
    text = SERVICE.format(field=f"externalIPs: [198.51.100.7, {address}]")
    [d] = lint(text)
    assert (d.rule, d.severity, d.span.line) == ("invalid-service-field", Severity.WARNING, 6)
    assert text_at(text, d) == address
    assert d.message == (f"externalIP {address.strip(chr(39))!r} {problem}: the API server accepts the "
                         "Service with a warning")
    assert d.help == f"write {better}"


def test_a_rejected_external_ip_gets_its_error_only() -> None:
    # ::ffff:127.0.0.1 is non-standard too, but it is loopback: rejected, and rejected objects get no warnings.
    [d] = lint(SERVICE.format(field="externalIPs: ['::ffff:127.0.0.1']"))
    assert (d.rule, d.severity) == ("invalid-service-field", Severity.ERROR)


# --- wording ---------------------------------------------------------------------------------------------


def test_only_cluster_ips_are_said_to_be_forbidden_even_as_none() -> None:
    text = """
        apiVersion: v1
        kind: Service
        metadata:
          name: db
        spec:
          type: ExternalName
          externalName: db.example.com
          clusterIP: None
          ipFamilies: [IPv4]
    """
    assert [d.message for d in lint(text)] == [
        "clusterIP may not be set on an ExternalName Service (even to None): the API server rejects the Service",
        "ipFamilies may not be set on an ExternalName Service: the API server rejects the Service",
    ]


def test_external_ips_on_an_external_name_service_are_ignored_with_a_warning() -> None:
    text = """
        apiVersion: v1
        kind: Service
        metadata:
          name: db
        spec:
          type: ExternalName
          externalName: db.example.com
          externalIPs: [198.51.100.7]
    """
    [d] = lint(text)
    assert (d.rule, d.severity, d.span.line, d.span.column) == (
        "external-name-ignored-field", Severity.WARNING, 8, 3)
    assert d.message == ("externalIPs are ignored on an ExternalName Service, which is only a DNS alias: the API "
                         'server accepts them with a warning ("spec.externalIPs is ignored")')
    assert found(text.replace("ExternalName", "ClusterIP").replace("externalName: db.example.com", "ports: [{port: 80}]")) == []
