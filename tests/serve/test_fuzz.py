"""Schemathesis fuzzes every operation from the server's own OpenAPI schema: never a 5xx.

Bounded for CI: up to 15 schema-valid and 15 schema-violating examples per operation
(5 operations; those without parameters need only one).
"""

from __future__ import annotations

import httpx
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

BOUNDED = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


def _served_model(model_id: str):
    """Most generated bodies name a random model (404 at once); point them at the real one."""

    def fix(case):
        if isinstance(case.body, dict) and isinstance(case.body.get("model"), str):
            case.body["model"] = model_id
        return case

    return fix


def test_no_generated_request_makes_the_server_fail(start_server, api_key, model_id):
    srv = start_server(rate_limit_per_minute=100_000, max_tokens=8, max_waiting=64)
    schema = schemathesis.openapi.from_url(f"{srv.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/v1/chat/completions", "/v1/models", "/health", "/metrics"}
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode).map(_served_model(model_id))

            @given(case=strategy)
            @BOUNDED
            def fuzz(case):
                auth = {"Authorization": f"Bearer {api_key}"}
                case.call_and_validate(headers=auth, checks=[not_a_server_error])

            try:
                fuzz()
            except Unsatisfiable:  # nothing to break in an operation without parameters
                assert mode is GenerationMode.NEGATIVE
    seen = httpx.get(f"{srv.url}/metrics").text
    # the fuzzer reached the completions route with both well-formed and malformed bodies
    assert 'route="/v1/chat/completions",status="422"' in seen
    assert 'route="/v1/chat/completions",status="400"' in seen
