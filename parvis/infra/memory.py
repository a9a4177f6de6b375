"""Giving freed heap memory back to the system (glibc; a no-op elsewhere).

`free()` keeps freed blocks in the process's heap for reuse, where they still count in
its resident memory: loading the moderation models leaves about 40 MB so, and a burst
of posts about 17 MB in each web process (measured with `malloc_trim` called from gdb).
"""

from __future__ import annotations

import ctypes
import gc
from functools import cache


def trim() -> None:
    """Return the heap's free pages to the system: a few milliseconds."""
    malloc_trim = getattr(_libc(), "malloc_trim", None)  # glibc only
    if malloc_trim is not None:
        malloc_trim(0)


def release_free_memory() -> None:
    """Collect garbage, then trim: after loading something big."""
    gc.collect()
    trim()


@cache
def _libc() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(None)
    except OSError:
        return None
