"""The application factory: routers, error handling, middleware."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import DataError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import Response
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from mentormatch import __version__, api_docs, error_words, migrate, openapi, vocabulary
from mentormatch.accounts.dependencies import Public
from mentormatch.accounts.router import router as accounts_router
from mentormatch.aftercare.router import router as aftercare_router
from mentormatch.assessments.router import router as assessments_router
from mentormatch.audit.router import router as audit_router
from mentormatch.audit.service import ReadAudit
from mentormatch.config import Settings, get_settings
from mentormatch.db import make_engine, make_sessionmaker, utcnow
from mentormatch.decisions.router import router as decisions_router
from mentormatch.deps import SessionDep
from mentormatch.errors import MentorMatchError
from mentormatch.i18n import translate
from mentormatch.matching import service as matching_service
from mentormatch.matching.router import router as matching_router
from mentormatch.matching.service import RankerCache
from mentormatch.mentors.router import router as mentors_router
from mentormatch.methods import MethodsMiddleware, RouteMethods, is_api
from mentormatch.middleware import (
    BodyLimitMiddleware,
    DatabaseReadyMiddleware,
    SecurityHeadersMiddleware,
)
from mentormatch.newcomers.notes_router import router as notes_router
from mentormatch.newcomers.router import router as newcomers_router
from mentormatch.newcomers.urgent_router import router as urgent_router
from mentormatch.pairings.router import router as pairings_router
from mentormatch.programs import service as programs_service
from mentormatch.programs.router import router as programs_router
from mentormatch.spreadsheets.import_jobs_router import router as import_jobs_router
from mentormatch.spreadsheets.import_router import PATHS as IMPORT_API_PATHS
from mentormatch.spreadsheets.import_router import router as imports_router
from mentormatch.spreadsheets.mappings_router import router as mappings_router
from mentormatch.spreadsheets.router import router as spreadsheets_router
from mentormatch.web import mount_static
from mentormatch.web import router as web_router
from mentormatch.web.core import status_page
from mentormatch.web.imports import IMPORT_PATH

log = logging.getLogger("mentormatch")

meta = APIRouter(tags=["meta"])


@meta.get("/api/v1/vocabulary", dependencies=[Public])
def read_vocabulary(request: Request, response: Response) -> dict[str, Any]:
    """Every controlled list (codes and labels) for building forms and pickers; the labels
    in the language Accept-Language names (English when it names none we speak), said in
    Content-Language."""
    code = error_words.language(request.headers.get("accept-language"))
    response.headers.update(error_words.language_headers(code))
    return vocabulary.as_dict(code)


@meta.get("/healthz", dependencies=[Public])
def healthz(session: SessionDep) -> dict[str, str]:
    """Liveness and database reachability."""
    session.execute(text("SELECT 1"))
    return {"status": "ok", "version": __version__}


def _error(
    request: Request, status: int, type_: str, detail: Any, field: str | None = None
) -> JSONResponse:
    """An error answer in the language Accept-Language asks for (English by default): a
    sentence, or for validation_error the issues, each with its `msg` translated."""
    code = error_words.language(request.headers.get("accept-language"))
    if isinstance(detail, str):
        detail = translate(detail, code)
    else:
        detail = error_words.issues(detail, code)
    body: dict[str, Any] = {"type": type_, "detail": detail}
    if field:
        body["field"] = field
    return JSONResponse(body, status_code=status, headers=error_words.language_headers(code))


def _wants_json(request: Request) -> bool:
    """An API client outside /api/: it asks for JSON and not for HTML (a browser asks for
    text/html; anything else, */* included, gets the page as before)."""
    accept = request.headers.get("accept", "").lower()
    return "application/json" in accept and "text/html" not in accept


def install_error_handlers(app: FastAPI) -> None:
    """One handler per error family; no stack trace or input echo ever reaches a client."""

    @app.exception_handler(MentorMatchError)
    async def _domain(request: Request, exc: MentorMatchError) -> JSONResponse:
        response = _error(request, exc.status_code, exc.type, exc.message, exc.field)
        response.headers.update(exc.headers)
        if exc.status_code == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(request, 422, "validation_error", list(exc.errors()))

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        # FastAPI answers 400 to a body it cannot decode at all (e.g. not UTF-8), but 422 to
        # one that is not JSON; both are the same mistake, so both are a validation_error.
        if not is_api(request.url.path) and not _wants_json(request):
            # no such page, or a page's malformed form body: a page for a browser
            return status_page(request, exc.status_code, str(exc.detail).lower())
        if exc.status_code == 404:
            return _error(request, 404, "not_found", error_words.NOTHING_HERE)
        if exc.status_code == 400 and exc.detail == "There was an error parsing the body":
            issue = {"loc": ["body"], "msg": error_words.NOT_JSON, "type": "json_invalid"}
            return _error(request, 422, "validation_error", [issue])
        return await http_exception_handler(request, exc)

    @app.exception_handler(DataError)
    async def _unstorable(request: Request, exc: DataError) -> JSONResponse:
        # e.g. a NUL character, which PostgreSQL text cannot hold: the input's fault, not ours.
        detail = [{"loc": ["body"], "msg": error_words.NOT_STORABLE, "type": "value_error"}]
        return _error(request, 422, "validation_error", detail)

    @app.exception_handler(StaleDataError)
    async def _stale(request: Request, exc: StaleDataError) -> JSONResponse:
        return _error(request, 409, "conflict", error_words.STALE)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled %s", type(exc).__name__)
        return _error(request, 500, "internal_error", error_words.OUR_SIDE)


def _schema_ready(app: FastAPI) -> bool:
    """Whether the app's database is migrated to the newest revision (False if unreachable);
    once it is, never asked again (reading the migrations takes a while)."""
    if app.state.schema_ready:
        return True
    try:
        with app.state.sessionmaker() as session:
            app.state.schema_ready = migrate.is_current(session.connection())
    except SQLAlchemyError:
        return False
    return bool(app.state.schema_ready)


def warm(app: FastAPI) -> None:
    """Compile the ranking kernel (once per process), check the schema and fit each open
    program's ranker (unless the database is not ready: the first request then fits it).
    FastAPI prepares each route when the route table is first read (1-4 s for ours):
    the methods table reads it now."""
    RouteMethods(list(app.routes))
    matching_service.warm_up()
    if not _schema_ready(app):
        return
    try:
        with app.state.sessionmaker() as session:
            ids = [p.id for p in programs_service.open_programs(session)]
            matching_service.prefit(session, app.state.ranker, ids)
    except SQLAlchemyError as exc:
        log.warning("rankers not fitted at start-up: %s", type(exc).__name__)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Start-up: warm (`Settings.warm_up`) before the first request is let in."""
    if app.state.settings.warm_up:
        await run_in_threadpool(warm, app)
    yield


def fresh_state(app: FastAPI, settings: Settings) -> None:
    """What the app holds for these settings, new: its engine and sessions, the read audit's
    buffer, the clock, the fitted rankers, and whether the schema was found current.
    The routes and middleware are not state: they are built once in `create_app`."""
    engine = make_engine(settings.database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.audit_reads = ReadAudit()
    app.state.clock = utcnow
    app.state.ranker = RankerCache(settings)
    app.state.schema_ready = False


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for these settings (read from the environment when not given)."""
    settings = settings or get_settings()
    app = FastAPI(
        title="MentorMatch",
        version=__version__,
        description=(
            "Peer-mentor matching for addiction-recovery programs. Error messages and the "
            "vocabulary's labels are in the language Accept-Language asks for (English or "
            "Spanish; English when it names neither), said in Content-Language; codes never "
            "change with the language."
        ),
        generate_unique_id_function=openapi.operation_id,
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    fresh_state(app, settings)
    install_error_handlers(app)
    for router in (
        meta,
        accounts_router,
        urgent_router,
        newcomers_router,
        notes_router,
        mentors_router,
        matching_router,
        pairings_router,
        aftercare_router,
        assessments_router,
        programs_router,
        decisions_router,
        spreadsheets_router,
        imports_router,
        import_jobs_router,
        mappings_router,
        audit_router,
        web_router,
    ):
        app.include_router(router)
    api_docs.install(app)
    mount_static(app)
    openapi.install(app, settings)
    app.add_middleware(DatabaseReadyMiddleware, ready=lambda: _schema_ready(app))
    app.add_middleware(MethodsMiddleware, page_error=status_page)
    # An import's upload (the page's form, the API's) takes a file of up to
    # `import_max_bytes` (and its form fields).
    upload_limit = dict.fromkeys(
        (IMPORT_PATH, *IMPORT_API_PATHS), settings.import_max_bytes + settings.max_body_bytes
    )
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes, larger=upload_limit)
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.uses_https)
    # Outermost: every layer sees the client and scheme a trusted proxy forwarded, and
    # only those (uvicorn's own proxy handling is off in `mentormatch serve`).
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)
    return app


def create_served_app() -> FastAPI:
    """The app as `mentormatch serve` runs it in each worker: built, then the garbage
    collector told to leave everything that exists by now alone.

    After imports (scikit-learn, pandas, SQLAlchemy…) a worker tracks ~350k objects, and
    each full collection walked them all: a 220 ms pause for every request in flight in
    that worker (measured in-process on the load test's mix, one full collection per
    ~1,500 requests). Frozen, a full collection walked only what was made since: 1.5 ms.
    """
    app = create_app()
    gc.collect()
    gc.freeze()
    return app
