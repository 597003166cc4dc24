"""Path globs for ``exclude`` and ``per-file-ignores``, relative to the configuration's directory.

The syntax is .gitignore's, which most repositories already use: ``*`` and ``?`` match within
one path segment, ``[abc]`` a character class, ``**`` any number of segments. A pattern without a
``/`` (other than a trailing one) matches a file or directory name at any depth (``*.json``,
``vendor``); a pattern with one is anchored at the root (``deploy/legacy/*.yaml``). A pattern
that matches a directory matches everything beneath it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar


@dataclass(frozen=True, slots=True)
class CharClass:
    """``[abc]``, ``[a-z]`` or ``[!abc]``: one character in (or, negated, not in) the ranges."""

    ranges: tuple[tuple[str, str], ...]
    negate: bool

    def matches(self, char: str) -> bool:
        return any(low <= char <= high for low, high in self.ranges) is not self.negate


STAR = "*"  # any run of characters within a name
ANY = "?"  # one character
#: In the list of a pattern's names: ``**`` where any number of directories (none too) may be.
GLOBSTAR = "**"
#: A token of a name's pattern: a literal character (a one-character str), STAR, ANY or a class.
Token = str | CharClass
#: One name of a path pattern: its tokens, or GLOBSTAR for a ``**`` between slashes. A literal
#: "*" or "?" is never a token on its own, as the pattern syntax has no escape.
Name = tuple[Token, ...] | str


@dataclass(frozen=True, slots=True)
class Glob:
    """A compiled pattern and the directory it is relative to (absolute).

    Matching never backtracks more than one wildcard at a time, so it takes time proportional to
    the pattern's length times the path's, whatever the pattern (``*a*a*a*a*a*b`` included).
    """

    pattern: str
    root: str
    names: tuple[Name, ...]  # one for a pattern without "/" (matched against a file or directory name)
    anchored: bool

    def fullmatch(self, text: str) -> bool:
        """Whether the pattern matches ``text`` whole: a name, or an anchored pattern's path."""
        if not self.anchored:
            name = self.names[0]
            return isinstance(name, tuple) and _match_name(name, text)
        return _match_path(self.names, text.split("/"))


def compile_glob(pattern: str, root: str) -> Glob:
    """Compile ``pattern`` relative to ``root``; ValueError when it cannot match anything sensibly."""
    body = pattern.removeprefix("./").rstrip("/")
    anchored = "/" in body
    body = body.lstrip("/")
    if not body:
        raise ValueError(f"glob {pattern!r} is empty")
    names = _names(body, pattern)
    if not anchored:  # a lone "**" is a name pattern like any other: it matches every name
        names = tuple((STAR, STAR) if name == GLOBSTAR else name for name in names)
    elif names[-1] == GLOBSTAR:  # a trailing "**" stands for everything below: at least one name
        names = (*names[:-1], (STAR,), GLOBSTAR)
    return Glob(pattern, os.path.abspath(root), names, anchored)


def _names(body: str, pattern: str) -> tuple[Name, ...]:
    """The pattern's names between slashes, each ``**`` alone GLOBSTAR, the others tokenised."""
    return tuple(GLOBSTAR if text == "**" else _tokens(text, pattern) for text in body.split("/"))


def _tokens(text: str, pattern: str) -> tuple[Token, ...]:
    tokens: list[Token] = []
    i = 0
    while i < len(text):
        if text[i] == "[":
            negate = text.startswith(("[!", "[^"), i)
            start = i + 2 if negate else i + 1
            end = text.find("]", start + 1)  # a ']' right after '[' (or '[!') is a member
            if end == -1:
                raise ValueError(f"glob {pattern!r} has a '[' without its ']'")
            tokens.append(CharClass(_ranges(text[start:end], pattern), negate))
            i = end + 1
        else:
            tokens.append(text[i])  # "*" is STAR, "?" is ANY, anything else a literal character
            i += 1
    return tuple(tokens)


def _ranges(members: str, pattern: str) -> tuple[tuple[str, str], ...]:
    """``a-z0-9_`` -> (a, z), (0, 9), (_, _); a '-' first or last is itself."""
    ranges: list[tuple[str, str]] = []
    i = 0
    while i < len(members):
        if i + 2 < len(members) and members[i + 1] == "-":
            low, high = members[i], members[i + 2]
            if low > high:
                raise ValueError(f"glob {pattern!r} has the range {low}-{high}, which holds no character")
            ranges.append((low, high))
            i += 3
        else:
            ranges.append((members[i], members[i]))
            i += 1
    return tuple(ranges)


def _matches_token(token: Token, char: str) -> bool:
    if isinstance(token, CharClass):
        return token.matches(char)
    return token == ANY or token == char


_T = TypeVar("_T")
_P = TypeVar("_P")


def _wildcard_match(pattern: Sequence[_P], items: Sequence[_T], wildcard: _P,
                    matches: Callable[[_P, _T], bool]) -> bool:
    """Whether ``pattern`` matches all of ``items``, where ``wildcard`` stands for any run of
    items and every other element for one item it ``matches``. On a mismatch only the latest
    wildcard takes one more item: earlier ones never need to, so no choice is tried twice and
    the work is at most the pattern's length times the items'."""
    t = n = 0
    star, resume = -1, 0
    while n < len(items):
        if t < len(pattern) and pattern[t] == wildcard:
            star, resume = t, n
            t += 1
        elif t < len(pattern) and matches(pattern[t], items[n]):
            t += 1
            n += 1
        elif star != -1:
            t, resume = star + 1, resume + 1
            n = resume
        else:
            return False
    return all(element == wildcard for element in pattern[t:])


def _match_name(tokens: tuple[Token, ...], name: str) -> bool:
    """One name against a name's tokens, STAR the wildcard."""
    return _wildcard_match(tokens, name, STAR, _matches_token)


def _matches_part(name: Name, part: str) -> bool:
    return isinstance(name, tuple) and _match_name(name, part)


def _match_path(names: tuple[Name, ...], parts: Sequence[str]) -> bool:
    """A path's names against a pattern's, GLOBSTAR the wildcard (any number of names)."""
    return _wildcard_match(names, parts, GLOBSTAR, _matches_part)


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
        return not (rel == ".." or rel.startswith("../")) and glob.fullmatch(rel)
    name = rel.rpartition("/")[2]
    return name not in ("", ".", "..") and glob.fullmatch(name)


def matches_relative(glob: Glob, rel: str) -> bool:
    """``matches`` for a path already made relative to ``glob.root`` (``relative`` is the slow part)."""
    parts = rel.split("/")
    if glob.anchored:
        if parts[0] == "..":
            return False
        return any(_match_path(glob.names, parts[:n]) for n in range(1, len(parts) + 1))
    return any(glob.fullmatch(part) for part in parts if part not in ("", ".", ".."))
