"""SVC503 invalid-service-field: Service fields the API server rejects."""

from __future__ import annotations

from collections.abc import Iterator

from svclint.checks import ObjectContext, check
from svclint.checks.service.common import cluster_ips_problem
from svclint.diagnostics import JsonPath, Severity
from svclint.findings import Finding
from svclint.k8s import (
    FormWarning,
    cidr_form_warnings,
    ip_form_warning,
    label_key_problem,
    parse_cidr_sloppy,
    parse_ip_sloppy,
    quote,
    special_ip_problem,
)
from svclint.model import (
    KubeObject,
    get,
    mapping,
    needs_health_check,
    port_protocol,
    sequence,
    service_ports,
    service_type,
)

#: ``service.beta.kubernetes.io/load-balancer-source-ranges``, read when the field is empty.
SOURCE_RANGES_ANNOTATION = "service.beta.kubernetes.io/load-balancer-source-ranges"
MAX_AFFINITY_SECONDS = 86400  # core.MaxClientIPServiceAffinitySeconds
#: MixedProtocolLBService: beta and on by default from 1.24 (GA 1.26); rejected before.
MIXED_PROTOCOLS_SINCE = (1, 24)
#: trafficDistribution values from the release whose feature gate is on by default (beta); before
#: 1.31 the field is dropped on create, whatever it holds.
TRAFFIC_DISTRIBUTIONS = {(1, 31): ("PreferClose",), (1, 34): ("PreferSameZone", "PreferSameNode")}


def _only_load_balancer(field: str, kind: str) -> str:
    return f"{field} may only be used when type is LoadBalancer, not {kind}: the API server rejects the Service"


def _load_balancer_fields(service: KubeObject, kind: str) -> Iterator[Finding]:
    spec = service.spec
    for field in ("allocateLoadBalancerNodePorts", "loadBalancerClass"):
        if spec.get(field) is not None and kind != "LoadBalancer":
            yield Finding(_only_load_balancer(field, kind), at=("spec", field), on_key=True,
                          help=f"remove {field}, or set `type: LoadBalancer`")
    lb_class = spec.get("loadBalancerClass")
    reason = label_key_problem(lb_class) if kind == "LoadBalancer" and isinstance(lb_class, str) else None
    if reason is not None:
        yield Finding(
            f"loadBalancerClass {quote(lb_class)} is not a qualified name: it {reason}; the API server "
            "rejects the Service",
            at=("spec", "loadBalancerClass"),
            help="use the class name of your load balancer controller, e.g. example.com/internal-vip",
        )


def _source_ranges(service: KubeObject, kind: str) -> Iterator[Finding]:
    ranges = sequence(service.spec.get("loadBalancerSourceRanges"))
    if ranges:
        entries: list[tuple[object, JsonPath]] = [
            (entry, ("spec", "loadBalancerSourceRanges", i)) for i, entry in enumerate(ranges)]
        where: JsonPath = ("spec", "loadBalancerSourceRanges")
        name = "loadBalancerSourceRanges"
    else:
        value = get(service.data, "metadata", "annotations", SOURCE_RANGES_ANNOTATION)
        if not isinstance(value, str):
            return
        where = ("metadata", "annotations", SOURCE_RANGES_ANNOTATION)
        name = f"annotation {SOURCE_RANGES_ANNOTATION}"
        entries = [(part, where) for part in value.strip().split(",")] if value.strip() else []
    if kind != "LoadBalancer":
        yield Finding(_only_load_balancer(name, kind), at=where, on_key=True,
                      help=f"remove {name}, or set `type: LoadBalancer`")
    for entry, at in entries:
        if not isinstance(entry, str):
            continue
        # Entries may be padded with spaces (a leftover of the annotation syntax).
        if parse_cidr_sloppy(entry.strip()) is None:
            yield Finding(
                f"{quote(entry.strip())} in {name} is not a CIDR such as 10.0.0.0/8 or 2001:db8::/64: "
                "the API server rejects the Service",
                at=at, help="write each source range as address/prefix-length; a single address is /32",
            )
        elif ranges:  # GetWarningsForService reads the field only, entries as written (untrimmed)
            for warning in cidr_form_warnings(entry):
                yield _form_finding(f"{quote(entry)} in {name}", warning, at)


