"""The kind registry: every kind svclint analyses, registered once, with what the rest needs of it.

Adding a kind is one ``Kind`` entry in ``KINDS`` (and, when it is new to the schemas, its schema
file in ``schemas/k8s/``). A lookup of an unregistered kind raises ``UnknownKind``: nothing falls
back to another kind's schema or template. The test suite checks that every ``kinds:`` of the
rule catalog is registered here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from svclint.diagnostics import JsonPath


class UnknownKind(KeyError):
    """A lookup of a kind that is not in the registry: a bug in svclint, never bad input."""


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind svclint analyses (its rules run on it, and its schema gates it)."""

    name: str
    #: API groups it is served in ("" is the core group; extensions for old manifests).
    groups: frozenset[str]
    #: The schema file in schemas/k8s/ that validates it.
    schema: str
    #: Where it keeps its pod template (metadata + spec): () for a Pod, which is its own
    #: template; None for a kind without one.
    template: JsonPath | None = None
    #: Whether it counts among the objects a run reports it checked (Services and workloads);
    #: False for a kind loaded only for what it tells other kinds' rules (an EndpointSlice).
    checked: bool = True
    #: A field that may name another workload whose pod template it uses instead of its own (an
    #: Argo Rollout's spec.workloadRef): with it and no template, the object brings no template.
    template_ref: JsonPath | None = None


_WORKLOADS = "workloads.v1.json"

KINDS: Mapping[str, Kind] = {kind.name: kind for kind in (
    Kind("Service", frozenset({""}), "service.v1.json"),
    Kind("Pod", frozenset({""}), _WORKLOADS, ()),
    Kind("ReplicationController", frozenset({""}), _WORKLOADS, ("spec", "template")),
    Kind("Deployment", frozenset({"apps", "extensions"}), _WORKLOADS, ("spec", "template")),
    Kind("ReplicaSet", frozenset({"apps", "extensions"}), _WORKLOADS, ("spec", "template")),
    Kind("DaemonSet", frozenset({"apps", "extensions"}), _WORKLOADS, ("spec", "template")),
    Kind("StatefulSet", frozenset({"apps"}), _WORKLOADS, ("spec", "template")),
    Kind("Job", frozenset({"batch"}), _WORKLOADS, ("spec", "template")),
    Kind("CronJob", frozenset({"batch"}), _WORKLOADS, ("spec", "jobTemplate", "spec", "template")),
    # Workloads of popular controllers outside Kubernetes. OpenShift's DeploymentConfig (also
    # served as v1 by OpenShift 3) has a plain-map selector; an Argo Rollout a LabelSelector, and
    # either a template or a workloadRef to a Deployment whose template it runs.
    Kind("DeploymentConfig", frozenset({"apps.openshift.io", ""}), "deploymentconfig.v1.json",
         ("spec", "template")),
    Kind("Rollout", frozenset({"argoproj.io"}), "rollout.v1alpha1.json", ("spec", "template"),
         template_ref=("spec", "workloadRef")),
    # Hand-written endpoints of a Service, beside the controller's (which manages only its own).
    Kind("EndpointSlice", frozenset({"discovery.k8s.io"}), "endpointslice.v1.json", checked=False),
)}


def lookup(name: str) -> Kind:
    """The registered kind ``name``; UnknownKind when there is none."""
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownKind(f"kind {name!r} is not registered in svclint.kinds") from None


def template_path(name: str) -> JsonPath | None:
    """Where kind ``name`` keeps its pod template (None: it has none); UnknownKind when unregistered."""
    return lookup(name).template


def workload_template(name: str) -> JsonPath:
    """``template_path`` of a kind that has a pod template; ValueError for one that has none."""
    at = template_path(name)
    if at is None:
        raise ValueError(f"kind {name!r} has no pod template")
    return at


def template_ref(name: str) -> JsonPath | None:
    """Where kind ``name`` may name another workload's template instead (None: it cannot)."""
    return lookup(name).template_ref


def is_analysed(name: str, api_version: str) -> bool:
    """A registered kind in one of its groups (a Knative ``serving.knative.dev`` Service is not)."""
    registered = KINDS.get(name)
    return registered is not None and api_version.rpartition("/")[0] in registered.groups


#: API groups served by kube-apiserver itself; everything else with a dotted group is a custom resource.
BUILTIN_GROUPS = frozenset({
    "admissionregistration.k8s.io", "apiextensions.k8s.io", "apiregistration.k8s.io",
    "authentication.k8s.io", "authorization.k8s.io", "certificates.k8s.io", "coordination.k8s.io",
    "discovery.k8s.io", "events.k8s.io", "flowcontrol.apiserver.k8s.io", "internal.apiserver.k8s.io",
    "networking.k8s.io", "node.k8s.io", "rbac.authorization.k8s.io", "resource.k8s.io",
    "scheduling.k8s.io", "storage.k8s.io", "storagemigration.k8s.io",
})


def is_custom_resource(api_version: str) -> bool:
    """Custom resources may embed pod templates that an operator turns into pods."""
    group = api_version.rpartition("/")[0]
    return "." in group and group not in BUILTIN_GROUPS
