"""The FastAPI application: /health, /model and /score over linktriage.pipeline.score_backlinks.

No ``from __future__ import annotations`` here: FastAPI reads the endpoint annotations at run time, and the
request model is built inside :func:`create_app` (its links cap is a setting).
"""

import contextlib
import dataclasses
import json
import logging
import threading
from typing import Optional, Sequence

import anyio
import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from pydantic import Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from linktriage import __version__
from linktriage._exceptions import InputError, ModelError
from linktriage._records import SCHEMA_VERSION, Backlink, FetchResult
from linktriage.serve._schemas import (MAX_URL_CHARS, Health, Link, Problem, ScoreRequestBase, ScoreResponse,
                                       SiteUrl)

log = logging.getLogger(__name__)

DEFAULT_MAX_LINKS = 1000
#: 20 MB: room for 1,000 links with typical pages inline (a page is ~100 KB of HTML), far from the process's limits
DEFAULT_MAX_BODY_BYTES = 20_000_000
DEFAULT_TIMEOUT_S = 120.0
#: rows per pipeline chunk: a request that timed out stops at the next chunk boundary, so keep chunks short
CHUNK_SIZE = 50


def create_app(model_path: Optional[str] = None, *, fetch: bool = False, max_links: int = DEFAULT_MAX_LINKS,
               max_body_bytes: int = DEFAULT_MAX_BODY_BYTES, timeout_s: float = DEFAULT_TIMEOUT_S,
               max_concurrent: int = 2, fetch_settings=None, cache: Optional[str] = None) -> FastAPI:
    """The HTTP API. The model is loaded here, once; a bad model path fails now rather than at the first request.

    ``fetch``: links without ``html`` are fetched live (private and loopback addresses refused unless
    ``fetch_settings`` says otherwise, which only a trusted deployment should). ``max_links``: links per request
    (more: 422). ``max_body_bytes``: request body cap, enforced while the body is read (more: 413).
    ``timeout_s``: a request not answered by then (body received and scored) gets 504, or 408 when the client
    had not finished sending the body. ``max_concurrent``: requests scored at once (each in a worker thread);
    the others wait, and their waiting counts towards the timeout. A request that timed out keeps its place until
    its thread has stopped (at the next chunk of 50 links), so timed-out work never runs beside ``max_concurrent``
    new requests. ``cache``: an SQLite file of page analyses
    (as ``linktriage score --cache``): a page sent again, byte for byte, is not parsed again.
    """
    from linktriage._cache import prepare_cache
    from linktriage.pipeline import ScoreOptions, model_info
    from linktriage.sources.fetch import FetchSettings

    if max_links < 1 or max_body_bytes < 1 or not timeout_s > 0 or max_concurrent < 1:
        raise InputError("max_links, max_body_bytes, timeout_s and max_concurrent must all be positive")
    cache = prepare_cache(cache) if cache is not None else None  # before the model: a bad path fails at once
    model = _load(model_path)
    card = jsonable_encoder(model_info(model_path), custom_encoder={float: _finite})
    settings = fetch_settings or FetchSettings(allow_private=False, progress=False)
    # A page fetch may not outlive the request that asked for it.
    settings = dataclasses.replace(settings, progress=False,
                                   total_timeout=min(settings.total_timeout, timeout_s))
    options = ScoreOptions(offline=not fetch, model=model_path, fetch_settings=settings, chunk_size=CHUNK_SIZE,
                           # one request, one thread: a process pool per request would cost more than it saves
                           workers=1, cache=cache)
    # A thread semaphore, not an anyio limiter: anyio gives a timed-out request's token back at once, while its
    # abandoned thread goes on scoring; the semaphore is released when the work itself ends.
    slots = threading.BoundedSemaphore(max_concurrent)

    class ScoreRequest(ScoreRequestBase):
        links: list[Link] = Field(max_length=max_links, description=f"At most {max_links} links per request.")
        if fetch:  # the site's pages are fetched: a server that fetches nothing has no such field (422 when sent)
            site: Optional[SiteUrl] = Field(None, max_length=MAX_URL_CHARS, description=(
                "The target site's URL, as `linktriage score --site`: its home page and a few internal pages are "
                "fetched and, with `niche`, make the niche profile behind `relevance`."))

    # /docs and /redoc from files installed with the package, not from a CDN: servers often run offline
    app = FastAPIOffline(
        title="linktriage", version=__version__,
        description=("Label backlinks editorial, guest_post, directory, spam or link_farm, with calibrated "
                     f"probabilities and reasons. Limits: {max_links} links and {max_body_bytes} bytes per request, "
                     f"answered within {timeout_s:g} s. Pages are fetched: {'yes' if fetch else 'no'}."),
    )
    app.add_middleware(_Guard, timeout_s=timeout_s, max_body_bytes=max_body_bytes)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if [e.get("loc") for e in errors] == [("body",)] and isinstance(errors[0].get("input"), bytes):
            # FastAPI parses a body as JSON only under a JSON Content-Type; otherwise it validates the raw bytes
            # and says the body is not an object, which points at the body rather than at the header
            got = request.headers.get("content-type") or "none"
            problem = {"loc": ["body"], "msg": f"send the body as JSON with Content-Type: application/json (got "
                       f"{got[:100]})", "type": "content_type"}
            return _ErrorResponse({"detail": [problem]}, status_code=422)
        return _ErrorResponse({"detail": [_problem(e) for e in errors[:20]]}, status_code=422)

    @app.exception_handler(InputError)
    async def input_error(request: Request, exc: InputError) -> JSONResponse:
        return _ErrorResponse({"detail": str(exc)}, status_code=422)

    @app.exception_handler(ModelError)
    async def model_error(request: Request, exc: ModelError) -> JSONResponse:
        # the server's own files (the embedder a niche needs, a model replaced on disk): not the request's fault,
        # and a client must be able to read why, as for every other answer
        return _ErrorResponse({"detail": f"this server cannot score: {exc}"}, status_code=503)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 413:  # the rest of the body is not read: the connection cannot be reused
            return _ErrorResponse({"detail": _too_large(max_body_bytes)}, status_code=413,
                                  headers={"Connection": "close"})
        if exc.status_code == 400 and exc.__cause__ is not None:
            # FastAPI's 400 for a body it could not parse (not UTF-8, nested too deep, ...): 422 like other bad bodies
            cause = exc.__cause__
            problem = {"loc": ["body"], "msg": f"body cannot be read as JSON in UTF-8 ({type(cause).__name__}: "
                       f"{str(cause)[:200]})", "type": "json_invalid"}
            encoding = request.headers.get("content-encoding", "identity").strip().lower()
            if encoding not in ("", "identity"):  # the bytes were compressed: the decode error alone hid that
                problem["msg"] = (f"body sent with Content-Encoding: {encoding}, which this server does not "
                                  "decompress: send the JSON uncompressed")
            return _ErrorResponse({"detail": [problem]}, status_code=422)
        return _ErrorResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    @app.get("/health", response_model=Health, summary="Liveness: the server is up and its model loaded.")
    async def health() -> dict:
        return {"status": "ok"}

    @app.get("/model", summary="The model card: labels, version, training data and cross-validated metrics.")
    async def model_card() -> dict:
        return card

    @app.post("/score", response_model=ScoreResponse, summary="Judge a batch of links; one row per link, in order.",
              responses={408: {"model": Problem, "description": "The body was not received within the timeout."},
                         413: {"model": Problem, "description": "The body is over the size limit."},
                         422: {"description": "The body is not a valid request: `detail` says what is wrong."},
                         503: {"model": Problem, "description": "The server lacks a file the request needs "
                                                                "(the embedder behind `niche`, a damaged model)."},
                         504: {"model": Problem, "description": "Not scored within the timeout."}})
    async def score(request: ScoreRequest) -> dict:
        site = (getattr(request, "site", None) or "").strip() or None
        backlinks, supplied = backlinks_from_links(request.links, site=site)
        # the niche as given, as the CLI and linktriage.score pass it: a blank one is warned about there (made
        # None here, it was silently no niche)
        run_options = dataclasses.replace(options, niche=request.niche, site=site)
        cancel = threading.Event()
        try:
            rows, warned = await anyio.to_thread.run_sync(_score_warned, backlinks, run_options, model, supplied,
                                                          cancel, slots, timeout_s, abandon_on_cancel=True)
        finally:
            # When this request is cancelled (timeout), its thread stops at the next chunk boundary.
            cancel.set()
        return {"schema_version": SCHEMA_VERSION, "rows": rows, "warnings": warned}

    return app


