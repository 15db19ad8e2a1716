"""Bounds on what a template may compute: the sandbox keeps templates from reaching Python;
these keep them from running forever or filling memory (a user's `--templates` folder).

- numbers: `**` and `*` refuse integers past MAX_INT_BITS, and `*` texts or lists past
  MAX_ITEMS, before computing them;
- loops: every `range()` counts its steps against RANGE_BUDGET for the whole render;
- time: every call, attribute and operator checks the clock, and in the main thread a timer
  stops even a loop that does none of those, past TIME_LIMIT_SECONDS.
"""

from __future__ import annotations

import math
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

TIME_LIMIT_SECONDS = 10.0
RANGE_BUDGET = 1_000_000
MAX_INT_BITS = 100_000  # about 30,000 digits
MAX_ITEMS = 1_000_000


class TemplateLimitError(Exception):
    """A template went past one of the bounds; the message says which."""


class TemplateTimeoutError(TemplateLimitError):
    pass


class _Budget(threading.local):
    deadline = math.inf
    seconds = 0.0
    steps = 0
    range_budget = RANGE_BUDGET


_budget = _Budget()


def _tick() -> None:
    if time.monotonic() > _budget.deadline:
        raise TemplateTimeoutError(f"took longer than {_budget.seconds:g} s and was stopped")


class BoundedSandbox(SandboxedEnvironment):
    """The sandbox, with its operators, calls and attribute lookups bounded."""

    intercepted_binops = frozenset({"**", "*"})

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        _tick()
        _check_binop(operator, left, right)
        return super().call_binop(context, operator, left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
        _tick()
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(result, range):
            _budget.steps += len(result)
            if _budget.steps > _budget.range_budget:
                raise TemplateLimitError(
                    f"loops too long (more than {_budget.range_budget:,} range steps in one render)"
                )
        return result

    def getattr(self, obj: Any, attribute: str) -> Any:
        _tick()
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        _tick()
        return super().getitem(obj, argument)


def _check_binop(operator: str, left: Any, right: Any) -> None:
    if operator == "**" and _is_int(left) and _is_int(right) and abs(left) > 1 and right > 0:
        if right * abs(left).bit_length() > MAX_INT_BITS:
            raise TemplateLimitError("number too big")
    elif operator == "*":
        if _is_int(left) and _is_int(right):
            if left.bit_length() + right.bit_length() > MAX_INT_BITS:
                raise TemplateLimitError("number too big")
        elif _sized_times(left, right) or _sized_times(right, left):
            raise TemplateLimitError(f"text or list too long (more than {MAX_ITEMS:,} items)")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _sized_times(sized: Any, count: Any) -> bool:
    return (
        isinstance(sized, str | bytes | list | tuple)
        and _is_int(count)
        and len(sized) * count > MAX_ITEMS
    )


@contextmanager
def bounded(seconds: float | None = None, range_budget: int | None = None) -> Iterator[None]:
    """Within this block, templates rendered in this thread are bounded in time and loops."""
    seconds = TIME_LIMIT_SECONDS if seconds is None else seconds
    _budget.seconds, _budget.steps = seconds, 0
    _budget.range_budget = RANGE_BUDGET if range_budget is None else range_budget
    _budget.deadline = time.monotonic() + seconds
    with _alarm(seconds):
        try:
            yield
        finally:
            _budget.deadline = math.inf


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    """In the main thread, a timer that stops the render even in a loop that calls nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(_signum: int, _frame: object) -> None:
        raise TemplateTimeoutError(f"took longer than {seconds:g} s and was stopped")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds + 0.5)  # the clock checks come first
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
