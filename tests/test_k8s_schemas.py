"""JSON Schemas of the Kubernetes objects svclint reads: schemas/k8s/*.json.

The schemas give the field *types* the API server decodes (from the Kubernetes OpenAPI
definitions: io.k8s.api.core.v1.ServiceSpec, ServicePort, PodSpec, Container, ContainerPort,
Probe, HTTPGetAction, TCPSocketAction, GRPCAction, meta.v1.ObjectMeta, LabelSelector,
apps/v1 *Spec, batch/v1 JobSpec/CronJobSpec). A wrong type is a 400 BadRequest before any
validation runs (shared/reference/k8s-validation.md, item 2); ranges, names and cross-field
rules are left to svclint's rules. Unknown fields are allowed.

Checked here:
- every schema is a valid draft 2020-12 schema, has an ``$id`` under https://svclint.dev/schemas/k8s/,
  every ``$ref`` resolves through a ``referencing.Registry`` and every property has a one-line
  description (the error messages use it);
- hand-written manifests that use every field, and ~30 real objects of the corpus, validate;
- a table of invalid snippets gives exactly one error each, at the expected ``absolute_path``;
- the whole real corpus validates except a listed, justified set of objects.
"""

from __future__ import annotations

import copy
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, ValidationError  # type: ignore[import-untyped,unused-ignore]
from referencing import Registry, Resource

from svclint.yamlparse import parse_stream

REPO = Path(__file__).resolve().parent.parent
SCHEMA_DIR = REPO / "schemas" / "k8s"
BASE_URI = "https://svclint.dev/schemas/k8s/"
CORPUS = REPO.parent / "shared" / "corpus" / "real"  # as in test_corpus.py

WORKLOAD_KINDS = (
    "Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "ReplicationController", "Job", "CronJob", "Pod",
)
KINDS = frozenset({"Service", *WORKLOAD_KINDS})

SCHEMAS: dict[str, dict[str, Any]] = {
    path.name: json.loads(path.read_text(encoding="utf-8")) for path in sorted(SCHEMA_DIR.glob("*.json"))
}
REGISTRY: Registry = Registry().with_resources(
    (schema["$id"], Resource.from_contents(schema)) for schema in SCHEMAS.values()
)
SERVICE = Draft202012Validator(SCHEMAS["service.v1.json"], registry=REGISTRY)
WORKLOADS = Draft202012Validator(SCHEMAS["workloads.v1.json"], registry=REGISTRY)
POD_TEMPLATE = Draft202012Validator(SCHEMAS["pod-template.v1.json"], registry=REGISTRY)


def validator_for(obj: dict[str, Any]) -> Draft202012Validator:
    return SERVICE if obj.get("kind") == "Service" else WORKLOADS


def errors(obj: Any, validator: Draft202012Validator | None = None) -> list[ValidationError]:
    validator = validator or validator_for(obj)
    return sorted(validator.iter_errors(obj), key=lambda e: list(map(str, e.absolute_path)))


def yaml_value(text: str) -> Any:
    """A YAML snippet's value, parsed the way svclint parses manifests."""
    (document,) = parse_stream(f"v: {text}\n").documents
    return document.value["v"]


