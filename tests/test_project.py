"""The project: the run's objects, their files' scopes, and indexes built on first use."""

from __future__ import annotations

from conftest import manifest

from svclint.indexes.labels import label_indexes, select
from svclint.loader import load_source
from svclint.model import KubeObject
from svclint.project import Project

TEXT = manifest("""
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
""")


def _objects(*paths: str) -> list[KubeObject]:
    return [obj for i, path in enumerate(paths) for obj in load_source(path, TEXT.encode(), i).objects]


def test_an_index_is_built_once_on_first_use() -> None:
    built: list[int] = []

    def count_objects(project: Project) -> int:
        built.append(1)
        return len(project.objects)

    project = Project(_objects("a.yaml"))
    assert built == []
    assert project.index(count_objects) == project.index(count_objects) == 2
    assert built == [1]


def test_scopes_are_asked_once_per_file_and_keep_objects_apart() -> None:
    asked: list[str] = []

    def scope_of(path: str) -> tuple[str, ...]:
        asked.append(path)
        return ("prod",) if path.startswith("prod/") else ("staging",)

    service, deployment, staging_service, other = _objects("prod/a.yaml", "staging/a.yaml")
    project = Project([service, deployment, staging_service, other], scope_of)
    assert [t.owner for t in select(project, service, {"app": "web"}, "default")] == [deployment]
    assert [t.owner for t in select(project, staging_service, {"app": "web"}, "default")] == [other]
    assert list(project.index(label_indexes)) == ["prod", "staging"]
    assert sorted(asked) == ["prod/a.yaml", "staging/a.yaml"]
    assert project.shared_scopes(service, other) == ()
