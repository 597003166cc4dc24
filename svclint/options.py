"""The command line's options on top of the configuration file: one run's Config, Settings and Policy.

Pure apart from reading the configuration and baseline files; every mistake is a ConfigError
whose text the command line prints (one ``svclint: error:`` line per line) before exit code 2.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass

from svclint.baseline import BaselineError, read_baseline
from svclint.catalog import Catalog
from svclint.config import Config, ConfigError, Selection, check_selectors, find_config, load_config
from svclint.k8s import dns1123_label_problems
from svclint.policy import Policy, build_policy
from svclint.settings import Settings, parse_kube_version, parse_port_range


@dataclass(frozen=True, slots=True)
class CommandLine:
    """The options of ``check`` and ``baseline`` that configure a run, as typed (None: not given)."""

    config_file: str | None = None
    no_config: bool = False
    node_port_range: str | None = None
    default_namespace: str | None = None
    kube_version: str | None = None
    select: Sequence[str] | None = None  # --select replaces the file's select; None: not given
    extend_select: Sequence[str] = ()
    ignore: Sequence[str] = ()
    context: Sequence[str] = ()
    baseline: str | None = None
    use_baseline: bool = True  # False for `svclint baseline`, which ignores a configured one
    kustomize: str | None = None  # auto, always or never


def _split(values: Sequence[str]) -> tuple[str, ...]:
    """``--select a,b --select c`` -> (a, b, c)."""
    return tuple(item.strip() for value in values for item in value.split(",") if item.strip())


def resolve(flags: CommandLine, catalog: Catalog) -> tuple[Config, Settings, Policy]:
    """The configuration file (found, named or none), with the command line on top."""
    selection = Selection(select=_split(flags.select) if flags.select is not None else None,
                          extend_select=_split(flags.extend_select), ignore=_split(flags.ignore))
    if flags.config_file is not None and flags.no_config:
        raise ConfigError("--config and --no-config exclude each other")
    found = None if flags.no_config else flags.config_file if flags.config_file is not None else find_config(".")
    config = load_config(found, catalog) if found is not None else Config()
    for option, selectors in (("--select", selection.select or ()), ("--extend-select", selection.extend_select),
                              ("--ignore", selection.ignore)):
        check_selectors(option, selectors, catalog)
    baseline_file = flags.baseline if flags.baseline is not None else config.baseline if flags.use_baseline else None
    try:
        recorded = read_baseline(baseline_file) if baseline_file is not None else None
    except BaselineError as error:
        raise ConfigError(str(error)) from None
    settings = _settings(config.settings(), flags)
    policy = build_policy(config, selection, catalog, context=tuple(flags.context), baseline=recorded,
                          kustomize_mode=flags.kustomize)
    return config, settings, policy


def _settings(settings: Settings, flags: CommandLine) -> Settings:
    """The file's settings with the command line's on top."""
    if flags.node_port_range is not None:
        try:
            settings = dataclasses.replace(settings, node_port_range=parse_port_range(flags.node_port_range))
        except ValueError as error:
            raise ConfigError(f"--node-port-range: {error}") from None
    namespace = flags.default_namespace
    if namespace is not None:
        if not namespace:
            raise ConfigError("--default-namespace must not be empty")
        if dns1123_label_problems(namespace):  # as the configuration's default-namespace
            raise ConfigError(f"--default-namespace: {namespace!r} is not a namespace name (lowercase letters, "
                              "digits and '-', at most 63 characters)")
        settings = dataclasses.replace(settings, default_namespace=namespace)
    if flags.kube_version is not None:
        try:
            settings = dataclasses.replace(settings, kube_version=parse_kube_version(flags.kube_version))
        except ValueError as error:
            raise ConfigError(f"--kube-version: {error}") from None
    return settings
