"""Path globs for ``exclude`` and ``per-file-ignores``, relative to the configuration's directory.

The syntax is .gitignore's, which most repositories already use: ``*`` and ``?`` match within
one path segment, ``[abc]`` a character class, ``**`` any number of segments. A pattern without a
``/`` (other than a trailing one) matches a file or directory name at any depth (``*.json``,
``vendor``); a pattern with one is anchored at the root (``deploy/legacy/*.yaml``). A pattern
that matches a directory matches everything beneath it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Glob:
    """A compiled pattern and the directory it is relative to (absolute)."""

    pattern: str
    root: str
    regex: re.Pattern[str]
    anchored: bool


def compile_glob(pattern: str, root: str) -> Glob:
    """Compile ``pattern`` relative to ``root``; ValueError when it cannot match anything sensibly."""
    body = pattern.removeprefix("./").rstrip("/")
    anchored = "/" in body
    body = body.lstrip("/")
    if not body:
        raise ValueError(f"glob {pattern!r} is empty")
    return Glob(pattern, os.path.abspath(root), re.compile(_translate(body, pattern)), anchored)


def _translate(body: str, pattern: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(body):
        if body.startswith("**/", i) and (i == 0 or body[i - 1] == "/"):
            out.append("(?:[^/]+/)*")
            i += 3
        elif body.startswith("**", i) and i + 2 == len(body) and (i == 0 or body[i - 1] == "/"):
            out.append(".*")
            i += 2
        elif body[i] == "*":
            out.append("[^/]*")
            i += 1
        elif body[i] == "?":
            out.append("[^/]")
            i += 1
        elif body[i] == "[":
            start = i + 2 if body.startswith(("[!", "[^"), i) else i + 1
            end = body.find("]", start + 1)  # a ']' right after '[' (or '[!') is a member
            if end == -1:
                raise ValueError(f"glob {pattern!r} has a '[' without its ']'")
            inner = body[i + 1:end]
            negate = inner[:1] in ("!", "^")
            inner = re.sub(r"([\\\]\[])", r"\\\1", inner[1:] if negate else inner)
            out.append(f"[{'^' if negate else ''}{inner}]")
            i = end + 1
        else:
            out.append(re.escape(body[i]))
            i += 1
    return "".join(out)


def relative(path: str, root: str) -> str:
    """``path`` (absolute, or relative to the working directory) relative to ``root``, with ``/``."""
    return os.path.relpath(os.path.abspath(path), root).replace(os.sep, "/")


def matches(glob: Glob, path: str) -> bool:
    """Whether ``path`` or one of the directories it is in matches ``glob``."""
    return matches_relative(glob, relative(path, glob.root))


def matches_name(glob: Glob, rel: str) -> bool:
    """Whether ``glob`` matches ``rel`` (relative to ``glob.root``) itself, not a directory above it.

    ``matches`` is this or ``matches_relative`` of the directory above, which callers can cache.
    """
    if glob.anchored:
        return not (rel == ".." or rel.startswith("../")) and glob.regex.fullmatch(rel) is not None
    name = rel.rpartition("/")[2]
    return name not in ("", ".", "..") and glob.regex.fullmatch(name) is not None


def matches_relative(glob: Glob, rel: str) -> bool:
    """``matches`` for a path already made relative to ``glob.root`` (``relative`` is the slow part)."""
    parts = rel.split("/")
    if glob.anchored:
        if parts[0] == "..":
            return False
        return any(glob.regex.fullmatch("/".join(parts[:n])) for n in range(1, len(parts) + 1))
    return any(glob.regex.fullmatch(part) for part in parts if part not in ("", ".", ".."))
