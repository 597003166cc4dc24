"""The command line on top of the configuration file, without the command line itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from svclint.catalog import load_catalog
from svclint.config import ConfigError
from svclint.options import CommandLine, resolve


def test_flags_win_over_the_file_and_selections_add_up(tmp_path: Path) -> None:
    config = tmp_path / "svclint.yaml"
    config.write_text("node-port-range: 20000-22767\ndefault-namespace: apps\nignore: [SVC202]\n")
    _, settings, policy = resolve(CommandLine(config_file=str(config), default_namespace="web",
                                              ignore=["SVC304,SVC101"]), load_catalog())
    assert (settings.node_port_range, settings.default_namespace) == ((20000, 22767), "web")
    assert not any(policy.selects(rule) for rule in ("target-port-not-declared", "node-port-outside-static-band",
                                                     "service-selector-matches-nothing"))
    assert policy.selects("node-port-collision")


@pytest.mark.parametrize(("flags", "message"), [
    (CommandLine(config_file="x.yaml", no_config=True), "--config and --no-config exclude each other"),
    (CommandLine(no_config=True, kube_version="one"), "--kube-version: invalid Kubernetes version 'one'"),
    (CommandLine(no_config=True, default_namespace="Web"), "--default-namespace: 'Web' is not a namespace name"),
    (CommandLine(no_config=True, select=["SVC9"]), "--select"),
])
def test_mistakes_are_config_errors(flags: CommandLine, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        resolve(flags, load_catalog())