def objects_in(text: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(document index, object) for every Service or workload in a stream; List items expanded."""
    for document in parse_stream(text).documents:
        root = document.value
        if not isinstance(root, dict):
            continue
        kind = root.get("kind")
        is_list = isinstance(kind, str) and kind.endswith("List") and isinstance(root.get("items"), list)
        items = root["items"] if is_list else [root]
        for item in items:
            if isinstance(item, dict) and item.get("kind") in KINDS:
                yield document.index, item


# --------------------------------------------------------------------------- the schemas themselves


@pytest.mark.parametrize("name", ["service.v1.json", "pod-template.v1.json", "workloads.v1.json"])
def test_schema_is_valid_draft_2020_12(name: str) -> None:
    schema = SCHEMAS[name]
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == BASE_URI + name


def test_no_other_schema_files() -> None:
    # Each is a registered kind's, or the pod template the workloads' schema refers to.
    from svclint.kinds import KINDS

    assert sorted(SCHEMAS) == sorted({kind.schema for kind in KINDS.values()} | {"pod-template.v1.json"})


def _walk(node: Any, where: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    if isinstance(node, dict):
        yield where, node
        for key, value in node.items():
            yield from _walk(value, (*where, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _walk(value, (*where, str(index)))


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_ref_resolves(name: str) -> None:
    schema = SCHEMAS[name]
    resolver = REGISTRY.resolver(base_uri=schema["$id"])
    refs = [node["$ref"] for _, node in _walk(schema) if isinstance(node.get("$ref"), str)]
    assert refs
    for ref in refs:
        resolved = resolver.lookup(ref).contents
        assert isinstance(resolved, dict) and resolved, ref


def test_workloads_reference_the_pod_template_relatively() -> None:
    refs = {node["$ref"] for _, node in _walk(SCHEMAS["workloads.v1.json"]) if "$ref" in node}
    assert "pod-template.v1.json#/$defs/PodTemplateSpec" in refs
    assert "pod-template.v1.json#/$defs/PodSpec" in refs  # Pod.spec
    assert "pod-template.v1.json#/$defs/ObjectMeta" in refs


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_every_property_has_a_one_line_description(name: str) -> None:
    schema = SCHEMAS[name]
    described: list[tuple[tuple[str, ...], Any]] = [((), schema)]
    described += [(("$defs", key), value) for key, value in schema.get("$defs", {}).items()]
    for where, node in _walk(schema):
        if "if" in where:
            continue  # the kind dispatch conditions are not properties
        properties = node.get("properties", {})
        described += [((*where, "properties", key), value) for key, value in properties.items()]
        for keyword in ("additionalProperties", "items"):
            if isinstance(node.get(keyword), dict) and "$ref" not in node[keyword]:
                described.append(((*where, keyword), node[keyword]))
    assert len(described) > 3
    for where, node in described:
        text = node.get("description")
        assert isinstance(text, str) and text and "\n" not in text, where
        assert len(text) <= (300 if not where else 100), where


def test_int_or_string_and_int32_types_are_exact() -> None:
    # null is allowed: Go's JSON decoding leaves a field unset when its value is null.
    for name in ("service.v1.json", "pod-template.v1.json"):
        defs = SCHEMAS[name]["$defs"]
        assert defs["IntOrString"]["type"] == ["integer", "string", "null"]
    port = SCHEMAS["service.v1.json"]["$defs"]["ServicePort"]["properties"]
    assert port["port"]["type"] == port["nodePort"]["type"] == ["integer", "null"]
    assert port["targetPort"]["$ref"] == "#/$defs/IntOrString"
    pod = SCHEMAS["pod-template.v1.json"]["$defs"]
    assert pod["ContainerPort"]["properties"]["containerPort"]["type"] == ["integer", "null"]
    assert pod["ContainerPort"]["properties"]["hostPort"]["type"] == ["integer", "null"]
    assert pod["GRPCAction"]["properties"]["port"]["type"] == ["integer", "null"]  # int32 only, never a name
    assert pod["HTTPGetAction"]["properties"]["port"]["$ref"] == "#/$defs/IntOrString"
    assert pod["TCPSocketAction"]["properties"]["port"]["$ref"] == "#/$defs/IntOrString"


# --------------------------------------------------------------------------- valid manifests

#: Hand-written objects that use every field of the schemas with a valid type.
SERVICE_ALL_FIELDS = """
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  labels: {app: web, tier: "1"}
  annotations: {note: "port 80", empty: ""}
spec:
  type: LoadBalancer
  selector: {app: web}
  ports:
  - name: http
    protocol: TCP
    appProtocol: kubernetes.io/h2c
    port: 80
    targetPort: http
    nodePort: 30080
  - name: metrics
    protocol: UDP
    port: 9090
    targetPort: 9090
  - name: sctp
    protocol: SCTP
    port: 3868
  clusterIP: 10.0.0.10
  clusterIPs: [10.0.0.10, "fd00::10"]
  externalIPs: [192.0.2.10]
  externalTrafficPolicy: Local
  internalTrafficPolicy: Cluster
  healthCheckNodePort: 30500
  sessionAffinity: ClientIP
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 10800}}
  loadBalancerIP: 192.0.2.20
  loadBalancerSourceRanges: [10.0.0.0/8]
  loadBalancerClass: example.com/lb
  allocateLoadBalancerNodePorts: true
  ipFamilies: [IPv4, IPv6]
  ipFamilyPolicy: PreferDualStack
  publishNotReadyAddresses: false
  trafficDistribution: PreferClose
  someFutureField: {anything: [1, 2]}
