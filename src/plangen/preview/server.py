"""The preview server: Starlette routes over ``state``, served by uvicorn on 127.0.0.1.

Safe by default: bound to loopback only; a request whose Host header is not this server's
is refused (DNS rebinding); only what it renders is served (a plan by its number in the list
given at start, the files the build wrote for it, two static files), never a file by path;
every route is GET; a Content-Security-Policy forbids scripts and fetches from anywhere else."""
from __future__ import annotations

import asyncio
import contextlib
import errno
import html
import json
import socket
import sys
from collections.abc import AsyncIterator
from importlib import resources
from pathlib import Path
from typing import Optional

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from plangen.build.write import safe_name
from plangen.errors import PlangenError, UsageError
from plangen.preview.state import Page, PageJson, refresh, render_page
from plangen.render.theme import BUILTIN_TEMPLATES, Theme

CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
       "img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
STATIC = {"preview.js": "text/javascript", "preview.css": "text/css"}
BUILD_FORMATS = ("pdf", "docx")


class Preview:
    """The plans, their pages, the clients listening for changes, and the background build."""

    def __init__(self, paths: list[Path], theme: Theme, out: Path, port: int):
        self.pages = [Page(p) for p in paths]
        self.theme, self.out, self.port = theme, out, port
        self.listeners: set[asyncio.Queue[str]] = set()
        self.build_task: Optional[asyncio.Task[None]] = None
        self.build_again = False

    # --- changes ------------------------------------------------------------------------------
    async def start(self) -> None:
        for page in self.pages:
            await asyncio.to_thread(refresh, page, self.theme)
        self.schedule_build()
        self.watcher = asyncio.get_running_loop().create_task(self._watch())

    async def _watch(self) -> None:
        """File-system events (watchfiles), batched for 30 ms: only the plans and templates."""
        import watchfiles
        plans = {p.path.resolve() for p in self.pages}
        templates = [d.resolve() for d in dict.fromkeys([self.theme.folder, BUILTIN_TEMPLATES])]
        folders = sorted({str(p.parent) for p in plans} | {str(d) for d in templates})

        def wanted(_change: object, name: str) -> bool:
            path = Path(name).resolve()
            return path in plans or any(path.is_relative_to(d) for d in templates)

        async for changes in watchfiles.awatch(*folders, watch_filter=wanted, debounce=30, step=10):
            await self.changed({Path(name).resolve() for _change, name in changes})

    async def changed(self, paths: set[Path]) -> None:
        """Files changed: render the plans concerned again (all of them when a template changed)."""
        templates = {self.theme.folder.resolve(), BUILTIN_TEMPLATES.resolve()}
        touched_templates = any(any(p.is_relative_to(t) for t in templates) for p in paths)
        for n, page in enumerate(self.pages):
            if (touched_templates or page.path.resolve() in paths) and await asyncio.to_thread(refresh, page, self.theme):
                self.notify(n, page)
        self.schedule_build()

    def notify(self, n: int, page: Page) -> None:
        message = json.dumps({"plan": n, "version": page.version})
        for queue in list(self.listeners):
            queue.put_nowait(message)

    # --- the .docx and PDF, through the same build as `plangen build` --------------------------------
    def schedule_build(self) -> None:
        if self.build_task is not None and not self.build_task.done():
            self.build_again = True
            return
        self.build_task = asyncio.get_running_loop().create_task(self._build())

    async def _build(self) -> None:
        while True:
            self.build_again = False
            args = ["build", *map(str, (p.path for p in self.pages)), "--format", ",".join(BUILD_FORMATS),
                    "--out", str(self.out), "-q", "-j", "1"]
            if self.theme.folder.resolve() != BUILTIN_TEMPLATES.resolve():
                args += ["--templates", str(self.theme.folder)]
            proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "plangen", *args,
                                                        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
            await proc.wait()
            for n, page in enumerate(self.pages):
                files = {fmt: self.out / f"{safe_name(page.name)}.{fmt}" for fmt in BUILD_FORMATS}
                files = {fmt: f for fmt, f in files.items() if f.is_file()}
                if files != page.files:
                    page.files = files
                    self.notify(n, page)
            if not self.build_again:
                return


# --- the application -------------------------------------------------------------------------------

