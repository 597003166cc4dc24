"""The model's views of an object agree with the port rules' own model."""

from __future__ import annotations

from conftest import manifest

from svclint.checks.ports.common import pod_containers
from svclint.loader import load_source
from svclint.model import pod_template

POD = manifest("""
    apiVersion: v1
    kind: Pod
    metadata: {name: web, labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx
          ports: [{name: "", containerPort: 80}, {name: http, containerPort: 8080}]
""")


def test_an_empty_port_name_is_no_name_in_both_models() -> None:
    (pod,) = load_source("pod.yaml", POD.encode(), 0).objects
    template = pod_template(pod)
    assert template is not None
    assert [p.name for p in template.ports] == [None, "http"]
    assert [p.name for c in pod_containers(pod) for p in c.ports()] == [None, "http"]