status:
  loadBalancer: {}
"""

EXTERNAL_NAME_SERVICE = """
apiVersion: v1
kind: Service
metadata: {name: db}
spec: {type: ExternalName, externalName: db.example.com, sessionAffinity: None, ipFamilyPolicy: SingleStack}
"""

POD_SPEC = """
      hostNetwork: false
      restartPolicy: Always
      initContainers:
      - name: proxy
        image: envoy:1.30
        restartPolicy: Always
        ports: [{name: admin, containerPort: 9901}]
        startupProbe: {tcpSocket: {port: admin, host: 127.0.0.1}}
      containers:
      - name: web
        image: nginx:1.27
        ports:
        - {name: http, containerPort: 8080, protocol: TCP}
        - {name: dns, containerPort: 53, protocol: UDP, hostPort: 53, hostIP: 0.0.0.0}
        - {containerPort: 3868, protocol: SCTP}
        livenessProbe: {httpGet: {port: 8080, path: /healthz, host: localhost, scheme: HTTPS}}
        readinessProbe: {httpGet: {port: http, path: /ready, scheme: HTTP}}
        startupProbe: {grpc: {port: 9000, service: health}}
        resources: {limits: {cpu: 500m}}
"""

WORKLOAD_ALL_FIELDS = {
    "Deployment": """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}, annotations: {a: b}}
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
    matchExpressions:
    - {key: tier, operator: In, values: [front, back]}
    - {key: canary, operator: DoesNotExist}
  template:
    metadata: {labels: {app: web, tier: front}, annotations: {x: y}}
    spec:
""" + POD_SPEC,
    "ReplicaSet": """
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}, matchExpressions: [{key: env, operator: NotIn, values: [dev]}]}
  template:
    metadata: {labels: {app: web, env: prod}}
    spec:
""" + POD_SPEC,
    "DaemonSet": """
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent}
spec:
  selector: {matchExpressions: [{key: app, operator: Exists}]}
  template:
    metadata: {labels: {app: agent}}
    spec:
""" + POD_SPEC,
    "StatefulSet": """
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db-headless
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
""" + POD_SPEC,
    "ReplicationController": """
apiVersion: v1
kind: ReplicationController
metadata: {name: legacy}
spec:
  selector: {app: legacy}
  template:
    metadata: {labels: {app: legacy}}
    spec:
""" + POD_SPEC,
    "Job": """
apiVersion: batch/v1
kind: Job
metadata: {name: migrate}
spec:
  manualSelector: true
  selector: {matchLabels: {job: migrate}}
  template:
    metadata: {labels: {job: migrate}}
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: "migrate:1", ports: [{containerPort: 8080}]}]
""",
    "CronJob": """
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    metadata: {labels: {job: nightly}}
    spec:
      template:
        metadata: {labels: {job: nightly}}
        spec:
          restartPolicy: OnFailure
          containers:
          - name: report
            image: report:2
            readinessProbe: {httpGet: {port: 8080}}
""",
    "Pod": """
