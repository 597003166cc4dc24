"""Well-known operators and the labels they put on the pods they create from a custom resource.

Data only, in one place: service-selector-matches-nothing reads it (through
``indexes/operator_pods.py``) to tell a Service in front of an operator's pods from a Service
that selects nothing. An entry names the operator, the API group and kinds of its custom
resources, the labels it gives their pods and the fields of the resource whose labels it copies
onto them. Only default operator settings are known (a Zalando operator configured with another
``cluster_name_label`` labels its pods differently).

A label value is a pattern: ``{name}`` is the custom resource's name, ``{kind}`` its kind, ``*``
any text (a value set at runtime: a role, a hash, an ordinal), and ``|`` separates alternatives.
Each entry says where its label keys were checked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from svclint.diagnostics import JsonPath

#: A path step that stands for every item of a list (``spec.nodeSets[*].podTemplate``).
EACH = "*"


@dataclass(frozen=True, slots=True)
class Operator:
    """One operator: the custom resources it turns into pods, and how it labels those pods."""

    name: str
    group: str
    kinds: frozenset[str]
    #: Label key -> value pattern, on every pod it creates for a resource of these kinds.
    labels: Mapping[str, str]
    #: Fields of the resource holding labels it copies onto the pods (``spec.podMetadata.labels``).
    copied: tuple[JsonPath, ...] = ()
    #: Where the label keys were checked.
    source: str = ""


_PROMETHEUS_OPERATOR = "prometheus-operator"
_PROMETHEUS_SOURCE = ("prometheus-operator/prometheus-operator: makeSelectorLabels in pkg/alertmanager, "
                      "pkg/prometheus/server, pkg/prometheus/agent, pkg/thanos; pkg/operator/kubernetes.go")
_POD_METADATA: tuple[JsonPath, ...] = (("spec", "podMetadata", "labels"),)


def _prometheus_operator(kind: str, app: str, own: Mapping[str, str]) -> Operator:
    return Operator(
        _PROMETHEUS_OPERATOR, "monitoring.coreos.com", frozenset({kind}),
        {
            "app.kubernetes.io/name": app,
            "app.kubernetes.io/instance": "{name}",
            "app.kubernetes.io/managed-by": "prometheus-operator",
            "app.kubernetes.io/version": "*",
            **own,
        },
        _POD_METADATA, _PROMETHEUS_SOURCE,
    )


_STRIMZI_COPIED: tuple[JsonPath, ...] = tuple(
    (*at, "template", "pod", "metadata", "labels") for at in (("spec",), ("spec", "kafka"), ("spec", "zookeeper"))
)

OPERATORS: tuple[Operator, ...] = (
    _prometheus_operator("Alertmanager", "alertmanager", {"alertmanager": "{name}"}),
    _prometheus_operator("Prometheus", "prometheus", {
        "prometheus": "{name}", "operator.prometheus.io/name": "{name}", "operator.prometheus.io/shard": "*",
    }),
    _prometheus_operator("PrometheusAgent", "prometheus-agent", {
        "operator.prometheus.io/name": "{name}", "operator.prometheus.io/shard": "*",
        "operator.prometheus.io/mode": "agent",
    }),
    _prometheus_operator("ThanosRuler", "thanos-ruler", {"thanos-ruler": "{name}"}),
    Operator(
        "ECK", "elasticsearch.k8s.elastic.co", frozenset({"Elasticsearch"}),
        {
            "common.k8s.elastic.co/type": "elasticsearch",
            "elasticsearch.k8s.elastic.co/cluster-name": "{name}",
            "elasticsearch.k8s.elastic.co/statefulset-name": "{name}-es-*",
            "elasticsearch.k8s.elastic.co/version": "*",
            "elasticsearch.k8s.elastic.co/config-hash": "*",
            "elasticsearch.k8s.elastic.co/http-scheme": "http|https",
            **{f"elasticsearch.k8s.elastic.co/node-{role}": "true|false" for role in (
                "master", "data", "ingest", "ml", "transform", "remote_cluster_client", "voting_only")},
        },
        (("spec", "nodeSets", EACH, "podTemplate", "metadata", "labels"),),
        "elastic/cloud-on-k8s: pkg/controller/elasticsearch/label/label.go (NewPodLabels)",
    ),
    Operator(
        "ECK", "kibana.k8s.elastic.co", frozenset({"Kibana"}),
        {
            "common.k8s.elastic.co/type": "kibana",
            "kibana.k8s.elastic.co/name": "{name}",
            "kibana.k8s.elastic.co/version": "*",
            "kibana.k8s.elastic.co/role": "prime|background_tasks",
        },
        (("spec", "podTemplate", "metadata", "labels"),),
        "elastic/cloud-on-k8s: pkg/controller/kibana/label/label.go (NewLabels)",
    ),
    Operator(
        "CloudNativePG", "postgresql.cnpg.io", frozenset({"Cluster"}),
        {
            "cnpg.io/cluster": "{name}",
            "cnpg.io/instanceName": "{name}-*",
            "cnpg.io/instanceRole": "primary|replica",
            "role": "primary|replica",
            "cnpg.io/podRole": "instance",
        },
        (("spec", "inheritedMetadata", "labels"),),
        "cloudnative-pg/cloudnative-pg: pkg/utils/labels_annotations.go",
    ),
    Operator(
        "CloudNativePG", "postgresql.cnpg.io", frozenset({"Pooler"}),
        {"cnpg.io/poolerName": "{name}", "cnpg.io/podRole": "pooler"},
        (("spec", "template", "metadata", "labels"),),
        "cloudnative-pg/cloudnative-pg: pkg/utils/labels_annotations.go",
    ),
    Operator(
        "Zalando postgres-operator", "acid.zalan.do", frozenset({"postgresql"}),
        # Its defaults: cluster_labels application:spilo, cluster_name_label cluster-name,
        # pod_role_label spilo-role (set by Patroni at runtime); team is spec.teamId.
        {"application": "spilo", "cluster-name": "{name}", "spilo-role": "*", "team": "*"},
        (),
        "zalando/postgres-operator: pkg/util/config/config.go, Cluster.labelsSet in pkg/cluster/util.go",
    ),
    Operator(
        "Strimzi", "kafka.strimzi.io",
        frozenset({"Kafka", "KafkaConnect", "KafkaMirrorMaker2", "KafkaBridge"}),
        {
            "strimzi.io/cluster": "{name}",
            "strimzi.io/kind": "{kind}",
            "strimzi.io/name": "{name}-*",
            "strimzi.io/component-type": "*",
            "strimzi.io/pool-name": "*",
            "strimzi.io/broker-role": "true|false",
            "strimzi.io/controller-role": "true|false",
            "strimzi.io/pod-name": "{name}-*",
            "strimzi.io/controller": "*",
            "strimzi.io/controller-name": "{name}-*",
            "app.kubernetes.io/name": "*",
            "app.kubernetes.io/instance": "{name}",
            "app.kubernetes.io/part-of": "strimzi-{name}",
            "app.kubernetes.io/managed-by": "*",
        },
        _STRIMZI_COPIED,
        "strimzi/strimzi-kafka-operator: api/.../ResourceLabels.java, operator-common/.../model/Labels.java",
    ),
    Operator(
        "Spotahome redis-operator", "databases.spotahome.com", frozenset({"RedisFailover"}),
        {
            "app.kubernetes.io/name": "{name}",
            "app.kubernetes.io/component": "redis|sentinel",
            "app.kubernetes.io/part-of": "redis-failover",
            "redisfailovers-role": "master|slave",
        },
        (),
        "spotahome/redis-operator: operator/redisfailover/service/client.go (generateSelectorLabels), constants.go",
    ),
    Operator(
        "OT-Container-Kit redis-operator", "redis.redis.opstreelabs.in",
        frozenset({"Redis", "RedisCluster", "RedisReplication", "RedisSentinel"}),
        {"app": "{name}|{name}-leader|{name}-follower|{name}-sentinel", "redis_setup_type": "*", "role": "*"},
        (),
        "OT-CONTAINER-KIT/redis-operator: k8sutils getRedisLabels (app, redis_setup_type, role)",
    ),
    Operator(
        "Redis Enterprise operator", "app.redislabs.com", frozenset({"RedisEnterpriseCluster"}),
        {"app": "redis-enterprise", "redis.io/cluster": "{name}", "redis.io/role": "node"},
        (),
        "closed source: the labels of the operator's published Service manifests (redis.io/cluster, redis.io/role)",
    ),
)


def operator_of(api_version: str, kind: str) -> Operator | None:
    """The table's entry for a custom resource's group and kind, if it has one."""
    return _BY_KIND.get((api_version.rpartition("/")[0], kind))


_BY_KIND: Mapping[tuple[str, str], Operator] = {
    (operator.group, kind): operator for operator in OPERATORS for kind in operator.kinds
}


def value_pattern(pattern: str, name: str, kind: str) -> re.Pattern[str]:
    """A value pattern of the table as a regular expression, for the resource ``kind``/``name``."""
    def one(alternative: str) -> str:
        pieces = re.split(r"(\{name\}|\{kind\}|\*)", alternative)
        return "".join({"{name}": re.escape(name), "{kind}": re.escape(kind), "*": ".*"}.get(p, re.escape(p))
                       for p in pieces)
    return re.compile("|".join(f"(?:{one(a)})" for a in pattern.split("|")), re.DOTALL)


def identifies(pattern: str) -> bool:
    """Whether a value pattern points at one resource: it has its name or kind, or is a fixed value
    (application=spilo); a role or a hash (``*``, alternatives) is on the pods of every resource."""
    return "{name}" in pattern or "{kind}" in pattern or not ("*" in pattern or "|" in pattern)
