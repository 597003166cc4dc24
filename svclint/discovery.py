"""Input paths to sources: files as named, directories walked, ``-`` for stdin. Their bytes are
read in ``reading``; after that, loading is pure."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from svclint.pickling import shippable

MANIFEST_SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"
#: Directories a walk never enters: dependencies and caches, not manifests.
SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "site-packages", "venv"})


class InputError(Exception):
    """A path the user named that cannot be used at all (exit code 2)."""


@shippable
@dataclass(frozen=True, slots=True)
class Source:
    """An input: a display path (as the user wrote it) and what to read it from."""

    path: str
    real: str | None  # None for stdin
    error: str | None = None  # why it cannot be read (a directory that cannot be listed)
    resolved: str | None = None  # its real path, when a directory walk already knows it

    @property
    def is_stdin(self) -> bool:
        """Read from stdin, not from a file (an unreadable directory has no file either)."""
        return self.real is None and self.error is None


def discover(paths: Sequence[str], excluded: Callable[[str], bool] | None = None,
             stdin_name: str = STDIN) -> list[Source]:
    """Expand paths into sources: files as given, directories walked in sorted order; ``-`` is
    stdin, named ``stdin_name``.

    Walks skip hidden files and directories and SKIPPED_DIRS. Symlinked directories are
    followed once each, so a symlink loop cannot recurse forever. A file reachable twice is
    read once. A directory that cannot be listed becomes a source that fails to read.
    Files and directories for which ``excluded`` is true are left out, named ones included (and
    so is stdin when its name is). Raises InputError for a path that does not exist.
    """
    sources: list[Source] = []
    seen: set[str] = set()
    for given in paths:
        if given == STDIN:
            left_out = stdin_name != STDIN and excluded is not None and excluded(stdin_name)
            found = [] if left_out else [Source(stdin_name, None)]
        elif not os.path.lexists(given):
            raise InputError(f"{given}: no such file or directory")
        elif excluded is not None and excluded(given):
            found = []
        elif os.path.isdir(given):
            found = list(_walk(given, excluded))
        else:
            found = [Source(given, given)]
        for source in found:
            key = source_key(source)
            if key not in seen:
                seen.add(key)
                sources.append(source)
    return sources


def source_key(source: Source) -> str:
    """What makes two sources the same file: the real path. Stdin named like a file is that file
    (an editor's unsaved buffer replaces the file on disk); unnamed, it is itself."""
    if source.resolved is not None:
        return source.resolved
    return source.path if source.path == STDIN else os.path.realpath(source.real or source.path)


def _walk(top: str, excluded: Callable[[str], bool] | None) -> Iterator[Source]:
    """The manifests under ``top``: a directory's files (sorted), then its subdirectories.

    ``os.scandir`` says without a system call whether an entry is a directory, a regular file
    or a link, so a plain file's real path is its directory's plus its name (``realpath`` on
    every file cost five ``lstat`` each).
    """
    visited: set[str] = set()
    stack = [top]
    while stack:
        directory = stack.pop()
        real = os.path.realpath(directory)
        if real in visited:
            continue
        visited.add(real)
        try:
            with os.scandir(directory) as listing:
                entries = sorted(listing, key=lambda entry: entry.name)
        except OSError as error:
            yield Source(directory, None, error=f"cannot list directory: {error.strerror or error}")
            continue
        subdirectories = []
        for entry in entries:
            name = entry.name
            full = os.path.normpath(entry.path) if top == "." else entry.path  # "app/x.yaml", not "./app/x.yaml"
            if name.startswith(".") or (excluded is not None and excluded(full)):
                continue
            if _is_dir(entry):
                if name not in SKIPPED_DIRS:
                    subdirectories.append(full)
            elif name.lower().endswith(MANIFEST_SUFFIXES) and _readable_kind(entry):
                link = entry.is_symlink()
                yield Source(full, full, resolved=None if link else os.path.join(real, name))
        stack.extend(reversed(subdirectories))


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # follows links, as walks follow linked directories
    except OSError:
        return False


def _readable_kind(entry: os.DirEntry[str]) -> bool:
    """Regular files, and links that lead nowhere (reading reports why). Not directories, and
    not FIFOs or devices: a pipe or a link to /dev/zero named *.yaml would never end."""
    try:
        return entry.is_file() or (entry.is_symlink() and not os.path.exists(entry.path))
    except OSError:
        return True


