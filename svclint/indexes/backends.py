"""Each selecting Service's backends: the pod templates it sends traffic to, nearest first."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from svclint.indexes.labels import select
from svclint.model import KubeObject, PodTemplate, service_selector, service_type
from svclint.project import Project


def backend_index(project: Project) -> Mapping[int, tuple[PodTemplate, ...]]:
    """The index: id(Service) -> the templates it selects (same namespace and scope) that are nearest."""
    backends: dict[int, tuple[PodTemplate, ...]] = {}
    for service in project.of_kind("Service"):
        selector = service_selector(service)
        if selector is not None and service_type(service) != "ExternalName":
            backends[id(service)] = nearest(service, select(project, service, selector, service.namespace))
    return backends


def backends_of(project: Project, service: KubeObject) -> tuple[PodTemplate, ...]:
    """Templates a Service sends traffic to (same namespace and scope)."""
    return project.index(backend_index).get(id(service), ())


def _place(path: str) -> list[str]:
    """A file's absolute path as its directories and name: "apps/a/x.yaml", "./apps/a/x.yaml" and
    the absolute spelling are one place (named files and context files may be written either way)."""
    return os.path.abspath(path).replace("\\", "/").split("/")


def nearest(service: KubeObject, templates: Sequence[PodTemplate]) -> tuple[PodTemplate, ...]:
    """The selected templates that live closest to the Service in the file tree.

    A repository often holds several independent apps or examples that reuse labels like
    ``app: frontend``, even several in one directory of examples; a Service is deployed with
    the workloads next to it. So templates in the Service's own file win, then those sharing
    the longest directory prefix with it.
    """
    if len(templates) <= 1:
        return tuple(templates)
    here = _place(service.path)

    def closeness(template: PodTemplate) -> tuple[bool, int]:
        there = _place(template.owner.path)
        shared = 0
        for a, b in zip(here[:-1], there[:-1]):
            if a != b:
                break
            shared += 1
        return (there == here, shared)

    scores = [closeness(t) for t in templates]
    best = max(scores)
    return tuple(t for t, score in zip(templates, scores) if score == best)
