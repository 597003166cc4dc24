"""Repeated definitions: an object defined again in the same file, and its first definition."""

from __future__ import annotations

from collections.abc import Mapping

from svclint.model import KubeObject, get
from svclint.project import Project


def first_definition_index(project: Project) -> Mapping[tuple[int, int, int, int], KubeObject]:
    """The index: KubeObject.order of a repeated definition -> the first definition of that object
    (kind, namespace and name) in its file.

    Only repeats within one file count, so a definition is never compared across scopes (a file's
    scopes are the same for all its objects). Objects without a ``metadata.name`` (``generateName``)
    are each a new object.
    """
    first: dict[tuple[str, str, str, str], KubeObject] = {}
    repeated: dict[tuple[int, int, int, int], KubeObject] = {}
    for obj in project.objects:
        if obj.custom or not isinstance(get(obj.data, "metadata", "name"), str):
            continue
        seen = first.setdefault((obj.path, *obj.identity), obj)
        if seen is not obj:
            repeated[obj.order] = seen
    return repeated


def first_definition(project: Project, obj: KubeObject) -> KubeObject | None:
    """The first definition in ``obj``'s file of the object ``obj`` defines again, or None."""
    return project.index(first_definition_index).get(obj.order)
