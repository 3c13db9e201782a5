"""The application factory: routers, error handling, middleware."""

from __future__ import annotations

import gc
import logging
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import DataError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException
from starlette.responses import Response
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from mentormatch import __version__, api_docs, migrate, openapi, vocabulary
from mentormatch.accounts.dependencies import Public
from mentormatch.accounts.router import router as accounts_router
from mentormatch.aftercare.router import router as aftercare_router
from mentormatch.audit.router import router as audit_router
from mentormatch.audit.service import ReadAudit
from mentormatch.config import Settings, get_settings
from mentormatch.db import make_engine, make_sessionmaker, utcnow
from mentormatch.deps import SessionDep
from mentormatch.errors import MentorMatchError
from mentormatch.matching.router import router as matching_router
from mentormatch.matching.service import RankerCache
from mentormatch.mentors.router import router as mentors_router
from mentormatch.methods import MethodsMiddleware, is_api
from mentormatch.middleware import (
    BodyLimitMiddleware,
    DatabaseReadyMiddleware,
    SecurityHeadersMiddleware,
)
from mentormatch.newcomers.router import router as newcomers_router
from mentormatch.newcomers.urgent_router import router as urgent_router
from mentormatch.pairings.router import router as pairings_router
from mentormatch.programs.router import router as programs_router
from mentormatch.web import mount_static
from mentormatch.web import router as web_router
from mentormatch.web.core import status_page

log = logging.getLogger("mentormatch")

meta = APIRouter(tags=["meta"])


@meta.get("/api/v1/vocabulary", dependencies=[Public])
def read_vocabulary() -> dict[str, Any]:
    """Every controlled list (codes and labels) for building forms and pickers."""
    return vocabulary.as_dict()


@meta.get("/healthz", dependencies=[Public])
def healthz(session: SessionDep) -> dict[str, str]:
    """Liveness and database reachability."""
    session.execute(text("SELECT 1"))
    return {"status": "ok", "version": __version__}


def _error(status: int, type_: str, detail: Any, field: str | None = None) -> JSONResponse:
    body: dict[str, Any] = {"type": type_, "detail": detail}
    if field:
        body["field"] = field
    return JSONResponse(body, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
    """One handler per error family; no stack trace or input echo ever reaches a client."""

    @app.exception_handler(MentorMatchError)
    async def _domain(_: Request, exc: MentorMatchError) -> JSONResponse:
        response = _error(exc.status_code, exc.type, exc.message, exc.field)
        response.headers.update(exc.headers)
        if exc.status_code == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        detail = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        return _error(422, "validation_error", detail)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        # FastAPI answers 400 to a body it cannot decode at all (e.g. not UTF-8), but 422 to
        # one that is not JSON; both are the same mistake, so both are a validation_error.
        if not is_api(request.url.path):  # no such page, or a page's malformed form body
            return status_page(request, exc.status_code, str(exc.detail).lower())
        if exc.status_code == 400 and exc.detail == "There was an error parsing the body":
            issue = {"loc": ["body"], "msg": "the body is not valid JSON", "type": "json_invalid"}
            return _error(422, "validation_error", [issue])
        return await http_exception_handler(request, exc)

    @app.exception_handler(DataError)
    async def _unstorable(_: Request, exc: DataError) -> JSONResponse:
        # e.g. a NUL character, which PostgreSQL text cannot hold: the input's fault, not ours.
        detail = [{"loc": ["body"], "msg": "a value cannot be stored", "type": "value_error"}]
        return _error(422, "validation_error", detail)

    @app.exception_handler(StaleDataError)
    async def _stale(_: Request, exc: StaleDataError) -> JSONResponse:
        return _error(409, "conflict", "this record changed while you edited it; reload")

    @app.exception_handler(Exception)
    async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled %s", type(exc).__name__)
        return _error(500, "internal_error", "something went wrong on our side")


def _schema_ready(app: FastAPI) -> bool:
    """Whether the app's database is migrated to the newest revision (False if unreachable)."""
    try:
        with app.state.sessionmaker() as session:
            return migrate.is_current(session.connection())
    except SQLAlchemyError:
        return False


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app for these settings (read from the environment when not given)."""
    settings = settings or get_settings()
    app = FastAPI(
        title="MentorMatch",
        version=__version__,
        description="Peer-mentor matching for addiction-recovery programs.",
        generate_unique_id_function=openapi.operation_id,
        docs_url=None,
        redoc_url=None,
    )
    engine = make_engine(settings.database_url)
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    app.state.audit_reads = ReadAudit()
    app.state.clock = utcnow
    app.state.ranker = RankerCache(settings)
    install_error_handlers(app)
    for router in (
        meta,
        accounts_router,
        urgent_router,
        newcomers_router,
        mentors_router,
        matching_router,
        pairings_router,
        aftercare_router,
        programs_router,
        audit_router,
        web_router,
    ):
        app.include_router(router)
    api_docs.install(app)
    mount_static(app)
    openapi.install(app, settings)
    app.add_middleware(DatabaseReadyMiddleware, ready=lambda: _schema_ready(app))
    app.add_middleware(MethodsMiddleware, page_error=status_page)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
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