apiVersion: v1
kind: Pod
metadata: {name: debug, labels: {app: debug}}
spec:
""".rstrip("\n") + "\n" + "\n".join(line[4:] for line in POD_SPEC.splitlines()),
}


def one(text: str) -> dict[str, Any]:
    objects = [obj for _, obj in objects_in(text)]
    assert len(objects) == 1, text
    return objects[0]


@pytest.mark.parametrize("text", [SERVICE_ALL_FIELDS, EXTERNAL_NAME_SERVICE], ids=["all-fields", "external"])
def test_handwritten_services_are_valid(text: str) -> None:
    assert errors(one(text), SERVICE) == []


@pytest.mark.parametrize("kind", WORKLOAD_KINDS)
def test_handwritten_workloads_are_valid(kind: str) -> None:
    obj = one(WORKLOAD_ALL_FIELDS[kind])
    assert obj["kind"] == kind
    assert errors(obj, WORKLOADS) == []


def test_pod_template_schema_validates_a_template_on_its_own() -> None:
    template = one(WORKLOAD_ALL_FIELDS["Deployment"])["spec"]["template"]
    assert errors(template, POD_TEMPLATE) == []
    bad = copy.deepcopy(template)
    bad["spec"]["containers"][0]["ports"][0]["containerPort"] = "8080"
    where = [tuple(e.absolute_path) for e in errors(bad, POD_TEMPLATE)]
    assert where == [("spec", "containers", 0, "ports", 0, "containerPort")]


@pytest.mark.parametrize("target_port", ['"8080"', "8080", "http", "0"])
def test_target_port_number_or_string_is_structurally_valid(target_port: str) -> None:
    """``"8080"`` is a string and fails the IANA_SVC_NAME rule on the server, but that is a rule's job."""
    obj = one(EXTERNAL_NAME_SERVICE)
    obj["spec"]["ports"] = [{"port": 80, "targetPort": yaml_value(target_port)}]
    assert errors(obj) == []


@pytest.mark.parametrize("port", ["8080", "web", '"8080"'])
def test_probe_ports_take_a_number_or_a_name(port: str) -> None:
    obj = one(WORKLOAD_ALL_FIELDS["Pod"])
    obj["spec"]["containers"][0]["livenessProbe"] = {"httpGet": {"port": yaml_value(port)}}
    obj["spec"]["containers"][0]["readinessProbe"] = {"tcpSocket": {"port": yaml_value(port)}}
    assert errors(obj) == []


@pytest.mark.parametrize("field", ["labels", "annotations"])
def test_an_empty_label_or_annotation_key_is_null_and_valid(field: str) -> None:
    """``labels:`` with nothing under it is null; the API decodes it as "no labels" (real corpus has it)."""
    service = one(SERVICE_ALL_FIELDS)
    service["metadata"][field] = yaml_value("")
    assert service["metadata"][field] is None
    assert errors(service) == []
    deployment = one(WORKLOAD_ALL_FIELDS["Deployment"])
    deployment["spec"]["template"]["metadata"][field] = None
    assert errors(deployment) == []


@pytest.mark.parametrize("path", [
    "metadata.labels.app", "spec.selector.app", "spec.sessionAffinityConfig",
    "spec.type", "spec.clusterIP", "spec.externalName", "spec.ports", "spec.ports.0.port",
    "spec.ports.0.targetPort", "spec.ports.0.protocol", "spec.externalTrafficPolicy",
])
def test_a_null_field_is_an_unset_field(path: str) -> None:
    """`clusterIP:` with nothing after it is null; the API server decodes it as "not set"."""
    service = _base("Service")
    _set(service, _path(path), None)
    assert errors(service) == []


def test_a_whole_number_written_as_a_float_passes_as_in_kubectl() -> None:
    """jsonschema's "integer" accepts 80.0 (draft 2020-12: a number with a zero fraction is an integer).

    That is also what happens to a YAML manifest: kubectl turns YAML into JSON with sigs.k8s.io/yaml
    (YAMLToJSON -> json.Marshal of float64(80) is ``80``), so the server sees 80. Only a JSON body
    sent as-is with ``80.0`` is refused by the int32 decoder. 80.5 is refused either way.
    """
    obj = one(EXTERNAL_NAME_SERVICE)
    obj["spec"]["ports"] = [{"port": yaml_value("80.0"), "nodePort": yaml_value("!!float 30080")}]
    assert isinstance(obj["spec"]["ports"][0]["port"], float)
    assert errors(obj) == []
    obj["spec"]["ports"][0]["port"] = yaml_value("80.5")
    assert [tuple(e.absolute_path) for e in errors(obj)] == [("spec", "ports", 0, "port")]


