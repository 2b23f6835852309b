"""The client's address behind the trusted proxies in front of the app.

Behind a TLS proxy every request comes from the proxy's address, so the sign-in
lockout (django-axes, per username and address) would lock a user out for
everyone after five wrong passwords from anyone. Each proxy appends the address
it received the request from to ``X-Forwarded-For``; with ``TRUSTED_PROXIES=N``
the client is the N-th entry from the right. Entries further left were sent by
the client itself and are never trusted (as Werkzeug's ``ProxyFix(x_for=N)``).
With no trusted proxy, or a header shorter than the proxies that should have
written it, the socket's address counts.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXIES
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
