"""Run a reader on one input in a separate process, under a memory cap and a time limit.

The property-based tests hand each mutated input to :class:`LimitedWorker`, which calls a
function in a worker process (spawned once, so pytest's own process keeps its limits)
whose address space is capped with ``resource.setrlimit(RLIMIT_AS)``; a call that runs
past its time limit kills the worker (a hang), and a worker that dies (memory) is replaced.
Each call returns an :class:`Outcome`: what the function returned, or the exception's type
and message, or ``"hang"`` / ``"died"``.
"""

from __future__ import annotations

import concurrent.futures as cf
import importlib
import multiprocessing
import os
import resource
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Outcome:
    """``kind``: ``"ok"`` (``value`` is the result), ``"error"`` (``error_type``,
    ``mimml`` whether it is a MimmlError, ``message``), ``"hang"`` or ``"died"``."""

    kind: str
    value: object = None
    error_type: str = ""
    mimml: bool = False
    message: str = ""

    def __str__(self) -> str:
        if self.kind == "error":
            return f"{self.error_type}: {self.message[:600]}"
        return f"{self.kind}: {str(self.value)[:600]}"


def _vm_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _init(modules: tuple[str, ...], extra_bytes: int) -> None:
    sys.path.insert(0, str(ROOT))
    for name in modules:  # imported before the cap, so the cap bounds the work only
        importlib.import_module(name)
    cap = _vm_bytes() + extra_bytes
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def _call(module: str, name: str, args: tuple) -> Outcome:
    from mimml_edu.errors import MimmlError

    fn = getattr(importlib.import_module(module), name)
    try:
        return Outcome("ok", value=fn(*args))
    except MemoryError:
        return Outcome("died", message="MemoryError")
    except Exception as err:  # every type is reported; the test decides what is allowed
        return Outcome(
            "error",
            error_type=type(err).__name__,
            mimml=isinstance(err, MimmlError),
            message=f"{err}\n{traceback.format_exc(limit=-3)}"
            if not isinstance(err, MimmlError)
            else str(err),
        )


class LimitedWorker:
    """Calls ``module.name(*args)`` in a worker process with a memory cap and a timeout.

    Args:
        modules: modules the worker imports before its memory is capped.
        memory_mb: address space the work may add to the worker's, in MB.
        timeout: seconds one call may take.
    """

    def __init__(self, modules: tuple[str, ...], *, memory_mb: int = 768, timeout: float = 60):
        self.modules, self.extra, self.timeout = modules, memory_mb << 20, timeout
        self._pool: cf.ProcessPoolExecutor | None = None

    def _executor(self) -> cf.ProcessPoolExecutor:
        if self._pool is None:
            self._pool = cf.ProcessPoolExecutor(
                1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init,
                initargs=(self.modules, self.extra),
            )
        return self._pool

    def call(self, module: str, name: str, *args) -> Outcome:
        future = self._executor().submit(_call, module, name, args)
        try:
            return future.result(timeout=self.timeout)
        except cf.TimeoutError:
            self._kill()
            return Outcome("hang", message=f"no answer after {self.timeout:g} s")
        except cf.process.BrokenProcessPool:
            self._kill()
            return Outcome("died", message="the worker died (memory cap or a crash)")

    def _kill(self) -> None:
        if self._pool is not None:
            for proc in list(getattr(self._pool, "_processes", {}).values()):
                proc.kill()
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