def test_a_service_is_not_a_workload() -> None:
    (error,) = errors(one(SERVICE_ALL_FIELDS), WORKLOADS)
    assert tuple(error.absolute_path) == ("kind",)
    deployment = one(WORKLOAD_ALL_FIELDS["Deployment"])
    assert ("kind",) in [tuple(e.absolute_path) for e in errors(deployment, SERVICE)]


#: ~30 real objects (every kind, every Service type, JSON files, a List, null labels), read
#: from the real-world corpus. They must validate as they are.
CORPUS_SAMPLE = (
    "Azure-Samples__aks-store-demo/kustomize/base/virtual-customer.yaml",
    "Azure-Samples__aks-store-demo/kustomize/overlays/azd/store-admin/deployment.yaml",
    "Azure-Samples__aks-store-demo/kustomize/overlays/azd/store-admin/service.yaml",
    "GoogleCloudPlatform__bank-of-anthos/extras/backup/kubernetes-manifests/accounts-db.yaml",
    "GoogleCloudPlatform__bank-of-anthos/extras/cloudsql/populate-jobs/populate-accounts-db.yaml",
    "GoogleCloudPlatform__bank-of-anthos/extras/tls-domain-managedcerts/managed-certificates.yaml",
    "GoogleCloudPlatform__kubernetes-engine-samples/ai-ml/axolotl-multimodal-finetuning-gemma/k8s/model-export.yaml",
    "GoogleCloudPlatform__kubernetes-engine-samples/ai-ml/gke-a100-jax/kubernetes/service.yaml",
    "GoogleCloudPlatform__kubernetes-engine-samples/autopilot/daemonset-best-practices/daemon-set.yml",
    "GoogleCloudPlatform__kubernetes-engine-samples/quickstarts/hello-app-redis/manifests/app-deployment.yaml",
    "GoogleCloudPlatform__microservices-demo/kubernetes-manifests/cartservice.yaml",
    "dockersamples__example-voting-app/k8s-specifications/vote-service.yaml",
    "istio__istio/samples/health-check/liveness-http-same-port.yaml",
    "istio__istio/samples/proxy-coredump/daemonset.yaml",
    "kubernetes__examples/_archived/cluster-dns/dns-backend-rc.yaml",
    "kubernetes__examples/_archived/javaweb-tomcat-sidecar/javaweb.yaml",
    "kubernetes__examples/_archived/meteor/meteor-controller.json",
    "kubernetes__examples/_archived/meteor/meteor-service.json",
    "kubernetes__kube-state-metrics/tests/manifests/cronjob.yaml",
    "kubernetes__kube-state-metrics/tests/manifests/statefulset.yaml",
    "kubernetes__website/content/en/examples/application/job/indexed-job.yaml",
    "kubernetes__website/content/en/examples/controllers/frontend.yaml",
    "kubernetes__website/content/en/examples/service/networking/dual-stack-preferred-svc.yaml",
    "microservices-demo__microservices-demo/deploy/kubernetes/manifests-jaeger/jaeger.yaml",
    "nginxinc__kubernetes-ingress/examples/custom-resources/backup-directive/transport-server/backup-svc.yaml",
    "nginxinc__kubernetes-ingress/examples/ingress-resources/basic-auth/cafe.yaml",
)

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"real corpus not found at {CORPUS}")


def _load(relative: str) -> list[tuple[int, dict[str, Any]]]:
    return list(objects_in((CORPUS / relative).read_text(encoding="utf-8")))


@needs_corpus
def test_corpus_sample_covers_every_kind_and_service_type() -> None:
    objects = [obj for relative in CORPUS_SAMPLE for _, obj in _load(relative)]
    assert 30 <= len(objects) <= 45
    assert {obj["kind"] for obj in objects} == KINDS
    types = {(obj.get("spec") or {}).get("type", "ClusterIP") for obj in objects if obj["kind"] == "Service"}
    assert types == {"ClusterIP", "NodePort", "LoadBalancer", "ExternalName"}
    assert any((obj.get("spec") or {}).get("clusterIP") == "None" for obj in objects)


@needs_corpus
@pytest.mark.parametrize("relative", CORPUS_SAMPLE)
def test_real_manifests_are_valid(relative: str) -> None:
    objects = _load(relative)
    assert objects
    for _, obj in objects:
        assert [(tuple(e.absolute_path), e.message) for e in errors(obj)] == [], obj["metadata"].get("name")