def backlinks_from_links(links: Sequence[Link], site: str | None = None
                         ) -> tuple[list[Backlink], dict[str, FetchResult]]:
    """Request links as Backlink records, cleaned as the export reader cleans a generic export's cells: a link
    without a target links to ``site``, or is an error row, as in `score --site` (without it, the link was looked
    for on its page and came back `missing`, a lost backlink)."""
    from linktriage.api import supplied_pages
    from linktriage.ingest._values import cell_text, clean_url, site_url

    default_target = site_url(site) if site and site.strip() else ""
    backlinks = []
    for row, link in enumerate(links):
        source, error = clean_url(link.source_url)
        target = clean_url(link.target_url)[0] or default_target
        if not target and not error:
            error = "empty target URL: give the link its target_url, or give `site` for links without one"
        backlinks.append(Backlink(row=row, source_url=source, target_url=target, anchor=cell_text(link.anchor),
                                  error=error))
    return backlinks, supplied_pages(backlinks, [link.html for link in links])


def _score_warned(backlinks, options, model, supplied, cancel: threading.Event, slots: threading.Semaphore,
                  wait_s: float) -> tuple[list[dict], list[str]]:
    """The rows, and the warnings this request's run raised (once each, in order), scored once one of ``slots``
    is free; a thread that waited ``wait_s`` (its request has timed out) or whose request was cancelled meanwhile
    scores nothing.

    Collected by a context variable set here, in the request's worker thread (linktriage._run_warnings says why not
    ``warnings.catch_warnings``): requests scored at the same time in other threads do not see each other's.
    """
    from linktriage._run_warnings import collecting_warnings

    if not slots.acquire(timeout=wait_s):
        return [], []
    try:
        if cancel.is_set():
            return [], []
        with collecting_warnings() as warned:
            rows = _score_all(backlinks, options, model, supplied, cancel)
        return rows, list(dict.fromkeys(warned))
    finally:
        slots.release()


