"""A source's bytes, or why they cannot be had, and their text: UTF-8 or UTF-16 with a BOM."""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from typing import BinaryIO

from svclint.diagnostics import Span
from svclint.discovery import Source
from svclint.pickling import shippable
from svclint.positions import point_span


@shippable
@dataclass(frozen=True, slots=True)
class ReadError:
    """Why a source's bytes cannot be had (reported as unreadable-file)."""

    message: str


#: Default --max-file-size: far above any manifest, low enough that /dev/zero cannot eat memory.
MAX_FILE_BYTES = 100 * 2**20


def read_source(source: Source, stdin: bytes | None = None, limit: int = MAX_FILE_BYTES) -> bytes | ReadError:
    """The bytes of a source, or why it cannot be read."""
    if source.error is not None:
        return ReadError(source.error)
    if source.real is None:
        data = stdin if stdin is not None else b""
    else:
        try:
            with open(source.real, "rb") as handle:
                data = _read_at_most(handle, limit + 1)
        except OSError as error:
            return ReadError(f"cannot read file: {error.strerror or error}")
    if len(data) > limit:
        return ReadError(f"file is larger than the {limit / 2**20:g} MiB limit (--max-file-size): not checked")
    return data


#: Configuration and baseline files: far above any real one, low enough that /dev/zero cannot eat memory.
SETTINGS_FILE_BYTES = 10 * 2**20


def read_settings_file(path: str, limit: int = SETTINGS_FILE_BYTES) -> str:
    """The text of a configuration or baseline file. Raises OSError when it cannot be read, and
    ValueError (with a message for the user) when it is larger than ``limit`` or not UTF-8."""
    with open(path, "rb") as handle:
        data = _read_at_most(handle, limit + 1)
    if len(data) > limit:
        raise ValueError(f"larger than {limit // 2**20} MiB: not a configuration or baseline file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"not UTF-8 text (byte offset {error.start})") from None


def _read_at_most(handle: BinaryIO, count: int) -> bytes:
    """Up to ``count`` bytes. A regular file is read with a request of its own size: asking for
    ``count`` bytes allocates that much first, which made reading small files three times slower."""
    size = os.fstat(handle.fileno()).st_size
    data = handle.read(min(size + 1, count))
    if size < len(data) < count:  # not a regular file (its size is 0), or it grew since fstat
        data += handle.read(count - len(data))
    return data


@dataclass(frozen=True, slots=True)
class DecodeError:
    """Bytes that are not text in a manifest encoding, and where the first bad byte is."""

    message: str
    span: Span


def decode(data: bytes) -> str | DecodeError:
    """Decode manifest bytes: UTF-8 (BOM optional) or UTF-16 with a BOM."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            return DecodeError(f"invalid UTF-16 at byte offset {error.start}", point_span(0, 0))
    nul = data.find(b"\x00")
    if nul != -1:
        return DecodeError(f"binary file (NUL byte at offset {nul}); not a YAML or JSON manifest", point_span(0, 0))
    bom = len(codecs.BOM_UTF8) if data.startswith(codecs.BOM_UTF8) else 0
    try:
        return data[bom:].decode("utf-8")
    except UnicodeDecodeError as error:
        offset = error.start + bom
        prefix = data[bom:offset].decode("utf-8", "replace")
        line, column = prefix.count("\n"), len(prefix) - (prefix.rfind("\n") + 1)
        return DecodeError(f"invalid UTF-8 at byte offset {offset}: manifests must be UTF-8", point_span(line, column))