def _form_finding(what: str, warning: FormWarning, at: JsonPath) -> Finding:
    """GetWarningsForService's warning about how a valid IP or CIDR is written."""
    return Finding(f"{what} {warning.problem}: the API server accepts the Service with a warning",
                   at=at, help=f"write {warning.better}", severity=Severity.WARNING)


def _traffic_policy(service: KubeObject, kind: str) -> Iterator[Finding]:
    spec = service.spec
    policy = spec.get("externalTrafficPolicy")
    accessible = kind in ("NodePort", "LoadBalancer") or (kind == "ClusterIP" and bool(sequence(spec.get("externalIPs"))))
    if not accessible and policy not in (None, ""):
        yield Finding(
            f"externalTrafficPolicy may only be set for externally accessible Services (NodePort, "
            f"LoadBalancer, or ClusterIP with externalIPs), not {kind}: the API server rejects the Service",
            at=("spec", "externalTrafficPolicy"), on_key=True, help="remove externalTrafficPolicy",
        )
    health = spec.get("healthCheckNodePort")
    if not needs_health_check(service) and health not in (None, 0):
        yield Finding(
            "healthCheckNodePort may only be set when type is LoadBalancer and externalTrafficPolicy is "
            "Local: the API server rejects the Service",
            at=("spec", "healthCheckNodePort"), on_key=True,
            help="remove healthCheckNodePort (the cluster allocates one when it is needed)",
        )


def _external_ips(service: KubeObject) -> Iterator[Finding]:
    for i, value in enumerate(sequence(service.spec.get("externalIPs"))):
        if not isinstance(value, str):
            continue
        address = parse_ip_sloppy(value)
        reason = "is not an IP address" if address is None else special_ip_problem(address)
        if reason is not None:
            yield Finding(
                f"externalIP {quote(value)} {reason}: the API server rejects the Service",
                at=("spec", "externalIPs", i),
                help="list addresses that route to your nodes from outside, or remove the entry",
            )
        elif (warning := ip_form_warning(value)) is not None:
            yield _form_finding(f"externalIP {quote(value)}", warning, ("spec", "externalIPs", i))


def _affinity_timeout(service: KubeObject) -> Iterator[Finding]:
    if service.spec.get("sessionAffinity") != "ClientIP":
        return  # with None, defaulting drops sessionAffinityConfig
    at = ("spec", "sessionAffinityConfig", "clientIP", "timeoutSeconds")
    timeout = get(service.data, *at)
    if type(timeout) is int and not 0 < timeout <= MAX_AFFINITY_SECONDS:
        yield Finding(
            f"sessionAffinityConfig.clientIP.timeoutSeconds {timeout} is outside 1-{MAX_AFFINITY_SECONDS} "
            "(one day): the API server rejects the Service",
            at=at, help=f"use 1-{MAX_AFFINITY_SECONDS} seconds, or omit it for the default of 10800 (3 hours)",
        )


def _app_protocols(service: KubeObject) -> Iterator[Finding]:
    for i, port in service_ports(service):
        value = port.get("appProtocol")
        reason = label_key_problem(value) if isinstance(value, str) else None
        if reason is not None:
            yield Finding(
                f"appProtocol {quote(value)} of spec.ports[{i}] is not a qualified name: it {reason}; the API "
                "server rejects the Service",
                at=("spec", "ports", i, "appProtocol"),
                help="use an IANA service name such as http, https or grpc, or a prefixed name such as "
                "kubernetes.io/h2c",
            )