class _Handlers:
    """The routes' handlers, each on its own (a closure per route made app() one tangle)."""

    def __init__(self, preview: Preview):
        self.preview = preview

    def page_of(self, request: Request) -> tuple[int, Page]:
        n = request.path_params["n"]
        if not 0 <= n < len(self.preview.pages):
            raise LookupError(n)
        return n, self.preview.pages[n]

    async def index(self, request: Request) -> Response:
        items = "".join(f'<li><a href="/plan/{n}">{html.escape(p.name)}</a></li>' for n, p in enumerate(self.preview.pages))
        return HTMLResponse(_shell("plangen preview", f"<main class=\"plangen-index\"><h1>plangen preview</h1><ul>{items}</ul></main>"))

    async def plan_page(self, request: Request) -> Response:
        try:
            n, page = self.page_of(request)
            against = request.query_params.get("against")
            doc = await _document(self.preview, page, against)
        except LookupError:
            return PlainTextResponse("no such plan", status_code=404)
        return HTMLResponse(_plan_html(self.preview, n, page, doc, against))

    async def plan_doc(self, request: Request) -> Response:
        try:
            _n, page = self.page_of(request)
            doc = await _document(self.preview, page, request.query_params.get("against"))
        except LookupError:
            return PlainTextResponse("no such plan", status_code=404)
        return JSONResponse(doc)

    async def plan_file(self, request: Request) -> Response:
        try:
            _n, page = self.page_of(request)
        except LookupError:
            return PlainTextResponse("no such plan", status_code=404)
        path = page.files.get(request.path_params["fmt"])
        if path is None or not path.is_file():
            return PlainTextResponse("not built yet", status_code=404)
        return FileResponse(path, filename=path.name)

    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            return PlainTextResponse("not found", status_code=404)
        text = resources.files("plangen.preview").joinpath("static").joinpath(name).read_text(encoding="utf-8")
        return Response(text, media_type=STATIC[name])

    async def events(self, request: Request) -> Response:
        return StreamingResponse(_events(self.preview, request), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store"})


def app(preview: Preview) -> Starlette:
    h = _Handlers(preview)
    routes = [Route("/", h.index), Route("/plan/{n:int}", h.plan_page), Route("/plan/{n:int}/doc", h.plan_doc),
              Route("/plan/{n:int}/file.{fmt}", h.plan_file), Route("/static/{name}", h.static), Route("/events", h.events)]
    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await preview.start()
        yield

    return Starlette(routes=routes, middleware=[Middleware(HostCheck, port=preview.port)], lifespan=lifespan)


class HostCheck:
    """Refuses a request whose Host is not this server (DNS rebinding), and adds the CSP."""

    def __init__(self, app: ASGIApp, port: int):
        self.app = app
        self.allowed = {f"127.0.0.1:{port}".encode(), f"localhost:{port}".encode()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = dict(scope["headers"]).get(b"host", b"")
        if host not in self.allowed or scope["method"] not in ("GET", "HEAD"):
            status, text = (403, b"refused: this preview answers only to its own address") if host not in self.allowed \
                else (405, b"the preview is read-only")
            await send({"type": "http.response.start", "status": status,
                        "headers": [(b"content-type", b"text/plain; charset=utf-8")]})
            await send({"type": "http.response.body", "body": text})
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + [
                    (b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer")]
            await send(message)
        await self.app(scope, receive, with_headers)


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1 (only); a port in use is a usage error."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} is taken (another preview?); use --port N, or --port 0 for any free port") from None
        raise UsageError(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from None
    sock.listen(64)
    return sock


def serve(paths: list[Path], theme: Theme, out: Path, port: int = 8040, open_browser: bool = True) -> None:
    """Serve until Ctrl-C; prints the address first."""
    import uvicorn
    sock = bind(port)
    port = sock.getsockname()[1]
    preview = Preview(paths, theme, out, port)
    url = f"http://127.0.0.1:{port}/" + ("plan/0" if len(paths) == 1 else "")
    print(f"preview on {url} (Ctrl-C stops)", file=sys.stderr, flush=True)
    if open_browser:
        import webbrowser
        webbrowser.open(url)
    server = uvicorn.Server(uvicorn.Config(app(preview), log_level="warning", lifespan="on", access_log=False,
                                           timeout_graceful_shutdown=1))  # open event streams end then
    server.run(sockets=[sock])


async def _document(preview: Preview, page: Page, against: Optional[str]) -> PageJson:
    if against is None:
        return page.as_json()
    try:
        style, attrs, body = await asyncio.to_thread(render_page, page.path, preview.theme, against)
        return {**page.as_json(), "style": style, "body_attrs": attrs, "body": body, "errors": []}
    except PlangenError as exc:
        return {**page.as_json(), "errors": str(exc).splitlines()}


async def _events(preview: Preview, request: Request) -> AsyncIterator[str]:
    queue: asyncio.Queue[str] = asyncio.Queue()
    preview.listeners.add(queue)
    try:
        yield ": connected\n\n"
        while not await request.is_disconnected():
            try:
                message = await asyncio.wait_for(queue.get(), timeout=15)
                yield f"data: {message}\n\n"
            except asyncio.TimeoutError:
                yield ": keep-alive\n\n"
    finally:
        preview.listeners.discard(queue)


def _shell(title: str, body: str, head: str = "", body_attrs: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>{html.escape(title)}</title>{head}'
            f'<link rel="stylesheet" href="/static/preview.css"></head>\n<body{body_attrs}>{body}'
            '<script src="/static/preview.js"></script></body></html>\n')


def _plan_html(preview: Preview, n: int, page: Page, doc: PageJson, against: Optional[str]) -> str:
    links = "".join(f'<a href="/plan/{i}">{html.escape(p.name)}</a>' for i, p in enumerate(preview.pages))
    files = " ".join(f'<a class="file" href="/plan/{n}/file.{fmt}">{fmt.upper()}</a>' for fmt in doc["files"])
    bar = (f'<nav id="plangen-bar"><span class="plans">{links}</span><span class="files">{files}</span>'
           f'<form method="get" action="/plan/{n}"><input name="against" placeholder="HEAD" '
           f'value="{html.escape(against or "")}" size="8"><button>diff</button></form></nav>')
    errors = "".join(f"<li>{html.escape(e)}</li>" for e in doc["errors"])
    body = (f'{bar}<ul id="plangen-errors"{"" if errors else " hidden"}>{errors}</ul>'
            f'<div id="plangen-doc">{doc["body"]}</div>')
    head = f'<style id="plangen-doc-style">{doc["style"]}</style>'
    attrs = (f'{doc["body_attrs"]} data-plan="{n}" data-version="{doc["version"]}"'
             f' data-against="{html.escape(against or "")}"')
    return _shell(page.name, body, head, attrs)
