"""Every failure leaves the server as OpenAI's error JSON with the right status.

`{"error": {"message", "type", "param", "code"}}`: the `openai` SDK turns this into its typed
exceptions (BadRequestError, AuthenticationError, RateLimitError, ...). Messages say what to
fix; they never echo message text or API keys.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from carellm.errors import CareLLMError

log = logging.getLogger("carellm.serve")

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    405: "invalid_request_error",
    413: "invalid_request_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
    500: "server_error",
    503: "service_unavailable",
}


class ApiError(CareLLMError):
    """An HTTP-level refusal (auth, rate limit, queue full, unknown model)."""

    def __init__(
        self,
        status: int,
        message: str,
        hint: str = "",
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message, hint)
        self.http_status = status
        self.code = code
        self.param = param
        self.headers = headers or {}


def error_body(status: int, message: str, code: str | None = None, param: str | None = None) -> dict:
    return {
        "error": {
            "message": message,
            "type": ERROR_TYPES.get(status, "invalid_request_error"),
            "param": param,
            "code": code,
        }
    }


def error_response(
    status: int, message: str, code: str | None = None, param: str | None = None, headers=None
) -> JSONResponse:
    return JSONResponse(error_body(status, message, code, param), status_code=status, headers=headers)


def carellm_error_response(exc: CareLLMError) -> JSONResponse:
    message = f"{exc.message} {exc.hint}".strip()
    if isinstance(exc, ApiError):
        return error_response(exc.http_status, message, exc.code, exc.param, exc.headers)
    return error_response(exc.http_status, message, type(exc).__name__)


def _validation_message(exc: RequestValidationError) -> tuple[int, str, str | None]:
    errors = exc.errors()
    if any(err.get("type") == "json_invalid" for err in errors):
        return 400, "The request body is not valid JSON. Send a JSON object.", None
    first = errors[0] if errors else {}
    loc = [str(part) for part in first.get("loc", ()) if part != "body"]
    param = ".".join(loc) or None
    detail = "; ".join(
        f"{'.'.join(str(p) for p in err.get('loc', ()) if p != 'body') or 'body'}: {err.get('msg')}"
        for err in errors[:5]
    )
    return 422, f"Invalid request: {detail}. See the API reference at /docs.", param


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(CareLLMError)
    async def _carellm(request: Request, exc: CareLLMError) -> JSONResponse:
        return carellm_error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        status, message, param = _validation_message(exc)
        return error_response(status, message, "invalid_value" if status == 422 else "invalid_json", param)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:
            message = f"No route {request.method} {request.url.path}. The API is under /v1 (see /docs)."
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}."
        else:
            message = str(exc.detail)
        return error_response(exc.status_code, message, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # A bug: log the type and place only (never the request body, which holds user text).
        log.error("unhandled %s on %s", type(exc).__name__, request.url.path, exc_info=exc)
        return error_response(500, "Internal error. Please report it with the server log.", "internal")
