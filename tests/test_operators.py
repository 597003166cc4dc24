"""The table of well-known operators (svclint/operators.py) and the evidence drawn from it."""

from __future__ import annotations

from conftest import lint, manifest

from svclint.diagnostics import Severity
from svclint.indexes.operator_pods import operator_evidence
from svclint.k8s import labels_are_valid
from svclint.loader import load_source
from svclint.model import service_selector
from svclint.operators import OPERATORS, identifies, operator_of, value_pattern
from svclint.project import Project


def test_each_kind_has_one_entry_and_every_entry_says_where_it_was_checked() -> None:
    kinds = [(operator.group, kind) for operator in OPERATORS for kind in operator.kinds]
    assert len(kinds) == len(set(kinds))
    assert all(operator.source and operator.labels for operator in OPERATORS)


def test_the_label_keys_are_valid_label_keys() -> None:
    for operator in OPERATORS:
        assert labels_are_valid(dict.fromkeys(operator.labels, "x")), operator.name


def test_an_entry_is_found_by_group_and_kind_not_by_kind_alone() -> None:
    assert operator_of("monitoring.coreos.com/v1", "Alertmanager") is not None
    assert operator_of("postgresql.cnpg.io/v1", "Cluster") is not None
    assert operator_of("cluster.x-k8s.io/v1beta1", "Cluster") is None
    assert operator_of("monitoring.coreos.com/v1", "ServiceMonitor") is None


def test_value_patterns() -> None:
    assert value_pattern("{name}", "my.db", "Cluster").fullmatch("my.db")
    assert not value_pattern("{name}", "my.db", "Cluster").fullmatch("myxdb")
    assert value_pattern("{name}-es-*", "logs", "Elasticsearch").fullmatch("logs-es-hot")
    assert value_pattern("strimzi-{name}", "kafka", "Kafka").fullmatch("strimzi-kafka")
    assert value_pattern("{kind}", "x", "KafkaConnect").fullmatch("KafkaConnect")
    assert value_pattern("primary|replica", "x", "Cluster").fullmatch("replica")
    assert not value_pattern("primary|replica", "x", "Cluster").fullmatch("primaryreplica")


def test_only_names_and_fixed_values_identify_a_resource() -> None:
    assert identifies("{name}") and identifies("{name}-*") and identifies("spilo")
    assert not identifies("*") and not identifies("primary|replica") and not identifies("true|false")


ZALANDO = """
    apiVersion: v1
    kind: Service
    metadata: {name: db-repl}
    spec:
      selector: {application: spilo, cluster-name: acid-db, spilo-role: replica}
      ports: [{port: 5432}]
    ---
    apiVersion: acid.zalan.do/v1
    kind: postgresql
    metadata: {name: acid-db}
    spec: {teamId: acid, numberOfInstances: 2}
"""


def test_a_table_kind_explains_every_pair_of_the_selector() -> None:
    (finding,) = lint(ZALANDO)
    assert finding.severity is Severity.INFO
    assert "postgresql default/acid-db" in finding.message
    assert "Zalando postgres-operator sets application, cluster-name, spilo-role" in finding.message


def test_an_operator_of_another_resource_is_no_evidence() -> None:
    (finding,) = lint(ZALANDO.replace("cluster-name: acid-db", "cluster-name: acid-other"))
    assert finding.severity is Severity.WARNING


def test_evidence_needs_a_shared_scope() -> None:
    service_text, database_text = manifest(ZALANDO).split("---\n")
    (service,) = load_source("prod/svc.yaml", service_text.encode(), 0).objects
    (database,) = load_source("staging/db.yaml", database_text.encode(), 1).objects
    selector = service_selector(service)
    assert selector is not None
    one_cluster = Project([service, database])
    evidence = operator_evidence(one_cluster, service, selector)
    assert evidence is not None and evidence.owner is database
    two_clusters = Project([service, database], scope_of=lambda path: (path.partition("/")[0],))
    assert operator_evidence(two_clusters, service, selector) is None


def test_strimzi_labels_name_the_kind_and_the_resource() -> None:
    (finding,) = lint("""
        apiVersion: v1
        kind: Service
        metadata: {name: connect, namespace: kafka}
        spec:
          selector: {strimzi.io/cluster: my-connect, strimzi.io/kind: KafkaConnect}
          ports: [{port: 8083}]
        ---
        apiVersion: kafka.strimzi.io/v1beta2
        kind: KafkaConnect
        metadata: {name: my-connect, namespace: kafka}
        spec: {replicas: 1, bootstrapServers: my-cluster-kafka-bootstrap:9092}
    """)
    assert finding.severity is Severity.INFO
    assert "KafkaConnect kafka/my-connect" in finding.message


def test_labels_copied_from_a_list_of_node_sets() -> None:
    (finding,) = lint("""
        apiVersion: v1
        kind: Service
        metadata: {name: hot}
        spec:
          selector: {elasticsearch.k8s.elastic.co/cluster-name: logs, tier: hot}
          ports: [{port: 9200}]
        ---
        apiVersion: elasticsearch.k8s.elastic.co/v1
        kind: Elasticsearch
        metadata: {name: logs}
        spec:
          version: 8.15.0
          nodeSets:
            - name: warm
              count: 1
            - name: hot
              count: 3
              podTemplate:
                metadata:
                  labels: {tier: hot}
    """)
    assert finding.severity is Severity.INFO
    assert "spec.nodeSets[1].podTemplate.metadata.labels sets tier" in finding.message
