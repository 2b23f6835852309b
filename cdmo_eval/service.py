"""The registry of write services.

Every public function of an app's ``services`` module is decorated with `service`:
the one way to write a domain record. Registering them lets tests find every
service by introspection (and check each is exercised and audited), and counts
calls so a test run can tell which ones it reached.
"""

import contextlib
import functools
from collections import Counter
from collections.abc import Callable
from contextvars import ContextVar

REGISTRY: dict[str, Callable] = {}
"""Dotted name → the registered service."""
CALLS: Counter = Counter()
"""Dotted name → how often it was called in this process."""
OBSERVERS: list[Callable] = []
"""Callables of a service's name and keyword arguments returning a context manager
entered around each outermost service call: the audit trail's attribution (the
``by`` of a call made outside a request), the test suite's completeness check."""

_depth = ContextVar("service_depth", default=0)


def service(func: Callable) -> Callable:
    name = f"{func.__module__}.{func.__qualname__}"

    @functools.wraps(func)
    def call(*args, **kwargs):
        CALLS[name] += 1
        depth = _depth.get()
        token = _depth.set(depth + 1)
        try:
            if depth or not OBSERVERS:
                return func(*args, **kwargs)
            with contextlib.ExitStack() as stack:
                for observer in OBSERVERS:
                    stack.enter_context(observer(name, kwargs))
                return func(*args, **kwargs)
        finally:
            _depth.reset(token)

    call.service_name = name
    REGISTRY[name] = call
    return call
