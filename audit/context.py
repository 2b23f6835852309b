"""Who, why and under which request or job the changes being made are made.

Set by the middleware for a request (`AuditContextMiddleware`), by the Celery
signals for a job (`job`), and by a service around a change that needs a reason
(`because`); read when an entry is written (`fill`).
"""

from __future__ import annotations

import contextlib
import uuid
from contextvars import ContextVar

_request = ContextVar("audit_request", default=None)
_actor = ContextVar("audit_actor", default=None)
_cid = ContextVar("audit_cid", default=None)
_reason = ContextVar("audit_reason", default="")


def current_cid() -> str | None:
    """The request or job the changes belong to (auditlog's CID getter)."""
    return _cid.get()


def current_reason() -> str:
    return _reason.get()


def _current_actor():
    actor = _actor.get()
    if actor is not None:
        return actor
    request = _request.get()
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


@contextlib.contextmanager
def because(reason: str):
    """Every entry written inside the block gives ``reason`` (the service has
    already refused an empty one where a reason is required)."""
    token = _reason.set(reason.strip())
    try:
        yield
    finally:
        _reason.reset(token)


@contextlib.contextmanager
def acting(user, *, cid: str | None = None):
    """Changes inside the block are ``user``'s (a command, a job caused by them)."""
    tokens = [_actor.set(user), _cid.set(cid or _cid.get() or new_cid("cmd"))]
    try:
        yield
    finally:
        _cid.reset(tokens[1])
        _actor.reset(tokens[0])


def attributed(service_name: str, kwargs: dict):
    """Around each outermost service call: a call made outside a request or job
    (a command, the importer, a script) is the work of its ``by``."""
    by = kwargs.get("by")
    if _current_actor() is not None or not getattr(by, "is_authenticated", False):
        return contextlib.nullcontext()
    return acting(by)


def new_cid(kind: str) -> str:
    return f"{kind}-{uuid.uuid4().hex[:16]}"


def start_job(task_id: str | None, user=None) -> None:
    """A Celery task begins: its changes carry its id, and the user whose action
    queued it when the task knows them."""
    _cid.set(f"job-{task_id}" if task_id else new_cid("job"))
    _actor.set(user)
    _request.set(None)
    _reason.set("")


def end_job() -> None:
    _cid.set(None)
    _actor.set(None)


def fill(entry) -> None:
    """Complete an entry from the context before it is written."""
    if entry.actor_id is None:
        actor = _current_actor()
        if actor is not None:
            entry.actor = actor
            entry.actor_email = getattr(actor, "email", None) or None
    if not entry.cid:
        entry.cid = _cid.get()
    if not entry.reason:
        entry.reason = _reason.get()
    request = _request.get()
    if request is not None and not entry.remote_addr:
        entry.remote_addr = request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    """Ties the changes of a request to the signed-in user, the client address
    Django sees (REMOTE_ADDR, set by a trusted proxy if there is one) and a
    request id, also sent back as the ``X-Request-ID`` header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        cid = new_cid("req")
        tokens = (_request.set(request), _cid.set(cid), _actor.set(None))
        try:
            response = self.get_response(request)
        finally:
            _actor.reset(tokens[2])
            _cid.reset(tokens[1])
            _request.reset(tokens[0])
        response.headers.setdefault("X-Request-ID", cid)
        return response
