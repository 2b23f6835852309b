"""The registry of write services.

Every public function of an app's ``services`` module is decorated with `service`:
the one way to write a domain record. Registering them lets tests find every
service by introspection (and check each is exercised and audited), and counts
calls so a test run can tell which ones it reached.
"""

import functools
from collections import Counter
from collections.abc import Callable

REGISTRY: dict[str, Callable] = {}
"""Dotted name → the registered service."""
CALLS: Counter = Counter()
"""Dotted name → how often it was called in this process."""


def service(func: Callable) -> Callable:
    name = f"{func.__module__}.{func.__qualname__}"

    @functools.wraps(func)
    def call(*args, **kwargs):
        CALLS[name] += 1
        return func(*args, **kwargs)

    call.service_name = name
    REGISTRY[name] = call
    return call
