"""Pod templates by label, per scope: what a selector matches, without scanning every workload."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from svclint.indexes.scopes import union
from svclint.model import KubeObject, PodTemplate, embedded_templates, operator_key, pod_template
from svclint.project import Project


@dataclass(frozen=True, slots=True)
class LabelIndex:
    """One scope's pod templates by label."""

    by_label: Mapping[tuple[str, str], tuple[PodTemplate, ...]]
    by_runtime_key: Mapping[str, tuple[PodTemplate, ...]]
    by_namespace_key: Mapping[tuple[str, str], tuple[PodTemplate, ...]]

    @classmethod
    def build(cls, templates: list[PodTemplate]) -> LabelIndex:
        by_label: dict[tuple[str, str], list[PodTemplate]] = defaultdict(list)
        by_runtime_key: dict[str, list[PodTemplate]] = defaultdict(list)
        by_namespace_key: dict[tuple[str, str], list[PodTemplate]] = defaultdict(list)
        for template in templates:
            namespace = template.owner.namespace
            for key, value in template.labels.items():
                by_label[(key, value)].append(template)
                by_namespace_key[(namespace, key)].append(template)
            for runtime in template.runtime_labels:
                by_runtime_key[runtime.key].append(template)
                by_namespace_key[(namespace, runtime.key)].append(template)
        return cls(_freeze(by_label), _freeze(by_runtime_key), _freeze(by_namespace_key))

    def select(self, selector: Mapping[str, str], namespace: str | None) -> list[PodTemplate]:
        """Pod templates a Service selector matches, in one namespace or (None) in any."""
        best: list[PodTemplate] | None = None
        for key, value in selector.items():
            candidates = [
                *self.by_label.get((key, value), ()),
                *self.by_runtime_key.get(key, ()),
                *self.by_runtime_key.get(operator_key(key) or "", ()),
            ]
            if best is None or len(candidates) < len(best):
                best = candidates
        seen: set[int] = set()
        result = []
        for template in best or ():
            if id(template) in seen or (namespace is not None and template.owner.namespace != namespace):
                continue
            seen.add(id(template))
            if template.matches(selector):
                result.append(template)
        return result

    def neighbours(self, selector: Mapping[str, str], namespace: str) -> list[PodTemplate]:
        """Templates in ``namespace`` that have at least one of the selector's keys."""
        candidates: dict[int, PodTemplate] = {}
        for key in selector:
            for template in self.by_namespace_key.get((namespace, key), ()):
                candidates.setdefault(id(template), template)
        return list(candidates.values())


def _freeze(index: dict[Any, list[PodTemplate]]) -> dict[Any, tuple[PodTemplate, ...]]:
    return {key: tuple(values) for key, values in index.items()}


def templates_of(obj: KubeObject) -> list[PodTemplate]:
    """The pod templates an object brings: a workload's own, or those a custom resource embeds."""
    if obj.custom:
        return embedded_templates(obj)
    template = pod_template(obj)
    return [] if template is None else [template]


def label_indexes(project: Project) -> Mapping[str, LabelIndex]:
    """The index: scope -> its pod templates by label."""
    templates: dict[str, list[PodTemplate]] = defaultdict(list)
    for obj in project.objects:
        found = templates_of(obj)
        for scope in project.scopes_of(obj):
            templates[scope].extend(found)
    return {scope: LabelIndex.build(templates[scope]) for scope in project.scope_names()}


def _template_order(template: PodTemplate) -> tuple[int, ...]:
    return template.owner.order


def _select(project: Project, scopes: Iterable[str], selector: Mapping[str, str],
            namespace: str | None) -> Sequence[PodTemplate]:
    labels = project.index(label_indexes)
    return union([index.select(selector, namespace) for scope in scopes
                  if (index := labels.get(scope)) is not None], _template_order)


def select(project: Project, obj: KubeObject, selector: Mapping[str, str],
           namespace: str | None) -> Sequence[PodTemplate]:
    """Pod templates in ``obj``'s scopes that ``selector`` matches, in one namespace or (None) in any."""
    return _select(project, project.scopes_of(obj), selector, namespace)


def select_in_other_scopes(project: Project, obj: KubeObject, selector: Mapping[str, str]) -> list[PodTemplate]:
    """Pod templates (any namespace) that ``selector`` matches in files sharing no scope with ``obj``."""
    mine = project.scopes_of(obj)
    others = (scope for scope in project.index(label_indexes) if scope not in mine)
    found = _select(project, others, selector, None)
    return [template for template in found if not project.shared_scopes(obj, template.owner)]


def near_misses(project: Project, obj: KubeObject, selector: Mapping[str, str],
                namespace: str) -> list[tuple[PodTemplate, list[str]]]:
    """Templates in ``obj``'s scopes and ``namespace`` sharing a selector key, best first, with
    the keys that differ."""
    labels = project.index(label_indexes)
    groups = [index.neighbours(selector, namespace) for scope in project.scopes_of(obj)
              if (index := labels.get(scope)) is not None]
    return rank_near_misses(selector, union(groups, _template_order))


def rank_near_misses(selector: Mapping[str, str],
                     templates: Iterable[PodTemplate]) -> list[tuple[PodTemplate, list[str]]]:
    """Templates best first, with the selector keys each one does not satisfy."""
    scored = []
    for template in templates:
        differing = [k for k, v in selector.items() if not template.label_matches(k, v)]
        # Fewest differing labels first, then the closest spelling (app=payment ~ payments).
        likeness = sum(similarity(selector[k], v) for k in differing if (v := template.labels.get(k)) is not None)
        scored.append(((len(differing), -likeness, template.owner.order), template, differing))
    scored.sort(key=lambda item: item[0])
    return [(template, differing) for _, template, differing in scored]


def similarity(wanted: str, actual: str) -> float:
    """How alike two label values are, from 0 to 1 (difflib's ratio: payment ~ payments is 0.93)."""
    return SequenceMatcher(None, wanted, actual).ratio()
