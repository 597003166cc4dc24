"""Label key and value syntax at its edges: the one-regex fast path and the step-by-step
explanation must agree on every verdict (IsQualifiedName, IsValidLabelValue)."""

from __future__ import annotations

import pytest

from svclint.k8s import label_key_problem, label_value_problem

SUBDOMAIN_253 = ".".join(["a" * 63] * 4)[:253]

KEYS = {
    "app": None,
    "app.kubernetes.io/name": None,
    "Upper_Case.name-1": None,
    "a" * 63: None,
    "a" * 64: "has a name of 64 characters (at most 63)",
    f"{SUBDOMAIN_253}/x": None,
    f"{SUBDOMAIN_253}a/x": "has prefix",
    "Example.com/x": "has prefix",
    "example.com/": "has an empty name part",
    "/x": "has an empty prefix before '/'",
    "a/b/c": "has more than one '/'",
    "-app": "must start and end with a letter or digit",
    "app\n": "contains '\\n'",
    "café": "contains 'é'",
    "": "has an empty name",
}


@pytest.mark.parametrize(("key", "problem"), KEYS.items(), ids=[repr(k)[:40] for k in KEYS])
def test_label_key_verdicts(key: str, problem: str | None) -> None:
    found = label_key_problem(key)
    assert found is None if problem is None else found is not None and problem in found


VALUES = {
    "": None,
    "v1.2_3-x": None,
    "a" * 63: None,
    "a" * 64: "is 64 characters long (at most 63)",
    "v1\n": "contains '\\n'",
    ".hidden": "must start and end with a letter or digit",
    "has space": "contains ' '",
}


@pytest.mark.parametrize(("value", "problem"), VALUES.items(), ids=[repr(v)[:40] for v in VALUES])
def test_label_value_verdicts(value: str, problem: str | None) -> None:
    found = label_value_problem(value)
    assert found is None if problem is None else found is not None and problem in found