# --------------------------------------------------------------------------- invalid snippets

#: (case id, base object, dotted path set to the YAML value, the YAML value[, dotted path of the error if
#: not the same]). Numeric path parts are list indexes. The API server rejects every case too: a wrong
#: JSON type is a 400 at decoding, a wrong enum value (case-sensitive) a 422 NotSupported; a null
#: metadata or spec decodes as empty and then fails validation (no name, no ports or containers).
SVC, DEP = "Service", "Deployment"
C0 = "spec.template.spec.containers.0"
INVALID: list[tuple[str, ...]] = [
    # Service
    ("port-quoted", SVC, "spec.ports.0.port", '"80"'),
    ("port-bool", SVC, "spec.ports.0.port", "true"),
    ("port-fraction", SVC, "spec.ports.0.port", "80.5"),
    ("ports-mapping", SVC, "spec.ports", "{}"),
    ("ports-item-number", SVC, "spec.ports.0", "80"),
    ("type-case", SVC, "spec.type", "Nodeport"),
    ("protocol-lowercase", SVC, "spec.ports.0.protocol", "tcp"),
    ("target-port-float", SVC, "spec.ports.0.targetPort", "1.5"),
    ("target-port-bool", SVC, "spec.ports.0.targetPort", "true"),
    ("target-port-list", SVC, "spec.ports.0.targetPort", "[8080]"),
    ("node-port-quoted", SVC, "spec.ports.0.nodePort", '"30080"'),
    ("port-name-number", SVC, "spec.ports.0.name", "8443"),
    ("app-protocol-number", SVC, "spec.ports.0.appProtocol", "2"),
    ("selector-list", SVC, "spec.selector", "[app]"),
    ("selector-value-number", SVC, "spec.selector", "{app: web, version: 2}", "spec.selector.version"),
    ("metadata-null", SVC, "metadata", "null"),
    ("spec-list", SVC, "spec", "[]"),
    ("name-number", SVC, "metadata.name", "42"),
    ("labels-value-number", SVC, "metadata.labels", "{a: 1}", "metadata.labels.a"),
    ("labels-value-bool", SVC, "metadata.labels", "{enabled: true}", "metadata.labels.enabled"),
    ("annotations-list", SVC, "metadata.annotations", "[a, b]"),
    ("cluster-ip-list", SVC, "spec.clusterIP", "[None]"),
    ("cluster-ips-string", SVC, "spec.clusterIPs", "10.0.0.10"),
    ("external-ips-item-number", SVC, "spec.externalIPs", "[1]", "spec.externalIPs.0"),
    ("external-traffic-policy-case", SVC, "spec.externalTrafficPolicy", "local"),
    ("internal-traffic-policy-old-name", SVC, "spec.internalTrafficPolicy", "Topology"),
    ("health-check-node-port-quoted", SVC, "spec.healthCheckNodePort", '"30500"'),
    ("session-affinity-case", SVC, "spec.sessionAffinity", "clientIP"),
    ("affinity-timeout-quoted", SVC, "spec.sessionAffinityConfig.clientIP.timeoutSeconds", '"10800"'),
    ("source-ranges-string", SVC, "spec.loadBalancerSourceRanges", "10.0.0.0/8"),
    ("allocate-node-ports-quoted", SVC, "spec.allocateLoadBalancerNodePorts", '"false"'),
    ("ip-family-case", SVC, "spec.ipFamilies", "[ipv4]", "spec.ipFamilies.0"),
    ("ip-family-policy-case", SVC, "spec.ipFamilyPolicy", "Dualstack"),
    ("publish-not-ready-quoted", SVC, "spec.publishNotReadyAddresses", '"true"'),
    ("traffic-distribution-list", SVC, "spec.trafficDistribution", "[PreferClose]"),
    ("service-kind", SVC, "kind", "Services"),
    # workloads
    ("operator-lowercase", DEP, "spec.selector.matchExpressions.0.operator", "in"),
    ("match-values-string", DEP, "spec.selector.matchExpressions.0.values", "front"),
    ("match-labels-list", DEP, "spec.selector.matchLabels", "[app]"),
    ("selector-string", DEP, "spec.selector", "app=web"),
    ("container-port-quoted", DEP, f"{C0}.ports.0.containerPort", '"8080"'),
    ("host-port-quoted", DEP, f"{C0}.ports.1.hostPort", '"53"'),
    ("host-ip-number", DEP, f"{C0}.ports.1.hostIP", "0"),
    ("container-port-protocol-case", DEP, f"{C0}.ports.0.protocol", "Tcp"),
    ("container-port-name-number", DEP, f"{C0}.ports.0.name", "9090"),
    ("http-get-port-bool", DEP, f"{C0}.readinessProbe.httpGet.port", "true"),
    ("http-get-scheme-case", DEP, f"{C0}.livenessProbe.httpGet.scheme", "https"),
    ("http-get-path-number", DEP, f"{C0}.livenessProbe.httpGet.path", "404"),
    ("tcp-socket-port-float", DEP, f"{C0}.readinessProbe", "{tcpSocket: {port: 1.5}}",
     f"{C0}.readinessProbe.tcpSocket.port"),
    ("grpc-port-name", DEP, f"{C0}.startupProbe.grpc.port", "grpc"),
    ("probe-list", DEP, f"{C0}.livenessProbe", "[]"),
    ("containers-mapping", DEP, "spec.template.spec.containers", "{}"),
    ("container-name-number", DEP, f"{C0}.name", "1"),
    ("image-list", DEP, f"{C0}.image", "[nginx]"),
    ("init-container-restart-policy-bool", DEP, "spec.template.spec.initContainers.0.restartPolicy", "true"),
    ("init-container-port-quoted", DEP, "spec.template.spec.initContainers.0.ports.0.containerPort",
     '"9901"'),
    ("host-network-quoted", DEP, "spec.template.spec.hostNetwork", '"true"'),
    ("pod-restart-policy-case", DEP, "spec.template.spec.restartPolicy", "always"),
    ("template-labels-value-number", DEP, "spec.template.metadata.labels", "{a: 1}",
     "spec.template.metadata.labels.a"),
    ("template-list", DEP, "spec.template", "[]"),
    ("workload-metadata-null", DEP, "metadata", "null"),
    ("workload-spec-string", DEP, "spec", "web"),
    ("workload-kind-typo", DEP, "kind", "Deploymnet"),
    ("statefulset-service-name-number", "StatefulSet", "spec.serviceName", "5"),
    ("replicaset-selector-string", "ReplicaSet", "spec.selector.matchLabels", "web"),
    ("daemonset-operator-unknown", "DaemonSet", "spec.selector.matchExpressions.0.operator", "Equals"),
    ("rc-selector-label-selector", "ReplicationController", "spec.selector", "{matchLabels: {app: legacy}}",
     "spec.selector.matchLabels"),
    ("rc-container-port-quoted", "ReplicationController", f"{C0}.ports.0.containerPort", '"8080"'),
    ("job-manual-selector-quoted", "Job", "spec.manualSelector", '"true"'),
    ("job-restart-policy-case", "Job", "spec.template.spec.restartPolicy", "never"),
    ("cronjob-probe-port-fraction", "CronJob",
     "spec.jobTemplate.spec.template.spec.containers.0.readinessProbe.httpGet.port", "8080.5"),
    ("cronjob-job-template-list", "CronJob", "spec.jobTemplate", "[]"),
    ("cronjob-job-labels-number", "CronJob", "spec.jobTemplate.metadata.labels", "{job: 1}",
     "spec.jobTemplate.metadata.labels.job"),
    ("pod-container-port-quoted", "Pod", "spec.containers.0.ports.0.containerPort", '"8080"'),
    ("pod-protocol-lowercase", "Pod", "spec.containers.0.ports.0.protocol", "tcp"),
    ("pod-host-network-number", "Pod", "spec.hostNetwork", "1"),
    ("pod-spec-null", "Pod", "spec", "null"),
]


