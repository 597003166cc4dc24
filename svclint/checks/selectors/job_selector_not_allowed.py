"""SVC104 job-selector-not-allowed: a Job selector the API server did not generate."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from svclint.checks import ObjectContext, check
from svclint.diagnostics import JsonPath
from svclint.findings import Finding
from svclint.k8s import (
    quote,
    requirement_matches,
    selector_labels_are_valid,
)
from svclint.model import (
    KubeObject,
    get,
    mapping,
    sequence,
)

_NAME_LABELS = ("job-name", "batch.kubernetes.io/job-name")
_UID_LABELS = ("controller-uid", "batch.kubernetes.io/controller-uid")
#: Stands for the Job's UID, which the API server assigns on create: no label value equals it.
_UNKNOWN_UID = "<uid>"
_HELP = ("remove spec.selector: the API server selects the Job's pods by its generated controller-uid "
         "label; set `manualSelector: true` only if the Job must use this selector")


def _generated_labels(job: KubeObject) -> dict[str, str]:
    """The labels ``generateSelector`` puts on the pods, which a generated selector must match."""
    labels = dict.fromkeys(_UID_LABELS, _UNKNOWN_UID)
    name = get(job.data, "metadata", "name")
    if isinstance(name, str):  # with generateName the name is not known before create
        labels.update(dict.fromkeys(_NAME_LABELS, name))
    return labels


def _first_foreign(selector: Mapping[str, Any], generated: Mapping[str, str]) -> tuple[JsonPath, str] | None:
    """The first selector term the generated labels do not satisfy, with how to show it."""
    for key, value in mapping(selector.get("matchLabels")).items():
        if generated.get(key) != value:
            return ("matchLabels", key), f"{key}={value}"
    for i, raw in enumerate(sequence(selector.get("matchExpressions"))):
        requirement = mapping(raw)
        if requirement_matches(requirement, generated) is False:
            return ("matchExpressions", i), f"matchExpressions[{i}] (key {quote(requirement.get('key'))})"
    return None


def _cron_job(cron_job: KubeObject) -> Iterator[Finding]:
    spec = mapping(get(cron_job.data, "spec", "jobTemplate", "spec"))
    at = ("spec", "jobTemplate", "spec")
    if spec.get("selector") is not None:
        yield Finding(
            "a CronJob's jobTemplate may not set spec.selector: the selector of every Job it creates is "
            "generated, so the API server rejects the CronJob (\"`selector` will be auto-generated\")",
            at=(*at, "selector"), on_key=True, help="remove jobTemplate.spec.selector",
        )
    if spec.get("manualSelector") is True:
        yield Finding(
            "a CronJob's jobTemplate may not set manualSelector: true (only false or nothing): the API "
            "server rejects the CronJob",
            at=(*at, "manualSelector"), help="remove jobTemplate.spec.manualSelector",
        )


@check("job-selector-not-allowed")
def job_selector_not_allowed(workload: KubeObject, ctx: ObjectContext) -> Iterator[Finding]:
    """Mirrors the Job strategy's generateSelector and validateGeneratedSelector, and
    ValidateJobTemplateSpec for CronJobs."""
    if workload.kind == "CronJob":
        yield from _cron_job(workload)
        return
    spec = workload.spec
    selector = spec.get("selector")
    if spec.get("manualSelector") is True or not isinstance(selector, dict):
        return  # manual selectors must match the template: workload-selector-mismatch
    if not selector_labels_are_valid(selector):
        return  # invalid-label: the API server cannot evaluate the selector
    generated = _generated_labels(workload)
    foreign = _first_foreign(selector, generated)
    if foreign is None:
        return  # e.g. `selector: {}` or job-name=<the Job's name>: what the API server generates
    at, term = foreign
    name = generated.get(_NAME_LABELS[0], "<generated name>")
    yield Finding(
        f"spec.selector selects {term}, but a Job's selector is generated unless manualSelector is true, "
        f"and may only select the generated labels (job-name={name}, controller-uid): the API server "
        "rejects the Job (\"`selector` not auto-generated\")",
        at=("spec", "selector", *at), help=_HELP,
    )