def _ip_families(service: KubeObject) -> Iterator[Finding]:
    families = sequence(service.spec.get("ipFamilies"))
    for i, family in enumerate(families):
        if family in families[:i]:
            yield Finding(f"ipFamilies lists {family} twice: the API server rejects the Service (Duplicate value)",
                          at=("spec", "ipFamilies", i), help="list each IP family once")
    ips = sequence(service.spec.get("clusterIPs"))
    if service.spec.get("ipFamilyPolicy") == "SingleStack" and (len(families) > 1 or len(ips) > 1):
        field = "ipFamilies" if len(families) > 1 else "clusterIPs"
        yield Finding(
            f"ipFamilyPolicy SingleStack with two {field}: the API server rejects the Service (\"must be "
            "'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified\")",
            at=("spec", "ipFamilyPolicy"),
            help=f"use PreferDualStack (or RequireDualStack), or list one of the {field}",
        )


def _traffic_distribution(service: KubeObject, ctx: ObjectContext) -> Iterator[Finding]:
    value = service.spec.get("trafficDistribution")
    version = ctx.settings.kube_version
    if not isinstance(value, str) or version < min(TRAFFIC_DISTRIBUTIONS):
        return
    allowed = [v for since, values in TRAFFIC_DISTRIBUTIONS.items() if version >= since for v in values]
    if value in allowed:
        return
    later = next((since for since, values in TRAFFIC_DISTRIBUTIONS.items() if value in values), None)
    choices = allowed[0] if len(allowed) == 1 else f"one of {', '.join(allowed)}"
    why = (f"it is served from Kubernetes {later[0]}.{later[1]} and the target is {version[0]}.{version[1]}"
           if later else f"it must be {choices}")
    close = [v for v in allowed if v.lower() == value.lower()]
    yield Finding(
        f"trafficDistribution {quote(value)} is not supported: {why}; the API server rejects the Service "
        "(Unsupported value)",
        at=("spec", "trafficDistribution"),
        help=f"did you mean {close[0]}?" if close else f"use {choices}, or remove trafficDistribution",
    )


def _mixed_protocols(service: KubeObject, kind: str, ctx: ObjectContext) -> Iterator[Finding]:
    if kind != "LoadBalancer" or ctx.settings.kube_version >= MIXED_PROTOCOLS_SINCE:
        return
    protocols = {port_protocol(mapping(port)) for port in sequence(service.spec.get("ports"))}
    if len(protocols) > 1:
        major, minor = ctx.settings.kube_version
        yield Finding(
            f"a LoadBalancer Service may not mix protocols ({', '.join(sorted(protocols))}) before "
            f"Kubernetes 1.24, and the target is {major}.{minor}: the API server rejects the Service "
            "(\"may not contain more than 1 protocol when type is 'LoadBalancer'\")",
            at=("spec", "ports"), on_key=True,
            help="split the ports into one LoadBalancer Service per protocol, or target a newer cluster "
            "with --kube-version",
        )


@check("invalid-service-field")
def invalid_service_field(service: KubeObject, ctx: ObjectContext) -> Iterator[Finding]:
    """Mirrors ValidateService: type-bound fields (Forbidden or Invalid for other types), CIDRs,
    externalIPs (ValidateNonSpecialIP), the ClientIP affinity timeout (validateAffinityTimeout),
    and validateMixedProtocolLBService before MixedProtocolLBService was on by default; as warnings,
    GetWarningsForService's on how valid source ranges and externalIPs are written."""
    kind = service_type(service)
    if not kind:
        return  # an unknown type: every type-bound rule would be guesswork
    if kind != "ExternalName" and (problem := cluster_ips_problem(service)) is not None:
        yield problem  # ExternalName: both fields are Forbidden (external-name-forbidden-field)
    yield from _load_balancer_fields(service, kind)
    yield from _source_ranges(service, kind)
    yield from _traffic_policy(service, kind)
    yield from _external_ips(service)
    yield from _affinity_timeout(service)
    yield from _mixed_protocols(service, kind, ctx)
    yield from _app_protocols(service)
    yield from _traffic_distribution(service, ctx)
    if kind != "ExternalName":  # where both fields are Forbidden (external-name-forbidden-field)
        yield from _ip_families(service)
