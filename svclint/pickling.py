"""Cheap pickling for the values that travel between svclint's processes."""

from __future__ import annotations

from operator import attrgetter
from typing import Any, TypeVar

T = TypeVar("T")


def shippable(cls: type[T]) -> type[T]:
    """Pickle a frozen, slotted dataclass as its constructor call.

    Dataclasses pickle such a class with ``__getstate__``/``__setstate__`` functions that call
    ``dataclasses.fields`` on every object; a parallel run pickles two objects per manifest
    each way, and that is most of what pickling costs. Here the field values are read in C
    (``attrgetter``) and the object is rebuilt by its own ``__init__``. Apply it above
    ``@dataclass``: ``slots=True`` makes a new class.
    """
    names: tuple[str, ...] = cls.__slots__  # type: ignore[attr-defined]  # the fields, in order
    values = attrgetter(*names)  # two names or more: it then gives a tuple

    def __reduce__(self: Any) -> tuple[type[T], tuple[Any, ...]]:
        return cls, values(self)

    cls.__reduce__ = __reduce__  # type: ignore[method-assign]
    return cls
