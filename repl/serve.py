"""`lexlog serve`: the case page, a local web app over one loaded knowledge base (docs/serve.md).

Routes (every `POST` takes a JSON object; `what_if` is `{"drop": [fact, ...], "suppose": [fact, ...]}`):

    GET  /                the page (repl/web/index.html), its script and style under /static/
    GET  /api/case        the case as loaded: facts, input and output declarations, conclusions, authorities, date
    POST /api/case        {what_if}: the same under a what-if, with the conclusions gained and lost
    POST /api/explain     {atom, what_if}: the proof of a conclusion (lexlog.explanation/2 JSON, and text)
    POST /api/why-not     {atom, what_if}: why an atom or pattern does not follow
    POST /api/export      {atom, format, what_if}: a conclusion's explanation as markdown, json, dot or a memo

A bad request is answered 400 with `{"error": {...}}`: lexlog's own diagnostic (code, message, hint, line, column,
and the located text with its caret) or what is wrong with the request's shape. Nothing is ever written to disk.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, TextIO

import uvicorn
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from lexlog.kb import KnowledgeBase, LexlogError
from lexlog.repl.case_view import BadRequest, CaseView, WhatIf, WhatIfCache, explanation_document, export, required_text, why_not_document

WEB = Path(__file__).with_name("web")
MAX_BODY = 64 * 1024  # a what-if of 200 facts fits many times over; more is not the page's
LOCAL_HOSTS = ("127.0.0.1", "localhost")


@dataclass
class CaseService:
    """The loaded knowledge base and the what-ifs asked of it. Evaluation is not thread-safe (the backends keep
    state between calls), so one request at a time holds the lock while it evaluates."""

    base: KnowledgeBase
    cache: WhatIfCache = field(init=False)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.cache = WhatIfCache(self.base)

    def case(self, what_if: WhatIf) -> dict[str, Any]:
        with self.lock:
            return CaseView(self.cache.get(what_if), self.base, what_if).document()

    def explain(self, atom: str, what_if: WhatIf) -> dict[str, Any]:
        with self.lock:
            return explanation_document(self.cache.get(what_if), atom)

    def why_not(self, atom: str, what_if: WhatIf) -> dict[str, Any]:
        with self.lock:
            return why_not_document(self.cache.get(what_if), atom)

    def export(self, atom: str, format: str, what_if: WhatIf) -> dict[str, Any]:
        with self.lock:
            exported = export(self.cache.get(what_if), atom, format)
        return {"format": exported.format, "media_type": exported.media_type, "filename": exported.filename, "text": exported.text}


# --- requests and errors ----------------------------------------------------------------------------------------


def error_document(error: Exception) -> dict[str, Any]:
    """A bad request in JSON: a lexlog error's first diagnostic, located, with every diagnostic rendered below."""
    if not isinstance(error, LexlogError):
        return {"error": {"code": "bad_request", "message": str(error), "hint": None, "line": None, "column": None, "text": str(error)}}
    first = error.errors[0] if error.errors else error.diagnostics[0]
    return {
        "error": {
            "code": first.code,
            "message": first.message,
            "hint": first.hint,
            "line": first.span.line,
            "column": first.span.column,
            "text": error.render(False),  # the source line and the caret, as the command line prints them
            "diagnostics": [diagnostic.to_dict() for diagnostic in error.diagnostics],
        }
    }


async def _body(request: Request) -> dict[str, Any]:
    """The request's JSON object, read no further than MAX_BODY bytes."""
    if request.method == "GET":
        return {}
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        raise BadRequest("send the request as JSON (Content-Type: application/json)")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_BODY:
        raise BadRequest(f"the request body has {int(declared):,} bytes; at most {MAX_BODY:,} are read")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY:
            raise BadRequest(f"the request body is longer than {MAX_BODY:,} bytes")
        chunks.append(chunk)
    try:
        document = json.loads(b"".join(chunks) or b"{}")
    except (ValueError, RecursionError) as error:
        raise BadRequest(f"the request body is not JSON: {error}") from None
    if not isinstance(document, dict):
        raise BadRequest("the request body must be a JSON object")
    return document


Handler = Callable[[dict[str, Any]], dict[str, Any]]


def _endpoint(handle: Handler) -> Callable[[Request], Any]:
    """A route that reads the body, runs `handle` on a worker thread (evaluation blocks) and answers in JSON."""

    async def endpoint(request: Request) -> Response:
        try:
            document = await _body(request)
            return JSONResponse(await run_in_threadpool(handle, document))
        except (LexlogError, BadRequest) as error:
            return JSONResponse(error_document(error), status_code=400)

    return endpoint


def create_app(knowledge_base: KnowledgeBase, allowed_hosts: Optional[list[str]] = None) -> Starlette:
    """The page's app over a loaded knowledge base. `allowed_hosts`: the Host headers answered (default: this
    machine's names), so that a page elsewhere cannot reach the case through a name it points at 127.0.0.1."""
    service = CaseService(knowledge_base)

    def what_if(document: dict[str, Any]) -> WhatIf:
        return WhatIf.of(document.get("what_if"))

    def case(document: dict[str, Any]) -> dict[str, Any]:
        return service.case(what_if(document))

    def explain(document: dict[str, Any]) -> dict[str, Any]:
        return service.explain(required_text(document, "atom"), what_if(document))

    def why_not(document: dict[str, Any]) -> dict[str, Any]:
        return service.why_not(required_text(document, "atom"), what_if(document))

    def export_route(document: dict[str, Any]) -> dict[str, Any]:
        return service.export(required_text(document, "atom"), required_text(document, "format"), what_if(document))

    async def index(request: Request) -> Response:
        return FileResponse(WEB / "index.html", headers={"Cache-Control": "no-store"})

    routes = [
        Route("/", index),
        Route("/api/case", _endpoint(case), methods=["GET", "POST"]),
        Route("/api/explain", _endpoint(explain), methods=["POST"]),
        Route("/api/why-not", _endpoint(why_not), methods=["POST"]),
        Route("/api/export", _endpoint(export_route), methods=["POST"]),
        Mount("/static", StaticFiles(directory=WEB), name="static"),
    ]
    hosts = list(allowed_hosts) if allowed_hosts is not None else list(LOCAL_HOSTS)
    return Starlette(routes=routes, middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=hosts)])


# --- the server -------------------------------------------------------------------------------------------------


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: a free one, chosen by the system)."""
    family, kind, protocol, _name, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    sock = socket.socket(family, kind, protocol)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(address)
    sock.listen(128)
    return sock


def make_server(app: Starlette) -> uvicorn.Server:
    """A uvicorn server for the app (quiet: the page is the interface); `should_exit = True` stops it."""
    return uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def hosts_for(host: str) -> list[str]:
    """The Host headers to answer when bound to `host`: any, when bound to every interface."""
    if host in ("0.0.0.0", "::", ""):
        return ["*"]
    return list(dict.fromkeys([host, *LOCAL_HOSTS]))


def serve(knowledge_base: KnowledgeBase, host: str, port: int, out: TextIO = sys.stdout) -> None:
    """Evaluate the case, then answer the page until interrupted (Ctrl-C)."""
    knowledge_base.conclusions()  # evaluated now, so the page's first answer does not wait for it
    sock = listen(host, port)
    server = make_server(create_app(knowledge_base, hosts_for(host)))
    print(f"lexlog serve: {url_of(sock)}  (Ctrl-C to stop)", file=out, flush=True)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
