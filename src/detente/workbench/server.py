"""Start the workbench: bind the address, print it, serve until interrupted."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

from detente.errors import DetenteError

__all__ = ["default_database", "require_web", "serve"]


def default_database(workspace: Path) -> str:
    """The SQLite URL of the workspace folder's database (the folder is created)."""
    try:
        workspace.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DetenteError(
            f"cannot create the workspace folder {workspace}: {error.strerror}"
        ) from None
    return f"sqlite:///{(workspace / 'workspace.db').resolve()}"


def require_web() -> None:
    """:class:`DetenteError` saying what to install when the ``web`` extra is missing."""
    for module in ("fastapi", "uvicorn", "sqlalchemy", "multipart", "ruamel.yaml"):
        try:
            __import__(module)
        except ImportError:
            raise DetenteError(
                f"the workbench needs the 'web' extra ({module} is missing): "
                "pip install 'detente[web]'"
            ) from None


def serve(host: str, port: int, database: str, workers: int = 2) -> None:
    """Serve the workbench on ``host:port`` (``port`` 0: any free port) until interrupted."""
    require_web()
    import uvicorn

    from detente.workbench.app import create_app

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise DetenteError(
            f"cannot listen on {host}:{port}: {error.strerror}; choose another --port "
            "(0 picks a free one)"
        ) from None
    try:
        app = create_app(database, workers=workers, hosts=_names(host))
    except BaseException:
        sock.close()
        raise
    bound = sock.getsockname()[1]
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    print(f"detente workbench at http://{shown}:{bound}/", flush=True)
    print(f"workspace database: {database}", flush=True)
    if not _loopback(host):
        print(
            f"warning: listening on {host}, not only on this machine: the workbench has no "
            "login, so anyone who can reach this address can read and change the workspace",
            file=sys.stderr,
            flush=True,
        )
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        sys.stdout.flush()


def _loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _names(host: str) -> list[str] | None:
    """The host names the server answers to: the loopback names and its own address; no
    check at all when it listens on every interface (any of the machine's names is fine)."""
    from detente.workbench.security import LOCAL_HOSTS  # the web extra: imported once checked

    if host in ("0.0.0.0", "::", ""):
        return None
    return [*LOCAL_HOSTS, host, socket.getfqdn(host)] if not _loopback(host) else [*LOCAL_HOSTS]