def _base(kind: str) -> dict[str, Any]:
    return one(SERVICE_ALL_FIELDS if kind == "Service" else WORKLOAD_ALL_FIELDS[kind])


def _path(dotted: str) -> tuple[str | int, ...]:
    return tuple(int(part) if part.isdigit() else part for part in dotted.split("."))


def _set(obj: Any, path: tuple[str | int, ...], value: Any) -> None:
    for key in path[:-1]:
        obj = obj[key]
    obj[path[-1]] = value


def test_invalid_table_ids_are_unique() -> None:
    ids = [case[0] for case in INVALID]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("case", INVALID, ids=[case[0] for case in INVALID])
def test_invalid_snippet_gives_one_error_at_its_path(case: tuple[str, ...]) -> None:
    _, base, where, value, *error_at = case
    obj = _base(base)
    _set(obj, _path(where), yaml_value(value))
    found = errors(obj)
    assert len(found) == 1, [(tuple(e.absolute_path), e.message) for e in found]
    (error,) = found
    assert tuple(error.absolute_path) == _path(error_at[0] if error_at else where)
    assert error.validator in ("type", "enum", "const")
    # The schema that failed carries the one-line description an error message can quote.
    assert isinstance(error.schema.get("description"), str) and error.schema["description"]


# --------------------------------------------------------------------------- the whole real corpus

