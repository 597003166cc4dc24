"""Hand-written EndpointSlices by the Service they back, per scope.

kube-proxy routes a Service's traffic to the endpoints of every EndpointSlice labelled
``kubernetes.io/service-name: <Service>`` in its namespace; the EndpointSlice controller manages
only the slices it made (label ``endpointslice.kubernetes.io/managed-by``), so slices written by
hand back a Service even when its selector matches no pod.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

from svclint.model import KubeObject, get, sequence
from svclint.project import Project

SERVICE_NAME = "kubernetes.io/service-name"


def endpoint_slice_index(project: Project) -> Mapping[tuple[str, str, str], tuple[KubeObject, ...]]:
    """The index: (scope, namespace, Service name) -> the EndpointSlices that list endpoints for it."""
    slices: dict[tuple[str, str, str], list[KubeObject]] = defaultdict(list)
    for obj in project.of_kind("EndpointSlice"):
        if not sequence(obj.data.get("endpoints")):
            continue
        service = get(obj.data, "metadata", "labels", SERVICE_NAME)
        if isinstance(service, str):
            for scope in project.scopes_of(obj):
                slices[(scope, obj.namespace, service)].append(obj)
    return {key: tuple(value) for key, value in slices.items()}


def endpoint_slices_of(project: Project, service: KubeObject) -> tuple[KubeObject, ...]:
    """The EndpointSlices with endpoints that back ``service``, in the scopes of its file."""
    index = project.index(endpoint_slice_index)
    found: dict[int, KubeObject] = {}
    for scope in project.scopes_of(service):
        for obj in index.get((scope, service.namespace, service.name), ()):
            found.setdefault(id(obj), obj)
    return tuple(found.values())
