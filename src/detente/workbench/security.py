"""Guards for a server meant for one machine: answer only to its own names, and refuse
changes requested by other web sites.

The workbench has no login; it listens on the loopback interface. Two attacks still reach such
a server from a browser: a web page whose domain is re-pointed at 127.0.0.1 (DNS rebinding),
and a page that posts a form to it (cross-site request forgery). The first is refused by
checking the ``Host`` header against the names the server answers to; the second by checking
that state-changing requests with an ``Origin`` come from the workbench's own origin.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request

from detente.workbench.api_errors import error_response

__all__ = ["LOCAL_HOSTS", "install_local_guards"]

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _host_name(value: str) -> str:
    """``127.0.0.1:8765`` → ``127.0.0.1``; ``[::1]:8765`` → ``::1``."""
    value = value.strip().lower()
    if value.startswith("["):
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def install_local_guards(app: FastAPI, hosts: Sequence[str]) -> None:
    """Answer only requests addressed to one of ``hosts`` (names or addresses, no port)."""
    allowed = {h.strip("[]").lower() for h in hosts}

    @app.middleware("http")
    async def _guard(request: Request, call_next: Callable[[Request], Any]) -> Any:
        host = _host_name(request.headers.get("host", ""))
        if host not in allowed:
            return error_response(
                421,
                f"this workbench answers to {', '.join(sorted(allowed))}, not {host or '?'}; "
                "open it at the address `detente serve` printed",
            )
        origin = request.headers.get("origin")
        # A sandboxed or local-file page sends "null": foreign too.
        if (
            request.method not in _SAFE_METHODS
            and origin is not None
            and _host_name(urlsplit(origin).netloc) not in allowed
        ):
            return error_response(
                403, f"changes are accepted only from the workbench's own page, not {origin}"
            )
        return await call_next(request)
