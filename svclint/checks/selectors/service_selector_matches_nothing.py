"""SVC101 service-selector-matches-nothing: a Service selector that no pod template matches."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from svclint.checks import ProjectContext, check
from svclint.diagnostics import Severity
from svclint.findings import Finding, RelatedFinding
from svclint.indexes.backends import backends_of
from svclint.indexes.endpoint_slices import endpoint_slices_of
from svclint.indexes.labels import near_misses, select, select_in_other_scopes, similarity
from svclint.indexes.operator_pods import Evidence, operator_evidence
from svclint.indexes.scopes import describe_scopes
from svclint.k8s import (
    labels_are_valid,
)
from svclint.model import (
    KubeObject,
    PodTemplate,
    service_selector,
    service_type,
)


def _pairs(selector: Mapping[str, str]) -> str:
    return ",".join(f"{k}={v}" for k, v in selector.items())


def _labels_at(template: PodTemplate) -> tuple[str | int, ...]:
    return (*template.at, "metadata", "labels")


@check("service-selector-matches-nothing")
def service_selector_matches_nothing(service: KubeObject, ctx: ProjectContext) -> Iterator[Finding]:
    """Mirrors the EndpointSlice controller: same namespace (and cluster: scope), every selector
    pair on the pod. EndpointSlices written for the Service give it endpoints all the same. Pods
    that an operator creates from a custom resource of the inputs are only an info."""
    selector = service_selector(service)
    if selector is None or service_type(service) == "ExternalName" or backends_of(ctx.project, service):
        return
    if endpoint_slices_of(ctx.project, service):
        return
    if not labels_are_valid(selector):
        return  # invalid-label: the API server rejects the Service before it could select anything
    project = ctx.project
    where = f'namespace "{service.namespace}"'
    evidence = operator_evidence(project, service, selector)
    if evidence is not None:
        yield _operator_pods(selector, where, evidence)
        return
    elsewhere = [t for t in select(project, service, selector, None) if t.owner.namespace != service.namespace]
    if elsewhere:
        namespaces = sorted({t.owner.namespace for t in elsewhere})
        yield Finding(
            f"selector {_pairs(selector)} matches no pod in {where}; matching pods exist only in "
            f"namespace {', '.join(namespaces)} ({elsewhere[0].owner.ref}), and a Service only "
            "selects pods in its own namespace: it gets no endpoints",
            at=("spec", "selector"),
            help="move the Service (or the workload) to the same namespace",
            related=(RelatedFinding("pods with these labels", elsewhere[0].owner, _labels_at(elsewhere[0])),),
        )
        return
    other = select_in_other_scopes(project, service, selector)
    if other:
        owner = other[0].owner
        yield Finding(
            f"selector {_pairs(selector)} matches no pod in {where} in "
            f"{describe_scopes(project.scopes_of(service))}; matching pods exist only in "
            f"{describe_scopes(project.scopes_of(owner))} ({owner.ref}), another cluster: the Service "
            "gets no endpoints",
            at=("spec", "selector"),
            help=f"if {owner.ref} runs in the same cluster as this Service, put both files in one scope "
            "(`scopes` in the configuration)",
            related=(RelatedFinding("pods with these labels", owner, _labels_at(other[0])),),
        )
        return
    near = near_misses(project, service, selector, service.namespace)
    if not near or not _close(near[0][0], near[0][1], selector):
        nothing = "uses any of these label keys" if not near else "has labels close to these"
        yield Finding(
            f"selector {_pairs(selector)} matches no pod template in {where}, and no workload there "
            f"{nothing}: the Service gets no endpoints",
            at=("spec", "selector"),
            help="fix the selector; if an operator or another repository creates these pods, "
            "lint those manifests together with this Service",
        )
        return
    template, differing = near[0]
    first = differing[0]
    wanted = ", ".join(_difference(template, key, selector[key]) for key in differing)
    suggestion = {k: v for k in differing if (v := template.label_value(k)) is not None and "<" not in v}
    yield Finding(
        f"selector {_pairs(selector)} matches no pod template in {where}: the nearest, "
        f"{template.owner.ref}, {wanted}; the Service gets no endpoints",
        at=("spec", "selector", first),
        help=f"did you mean {_pairs(suggestion)}?" if suggestion else
        f"add the missing labels to {template.owner.ref}'s pod template, or drop them from the selector",
        related=(RelatedFinding(f"pod template labels of {template.owner.ref}", template.owner, _labels_at(template)),),
    )


def _operator_pods(selector: Mapping[str, str], where: str, evidence: Evidence) -> Finding:
    """An info: the pods are an operator's, which svclint sees no template of."""
    owner = evidence.owner
    if evidence.operator is None:
        related = (RelatedFinding(f"{owner.ref}, named like the selector value", owner, ("metadata", "name")),)
        named = ", ".join(f"{key}={selector[key]}" for key in evidence.sources)
        return Finding(
            f"selector {_pairs(selector)} matches no pod template in {where}, but {owner.ref}, a custom "
            f"resource there that declares pods, is named like its value {named}: its operator probably "
            "creates these pods",
            at=("spec", "selector"),
            help="svclint does not know the labels that operator gives its pods; if they do not carry "
            "every label of the selector, fix the selector",
            related=related,
            severity=Severity.INFO,
        )
    related = (RelatedFinding(f"{owner.ref}, whose operator creates the pods", owner, ("metadata", "name")),)
    by_source: dict[str, list[str]] = {}
    for key, source in evidence.sources.items():
        by_source.setdefault(source, []).append(key)
    told = "; ".join(f"{source} sets {', '.join(keys)}" for source, keys in by_source.items())
    return Finding(
        f"selector {_pairs(selector)} matches no pod template in {where}: its pods are created by the "
        f"operator of {owner.ref} ({told})",
        at=("spec", "selector"),
        help=f"svclint cannot check the pods {evidence.operator.name} creates; nothing to fix if it runs in the "
        "cluster",
        related=related,
        severity=Severity.INFO,
    )


#: How alike two label values must be (difflib's ratio) to be offered as a misspelling of each other.
SIMILAR = 0.6


def _close(template: PodTemplate, differing: list[str], selector: Mapping[str, str]) -> bool:
    """Whether a template is a near miss worth naming: every value it has for a differing key is
    spelt like the selector's (payment ~ payments), and a key it lacks is forgiven only when it
    matches another pair of the selector (the selector asks for one label too many)."""
    values = {key: template.label_value(key) for key in differing}
    if any(value is not None and "<" not in value and similarity(selector[key], value) < SIMILAR
           for key, value in values.items()):
        return False
    return all(value is not None for value in values.values()) or len(differing) < len(selector)


def _difference(template: PodTemplate, key: str, value: str) -> str:
    if key in template.labels:
        return f"has {key}={template.labels[key]} (not {value})"
    actual = template.label_value(key)
    if actual is not None:
        return f"gives its pods {key}={actual} (not {value})"
    return f"has no label {key}"
