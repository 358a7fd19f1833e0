"""`linktriage serve`: thin layer over linktriage.serve.create_app, run by uvicorn."""

from __future__ import annotations

import socket
from typing import Optional

import typer

from linktriage._exceptions import InputError
from linktriage.cli import app


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on (0.0.0.0: every interface; put a reverse proxy with TLS in front)."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    model: Optional[str] = typer.Option(None, "--model", help="Model file from `linktriage train` (default: the shipped model)."),
    fetch: bool = typer.Option(False, "--fetch", help="Fetch the pages of links sent without html (private and loopback addresses refused), and take a `site` field whose pages feed the niche profile. Default: such links come back not_fetched, and `site` is refused (422)."),
    max_links: int = typer.Option(1000, "--max-links", min=1, help="Links per request; more: 422."),
    max_body_bytes: int = typer.Option(20_000_000, "--max-body-bytes", min=1, help="Request body size limit in bytes; more: 413."),
    timeout: float = typer.Option(120.0, "--timeout", min=0.1, help="Seconds to answer a request; later: 504 (408 while the body is still arriving)."),
    max_concurrent: int = typer.Option(2, "--max-concurrent", min=1, help="Requests scored at once; the others wait (within --timeout)."),
    cache: Optional[str] = typer.Option(None, "--cache", help="SQLite file of page analyses: a page sent (or fetched) again, byte for byte, is not parsed again."),
) -> None:
    """Serve the HTTP API: POST /score, GET /model, GET /health, OpenAPI at /openapi.json (docs/api.md).

    Example: linktriage serve --port 8000 --fetch
    """
    import uvicorn

    from linktriage.serve import create_app

    application = create_app(model, fetch=fetch, max_links=max_links,
                             max_body_bytes=max_body_bytes, timeout_s=timeout, max_concurrent=max_concurrent,
                             cache=cache)
    listening = _listening_socket(host, port)
    port = listening.getsockname()[1]  # --port 0: the port the system chose
    typer.echo(f"linktriage: serving on http://{host}:{port} (fetch {'on' if fetch else 'off'}); "
               f"OpenAPI at /openapi.json", err=True)
    config = uvicorn.Config(application, log_level="info", log_config=_log_config(), timeout_graceful_shutdown=5)
    uvicorn.Server(config).run(sockets=[listening])


def _log_config() -> dict:
    """uvicorn's logging, plus linktriage's own records (a request timed out, the site's pages were partly
    unreadable) on the same stream in the same format. The package logger has only a NullHandler, as a library's
    should, so without this the operator never saw a 408 or 504."""
    import copy

    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["loggers"]["linktriage"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    return config


def _listening_socket(host: str, port: int) -> socket.socket:
    """The socket uvicorn serves on, bound here: a port in use or an unknown host is one line and exit 2, where
    uvicorn logs it over several lines and exits 3."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(f"--host {host}: not an address to listen on ({getattr(exc, 'strerror', None) or exc}); "
                         "use an address of this machine, e.g. 127.0.0.1 or 0.0.0.0") from None
    listening = socket.socket(family, kind, proto)
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds: restarts reuse the port
    try:
        listening.bind(address)
    except OSError as exc:
        listening.close()
        raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}; choose another --port or "
                         "--host") from None
    return listening