SCTP_EXAMPLE = "GoogleCloudPlatform__kubernetes-engine-samples/networking/sctp/sctp-deployment.yaml"
#: Objects of the real corpus that the schemas reject, with the reason the API server rejects them too.
#: Key: (file, document index, kind, name, absolute_path of the error).
CORPUS_OFFENDERS: dict[tuple[str, int, str, str, tuple[str | int, ...]], str] = {
    (SCTP_EXAMPLE, 0, "Deployment", "sctp-app",
     ("spec", "template", "spec", "containers", 0, "ports", 0, "containerPort")):
        "containerPort: PORT is a placeholder string where an int32 is required: 400 BadRequest when decoded",
    (SCTP_EXAMPLE, 1, "Service", "sctp-service",
     ("spec", "ports", 0, "port")):
        "port: PORT is a placeholder string where an int32 is required: 400 BadRequest when decoded",
    ("kubernetes__examples/_archived/volumes/aws_ebs/aws-ebs-web.yaml", 0, "Pod", "aws-web",
     ("spec", "containers", 0, "ports", 0, "protocol")):
        'protocol: tcp is lowercase; the API accepts only TCP, UDP, SCTP (Unsupported value "tcp")',
    ("kubernetes__examples/_archived/volumes/cinder/cinder-web.yaml", 0, "Pod", "cinder-web",
     ("spec", "containers", 0, "ports", 0, "protocol")):
        'protocol: tcp is lowercase; the API accepts only TCP, UDP, SCTP (Unsupported value "tcp")',
}


def _corpus_files() -> Iterator[Path]:
    for directory, _, names in os.walk(CORPUS):
        for name in sorted(names):
            if name.endswith((".yaml", ".yml", ".json")):
                yield Path(directory) / name


@needs_corpus
def test_whole_real_corpus_is_valid_except_known_offenders() -> None:
    checked = 0
    found: dict[tuple[str, int, str, str, tuple[str | int, ...]], str] = {}
    for path in sorted(_corpus_files()):
        relative = path.relative_to(CORPUS).as_posix()
        for index, obj in objects_in(path.read_text(encoding="utf-8")):
            checked += 1
            name = str((obj.get("metadata") or {}).get("name"))
            for error in errors(obj):
                found[(relative, index, obj["kind"], name, tuple(error.absolute_path))] = error.message
    for key, message in sorted(found.items(), key=str):
        print("offender:", *key, "->", message, "|", CORPUS_OFFENDERS.get(key, "NOT EXPECTED"))
    assert checked > 2000  # every Service and workload of the corpus, List items included
    assert sorted(found, key=str) == sorted(CORPUS_OFFENDERS, key=str)
    # The offenders really are wrong in the way the verdict says: a string in an int32, or a lowercase enum.
    for (relative, index, kind, name, where), message in found.items():
        assert "is not of type 'integer'" in message or "is not one of ['TCP', 'UDP', 'SCTP'" in message
