"""What the compiled kernel is built with: the jit decorator, bit intrinsics, rule chains.

Numba caches each compiled function on disk, keyed by its own file's time stamp: a
function that inlines a rule or a criterion from another module would keep running the
old code after that module changed. ``jit`` therefore also keys the cache by a digest of
the sources the kernel compiles in (``SOURCES``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Final

import llvmlite.ir
import numba
import numba.extending
from numba.core.caching import FunctionCache
from numba.extending import register_jitable

_HERE = Path(__file__).parent
SOURCES: Final = (
    *(_HERE / name for name in ("compiled.py", "criteria.py", "features.py", "kernel.py",
                                "newcomer_rows.py", "pool.py", "program.py",
                                "rules.py", "topk.py")),
    _HERE.parent / "vocabulary.py",
    _HERE.parent / "mentors" / "capacity.py",
)  # fmt: skip
DIGEST: Final = hashlib.sha256(b"".join(p.read_bytes() for p in SOURCES)).hexdigest()


_NO_REFCOUNTS: Final[dict[str, Any]] = {"_nrt": False}  # numba's own (private) option


class _Cache(FunctionCache):
    """Numba's disk cache, with the sources' digest in every entry's key."""

    def _index_key(self, sig: Any, codegen: Any) -> Any:
        return (*super()._index_key(sig, codegen), DIGEST)


def jit(fn: Callable[..., Any] | None = None, *, allocates: bool = True) -> Any:
    """Compile ``fn`` (no GIL, no bounds checks, numpy's float errors), cached on disk.

    A function that ``allocates`` no array is compiled without reference counting, so
    that reading a named tuple of arrays costs no increment and decrement per array.
    """

    def compile(fn: Callable[..., Any]) -> Any:
        refcounts: dict[str, Any] = {} if allocates else _NO_REFCOUNTS
        dispatcher = numba.njit(nogil=True, boundscheck=False, error_model="numpy",
                                **refcounts)(fn)  # fmt: skip
        dispatcher._cache = _Cache(fn)
        return dispatcher

    return compile if fn is None else compile(fn)


def part(fn: Callable[..., Any]) -> Any:
    """Compile ``fn`` as a part of its compiled callers: numba inlines it into them.

    Inlined, not called: a call passes a named tuple of arrays by value, field by field
    (hundreds of words for the pool), which made the kernel twice as slow.
    """
    return numba.njit(inline="always", nogil=True, error_model="numpy", **_NO_REFCOUNTS)(fn)


def jitable(fn: Callable[..., Any]) -> Any:
    """``fn`` as it is for Python (numpy), and inlined into compiled callers."""
    register_jitable(inline="always", error_model="numpy", _nrt=False)(fn)
    return fn


def all_of(parts: Sequence[Callable[..., Any]], *, lazy: bool) -> Any:
    """One compiled ``(m, n, p) -> bool``: every part holds (True when there are none).

    ``lazy`` stops at the first part that fails (worth it once per run); otherwise every
    part is computed and combined without a branch, so that a loop over mentors
    vectorises.
    """
    if not parts:
        return part(lambda m, n, p: True)
    head = part(parts[0])
    if len(parts) == 1:
        return head
    rest = all_of(parts[1:], lazy=lazy)
    if lazy:
        return part(lambda m, n, p: head(m, n, p) and rest(m, n, p))
    return part(lambda m, n, p: head(m, n, p) & rest(m, n, p))


def _ctpop_typing(typingctx: Any, v: Any) -> Any:  # pragma: no cover - compile time
    """LLVM's population count of an integer (one instruction on x86-64)."""

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        return builder.ctpop(args[0])

    return v(v), codegen


def _bits_typing(typingctx: Any, v: Any) -> Any:  # pragma: no cover - compile time
    """The bits of a float32 as a uint32 (a sortable key for scores >= 0)."""

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        return builder.bitcast(args[0], llvmlite.ir.IntType(32))

    return numba.types.uint32(v), codegen


def _float_typing(typingctx: Any, v: Any) -> Any:  # pragma: no cover - compile time
    """The float32 whose bits a uint32 holds (the inverse of ``bits``)."""

    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        return builder.bitcast(args[0], llvmlite.ir.FloatType())

    return numba.types.float32(v), codegen


ctpop: Any = numba.extending.intrinsic(_ctpop_typing)
bits: Any = numba.extending.intrinsic(_bits_typing)
as_float: Any = numba.extending.intrinsic(_float_typing)
