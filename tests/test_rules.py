"""Every check rule, as documentation: a manifest in, the exact diagnostics out.

Each expectation is a list of ``(rule, line, column)`` (1-based, line 1 is the first line of the
manifest), plus the message or help where its content is the point of the rule.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

import pytest
from conftest import found, lint, manifest, text_at, where

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
# external-name-invalid and external-name-ip-address
# ================================================================================================

EXTERNAL = """
    apiVersion: v1
    kind: Service
    metadata:
      name: db
    spec:
      type: ExternalName
      externalName: {value}
"""


@pytest.mark.parametrize("value", [
    "db.example.com",
    "db.example.com.",  # a fully qualified name: one trailing dot is allowed
    "db",
    "db-1.eu-west.example.com",
    "a" * 63 + ".example.com",  # the longest DNS label
    "1.2.3",  # not an IPv4 address: a name made of digits
])
def test_valid_external_names(value: str) -> None:
    assert found(EXTERNAL.format(value=value)) == []


@pytest.mark.parametrize(("value", "reason", "help"), [
    ("db.example.com..", "has an empty label", "use a DNS name such as db.example.com"),
    ("db..example.com", "has an empty label", "use a DNS name such as db.example.com"),
    ("-db.example.com", "starts or ends with '-'", "use a DNS name such as db.example.com"),
    ("DB.Example.com", "contains uppercase letters", "use externalName: db.example.com"),
    ("db_primary.example.com", "contains '_'", "use externalName: db-primary.example.com"),
    ("https://db.example.com:5432/app", "is a URL, not a host name", "use externalName: db.example.com"),
    ("db.example.com:5432", "contains a port (':')", "use externalName: db.example.com"),
    ("db.example.com/app", "contains a path ('/')", "use externalName: db.example.com"),
    ("'2001:db8::1'", "is an IPv6 address, not a DNS name", "use a DNS name such as db.example.com"),
    ("'db example.com'", "contains ' '", "use a DNS name such as db.example.com"),
    ("x" * 254, "is 254 characters long (at most 253)", "use a DNS name such as db.example.com"),
])
def test_invalid_external_names(value: str, reason: str, help: str) -> None:
    [d] = lint(EXTERNAL.format(value=value))
    assert (d.rule, d.span.line, d.span.column) == ("external-name-invalid", 7, 17)
    assert reason in d.message
    assert "the API server rejects the Service" in d.message
    assert d.help == help


def test_a_64_character_label_is_accepted_by_the_api_but_never_resolves() -> None:
    [d] = lint(EXTERNAL.format(value="a" * 64 + ".example.com"))
    assert (d.rule, d.span.line, d.span.column) == ("external-name-invalid", 7, 17)
    assert d.message.startswith("externalName has a label of 64 characters; DNS labels are at most 63")


@pytest.mark.parametrize(("value", "reason"), [
    # Regression: urlsplit raised ValueError on these, and the finding became an internal-error.
    ("'http://[::1'", "is a URL, not a host name"),
    ("'http://a]b'", "is a URL, not a host name"),
    ("'http://a\uff03b.com'", "is a URL, not a host name"),  # a full-width '#': NFKC changes the host
    # Regression: these suggestions were invalid themselves ("-srv...", a combining dot, an IP address).
    ("_srv.example.com", "contains '_'"),
    ("'\u0130.com'", "contains uppercase letters"),
    ("1.2.3.4/24", "contains a path ('/')"),
    ("Db_Primary.example.com", "contains uppercase letters"),
])
def test_invalid_external_names_with_no_valid_suggestion(value: str, reason: str) -> None:
    [d] = lint(EXTERNAL.format(value=value))
    assert (d.rule, d.span.line, d.span.column) == ("external-name-invalid", 7, 17)
    assert reason in d.message
    assert d.help == "use a DNS name such as db.example.com"


def test_bracketed_ipv6_literal_gets_no_nonsense_suggestion() -> None:
    [d] = lint(EXTERNAL.format(value="'[2001:db8::1]'"))
    assert (d.rule, d.span.line, d.span.column) == ("external-name-invalid", 7, 17)
    assert "[2001:db8:" not in (d.help or "")


@pytest.mark.parametrize("spec", [
    "{type: ExternalName}",
    "{type: ExternalName, externalName: ''}",
    "{type: ExternalName, externalName: null}",
    "{type: ExternalName, externalName: .}",
])
def test_missing_external_name(spec: str) -> None:
    [d] = lint(f"""
        apiVersion: v1
        kind: Service
        metadata:
          name: db
        spec: {spec}
    """)
    assert d.rule == "external-name-invalid"
    assert d.message == "type ExternalName requires spec.externalName: the API server rejects the Service"


def test_missing_external_name_points_at_spec() -> None:
    assert found("""
        apiVersion: v1
        kind: Service
        metadata:
          name: db
        spec:
          type: ExternalName
          ports: [{port: 5432}]
    """) == [("external-name-invalid", 5, 1)]


def test_external_name_that_is_not_a_string_is_a_schema_violation() -> None:
    [d] = lint(EXTERNAL.format(value="42"))
    assert (d.rule, d.span.line, d.span.column) == ("schema-violation", 7, 17)
    assert d.message == "spec.externalName must be a string, not the number 42"
    assert d.help == "put the value in quotes, exactly as written: unquoted, YAML reads it as a number"


@pytest.mark.parametrize("value", ["192.0.2.10", "192.0.2.10.", "10.0.0.1"])
def test_ipv4_external_name_is_only_an_ip_address_finding(value: str) -> None:
    [d] = lint(EXTERNAL.format(value=value))
    assert (d.rule, d.span.line, d.span.column) == ("external-name-ip-address", 7, 17)
    assert d.message.startswith(f"externalName '{value}' is an IP address")


def test_external_name_of_other_service_types_is_ignored() -> None:
    # Not checked as a DNS name or an IP (external-name-*): the API ignores it, and warns so.
    assert found("""
        apiVersion: v1
        kind: Service
        metadata:
          name: db
        spec:
          externalName: 192.0.2.10
          ports: [{port: 5432}]
    """) == [("ignored-service-field", 6, 3)]


# ================================================================================================
# external-name-forbidden-field
# ================================================================================================


def test_cluster_ip_none_on_externalname() -> None:
    text = """
        apiVersion: v1
        kind: Service
        metadata:
          name: db
        spec:
          type: ExternalName
          externalName: db.example.com
          clusterIP: None
    """
    [d] = lint(text)
    assert (d.rule, d.span.line, d.span.column) == ("external-name-forbidden-field", 8, 3)  # the key
    assert d.message.startswith("clusterIP may not be set on an ExternalName Service")
    assert d.help == "remove clusterIP"
    assert text_at(text, d) == "clusterIP"


def test_every_forbidden_field_is_reported() -> None:
    text = """
        apiVersion: v1
        kind: Service
        metadata:
          name: db
        spec:
          type: ExternalName
          externalName: db.example.com
          clusterIP: 10.96.0.10
          clusterIPs: [10.96.0.10]
          ipFamilies: [IPv4]
          ipFamilyPolicy: SingleStack
    """
    diagnostics = lint(text)
    assert where(diagnostics) == [
        ("external-name-forbidden-field", 8, 3),
        ("external-name-forbidden-field", 9, 3),
        ("external-name-forbidden-field", 10, 3),
        ("external-name-forbidden-field", 11, 3),
    ]
    assert [text_at(text, d) for d in diagnostics] == ["clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"]


@pytest.mark.parametrize("field", ['clusterIP: ""', "clusterIP:", "clusterIPs: []"])
def test_empty_cluster_ip_is_not_reported(field: str) -> None:
    assert found(f"""
        apiVersion: v1
        kind: Service
        metadata:
          name: db
        spec:
          type: ExternalName
          externalName: db.example.com
          {field}
    """) == []


def test_cluster_ip_none_is_fine_on_clusterip_services() -> None:
    assert found("""
        apiVersion: v1
        kind: Service
        metadata:
          name: db
        spec:
          clusterIP: None
          ipFamilyPolicy: SingleStack
          ports: [{port: 5432}]
    """) == []


# ================================================================================================
# external-name-ignored-field
# ================================================================================================


def test_selector_and_node_port_on_externalname_are_ignored() -> None:
    text = """
        apiVersion: v1
        kind: Service
        metadata:
          name: db
        spec:
          type: ExternalName
          externalName: db.example.com
          selector:
            app: db
          ports:
            - port: 5432
              nodePort: 30432
    """
    diagnostics = lint(text)
    assert where(diagnostics) == [
        ("external-name-ignored-field", 8, 3),
        ("external-name-ignored-field", 12, 17),
    ]
    assert diagnostics[0].message.startswith("selector is ignored on an ExternalName Service")
    assert diagnostics[1].message.startswith("nodePort 30432 is ignored on an ExternalName Service")
    assert [text_at(text, d) for d in diagnostics] == ["selector", "30432"]


def test_ports_on_externalname_are_informational_and_fine() -> None:
    assert found("""
        apiVersion: v1
        kind: Service
        metadata:
          name: db
        spec:
          type: ExternalName
          externalName: db.example.com
          selector: {}
          ports:
            - port: 5432
              targetPort: 5432
              nodePort: 0
    """) == []


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