def _score_all(backlinks, options, model, supplied, cancel: threading.Event) -> list[dict]:
    from linktriage.pipeline import score_backlinks

    rows: list[dict] = []
    with contextlib.closing(score_backlinks(backlinks, options, model=model, supplied=supplied)) as chunks:
        for chunk in chunks:
            if cancel.is_set():
                break
            rows.extend(chunk)
    return rows


def _load(model_path: Optional[str]):
    from linktriage.model import load_model

    return load_model(model_path)


def _problem(error: dict) -> dict:
    """One validation error without the offending input: it may be megabytes of html, or not encodable at all."""
    problem = {"loc": list(error.get("loc", ())), "msg": str(error.get("msg", "")), "type": str(error.get("type", ""))}
    if error.get("ctx"):
        problem["ctx"] = {str(k): str(v)[:200] for k, v in error["ctx"].items()}
    return problem


class _ErrorResponse(JSONResponse):
    """JSON with every non-ASCII character escaped: an error message quoting a lone surrogate still encodes."""

    def render(self, content) -> bytes:
        return json.dumps(content, ensure_ascii=True, separators=(",", ":"), default=str).encode("ascii")


def _finite(value: float):
    return value if value == value and value not in (float("inf"), float("-inf")) else None


def _too_large(limit: int) -> str:
    return f"request body over {limit} bytes: send fewer links per request or smaller html (the server's limit)"


class _Guard:
    """Pure ASGI, around the application: a body declared too large gets 413 before a byte of it is read, one
    that turns out too large (no or a false Content-Length) stops at the first chunk over the limit, so a huge body
    is never buffered; and every request is answered within
    ``timeout_s``: 408 when the client is still sending its body (slow uploads would hold a connection forever),
    504 when the work took too long. Being outside the endpoint, it covers the body read that comes before it."""

    def __init__(self, app: ASGIApp, timeout_s: float, max_body_bytes: int) -> None:
        self.app, self.timeout_s, self.max_body_bytes = app, timeout_s, max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_body_bytes:
            await _ErrorResponse({"detail": _too_large(self.max_body_bytes)}, status_code=413,
                                 headers={"Connection": "close"})(scope, receive, send)
            return
        state = {"body_done": scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE"), "started": False,
                 "bytes": 0}

        async def receiving() -> Message:
            message = await receive()
            if message["type"] == "http.request":
                state["bytes"] += len(message.get("body", b""))
                if state["bytes"] > self.max_body_bytes:
                    # FastAPI passes HTTPExceptions raised while reading the body on to the 413 handler
                    raise StarletteHTTPException(413)
            if message["type"] != "http.request" or not message.get("more_body", False):
                state["body_done"] = True
            return message

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        with anyio.move_on_after(self.timeout_s) as deadline:
            await self.app(scope, receiving, sending)
        if deadline.cancelled_caught and not state["started"]:
            if state["body_done"]:
                status, detail = 504, (f"not scored within {self.timeout_s:g} s: send fewer links per request, "
                                       "or retry when the server is less busy")
            else:
                status, detail = 408, f"request body not received within {self.timeout_s:g} s"
            log.warning("%s %s: %s", scope.get("method"), scope.get("path"), detail)
            await _ErrorResponse({"detail": detail}, status_code=status,
                               headers={"Connection": "close"})(scope, receive, send)
