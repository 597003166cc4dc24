"""Generate a realistic benchmark corpus: N apps, each a Deployment and a Service.

Deployments have two containers (app + metrics sidecar) with named ports, probes, resources
and env; Services have 1-3 ports, some are NodePort (unique ports), a few are ExternalName.
Apps are spread over ~20 namespaces, one directory per namespace, one file per app; with
``--single-file`` everything goes into one multi-document file. Output is deterministic.

    python benchmarks/generate.py --apps 1000 --out /tmp/svclint-bench/1k
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

NAMESPACES = 20
NODE_PORT_BASE = 30000


def deployment(name: str, namespace: str, rng: random.Random) -> str:
    port = rng.choice((8080, 8000, 9000, 3000))
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: {name}
    app.kubernetes.io/part-of: shop
  annotations:
    deployment.kubernetes.io/revision: "{rng.randint(1, 30)}"
    team.example.com/owner: team-{rng.randint(1, 40)}@example.com
spec:
  replicas: {rng.randint(1, 5)}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}
        app.kubernetes.io/part-of: shop
        version: v{rng.randint(1, 9)}
    spec:
      containers:
        - name: app
          image: registry.example.com/{name}:1.{rng.randint(0, 40)}.{rng.randint(0, 9)}
          ports:
            - name: http
              containerPort: {port}
              protocol: TCP
            - name: grpc
              containerPort: {port + 1}
          env:
            - name: LOG_LEVEL
              value: info
            - name: POD_NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef:
                  name: {name}-db
                  key: url
            - name: CACHE_TTL_SECONDS
              value: "{rng.randint(10, 600)}"
          volumeMounts:
            - name: config
              mountPath: /etc/{name}
              readOnly: true
          securityContext:
            runAsNonRoot: true
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
          readinessProbe:
            httpGet:
              path: /healthz
              port: http
            periodSeconds: 5
          livenessProbe:
            tcpSocket:
              port: http
            initialDelaySeconds: 10
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              cpu: "1"
              memory: 512Mi
        - name: metrics
          image: registry.example.com/exporter:0.{rng.randint(1, 20)}
          ports:
            - name: metrics
              containerPort: 9102
          resources:
            requests:
              cpu: 10m
              memory: 32Mi
      volumes:
        - name: config
          configMap:
            name: {name}-config
"""


def service(name: str, namespace: str, index: int, rng: random.Random) -> str:
    if index % 97 == 0:
        return f"""apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {namespace}
spec:
  type: ExternalName
  externalName: {name}.db.example.com
"""
    node_port = index % 10 == 0
    ports = ["  - name: http\n    port: 80\n    targetPort: http"]
    if rng.random() < 0.5:
        ports.append("  - name: grpc\n    port: 9090\n    targetPort: grpc")
    if rng.random() < 0.3:
        ports.append("  - name: metrics\n    port: 9102\n    targetPort: metrics")
    if node_port:
        ports[0] += f"\n    nodePort: {NODE_PORT_BASE + index // 10}"
    return f"""apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {namespace}
  labels:
    app.kubernetes.io/name: {name}
spec:
  type: {"NodePort" if node_port else "ClusterIP"}
  selector:
    app.kubernetes.io/name: {name}
  ports:
{chr(10).join(ports)}
"""


def app(index: int, rng: random.Random) -> tuple[str, str]:
    """(namespace, two-document YAML) of app number ``index``."""
    namespace = f"team-{index % NAMESPACES:02d}"
    name = f"app-{index:05d}"
    return namespace, deployment(name, namespace, rng) + "---\n" + service(name, namespace, index, rng)


def generate(apps: int, out: Path, single_file: bool) -> None:
    rng = random.Random(apps)
    out.mkdir(parents=True, exist_ok=True)
    if single_file:
        with open(out / "all.yaml", "w", encoding="utf-8") as handle:
            handle.writelines(app(index, rng)[1] + "---\n" for index in range(apps))
        return
    for index in range(apps):
        namespace, text = app(index, rng)
        directory = out / namespace
        directory.mkdir(exist_ok=True)
        (directory / f"app-{index:05d}.yaml").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--apps", type=int, default=1000)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--single-file", action="store_true", help="one multi-document file")
    args = parser.parse_args()
    generate(args.apps, args.out, args.single_file)


if __name__ == "__main__":
    main()
