"""Running the real kustomize on the roots of a run's kustomization trees (see ``svclint.kustomize``).

Each root is built through a wrapper kustomization in a temporary directory that names the
root as its one resource and asks for ``buildMetadata: [originAnnotations]``: kustomize then
says in each object's ``config.kubernetes.io/origin`` annotation which file it came from, and
the user's files are never touched. The wrapper adds no transformer, so the objects are those
``kustomize build ROOT`` prints, plus that annotation. ``kustomize build`` is used when it is on
PATH, else ``kubectl kustomize`` (the same code, vendored into kubectl).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from svclint.kustomize import Kustomization

AUTO, ALWAYS, NEVER = "auto", "always", "never"
MODES = (AUTO, ALWAYS, NEVER)
#: What kustomize adds to each object it renders when the wrapper asks for origins.
ORIGIN_ANNOTATION = "config.kubernetes.io/origin"


@dataclass(frozen=True, slots=True)
class KustomizeOptions:
    """How kustomization trees are read (``kustomize`` in the configuration, ``--kustomize``)."""

    mode: str = AUTO  # auto: render when kustomize can be run; always: or fail; never: file by file
    command: tuple[str, ...] = ()  # the build command without the directory; (): found on PATH
    flags: tuple[str, ...] = ()  # added after it: --load-restrictor LoadRestrictionsNone, --enable-helm
    timeout: float = 120.0  # seconds per root: a remote base on a dead network must not hang a run


@dataclass(frozen=True, slots=True)
class Built:
    """What kustomize printed for a root."""

    root: Kustomization
    text: str
    origin_base: str  # the directory the paths of its origin annotations are relative to
    command: str  # for notes: "kubectl kustomize overlays/prod"


@dataclass(frozen=True, slots=True)
class BuildFailure:
    """Why a root could not be built: kustomize's own message."""

    root: Kustomization
    message: str


def find_command(options: KustomizeOptions) -> tuple[str, ...] | None:
    """The build command to run, or None when it is not installed."""
    if options.command:
        return options.command if shutil.which(options.command[0]) else None
    if shutil.which("kustomize"):
        return ("kustomize", "build")
    if shutil.which("kubectl"):
        return ("kubectl", "kustomize")
    return None


def build_all(roots: Sequence[Kustomization], command: tuple[str, ...], options: KustomizeOptions,
              shown: Sequence[str], max_bytes: int) -> list[Built | BuildFailure]:
    """Build each root (``shown``: its directory as messages name it), a few at a time: each is a
    process of its own that mostly waits on the disk. Results are in the order of ``roots``."""
    if len(roots) <= 1:
        return [build(root, command, options, name, max_bytes) for root, name in zip(roots, shown)]
    with ThreadPoolExecutor(min(len(roots), 2 * (os.cpu_count() or 1))) as pool:
        return list(pool.map(lambda pair: build(pair[0], command, options, pair[1], max_bytes), zip(roots, shown)))


def build(root: Kustomization, command: tuple[str, ...], options: KustomizeOptions, shown: str,
          max_bytes: int) -> Built | BuildFailure:
    """Build one root through a wrapper (see the module's docstring); ``shown`` names its directory."""
    with tempfile.TemporaryDirectory(prefix="svclint-kustomize-") as wrapper:
        try:
            resource = os.path.relpath(root.directory, os.path.realpath(wrapper))
        except ValueError:  # on another drive: kustomize wants a relative path, so build it bare
            resource = None
        target = root.directory
        if resource is not None:
            with open(os.path.join(wrapper, "kustomization.yaml"), "w", encoding="utf-8") as handle:
                handle.write(f"resources:\n- {_quoted(resource)}\nbuildMetadata: [originAnnotations]\n")
            target = wrapper
        output = os.path.join(wrapper, "output.yaml")
        argv = [*command, *options.flags, target]
        try:
            with open(output, "wb") as stdout:
                finished = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=stdout, stderr=subprocess.PIPE,
                                          timeout=options.timeout, env=_environment(), check=False)
        except subprocess.TimeoutExpired:
            return BuildFailure(root, f"`{_shown(command)}` did not finish within {options.timeout:g} s "
                                      "(a remote base on an unreachable network?)")
        except OSError as error:
            return BuildFailure(root, f"`{_shown(command)}` could not be run: {error.strerror or error}")
        if finished.returncode != 0:
            message = _message(finished.stderr.decode("utf-8", "replace"), root.directory, resource, shown)
            return BuildFailure(root, message or f"`{_shown(command)}` failed with exit code {finished.returncode}")
        if os.path.getsize(output) > max_bytes:
            return BuildFailure(root, f"its render is larger than {max_bytes} bytes (--max-file-size)")
        with open(output, "rb") as handle:
            text = handle.read().decode("utf-8", "replace")
    base = root.directory if resource is None else os.path.realpath(wrapper)
    return Built(root, text, base, f"{_shown(command)} {shown}")


def _quoted(path: str) -> str:
    """A path as a YAML double-quoted string: a directory may be named like a YAML value."""
    return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _environment() -> dict[str, str]:
    """The environment, with git told never to ask for credentials (a private remote base would
    wait for a password on the terminal)."""
    return {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "echo"}


def _shown(command: Sequence[str]) -> str:
    return " ".join(command)


#: kubectl's log line around kustomize's error: `E1207 13:35:16.6  327 run.go:72] "command failed" err="..."`.
_KLOG = re.compile(r'^[EWIF]\d{4} [^\]]*\] "command failed" err="(.*)"$')
_KLOG_BLOCK = re.compile(r'"command failed" err=<\n(.*?)\n >', re.DOTALL)
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _message(stderr: str, directory: str, resource: str | None, shown: str) -> str:
    """kustomize's error, on one line, without the wrapper's layer and naming the root (in
    ``directory``) as the user does."""
    block = _KLOG_BLOCK.search(stderr)
    if block is not None:  # a message of several lines: klog writes err=< ... >
        text = " ".join(line.strip() for line in block[1].splitlines() if line.strip())
    else:
        lines = [line.strip() for line in stderr.splitlines() if line.strip() and not line.startswith("# Warning")]
        if not lines:
            return ""
        klog = _KLOG.match(lines[-1])
        text = klog[1].replace('\\"', '"') if klog else lines[-1].removeprefix("Error: ").removeprefix("error: ")
    if resource is not None:
        text = text.rpartition(f"recursed accumulation of path '{directory}': ")[2].replace(resource, shown)
    # Paths as the user names them: kustomize's are absolute.
    text = text.replace(directory + os.sep, shown + os.sep).replace(os.path.realpath(os.getcwd()) + os.sep, "")
    return _UNPRINTABLE.sub("", text)
