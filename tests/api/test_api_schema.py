"""Fuzz the API against its own OpenAPI schema: no 5xx, every answer as documented.

Schemathesis generates valid and invalid requests for every operation (about
50 per operation, over 500 in all) and checks each response's status, headers,
content type and body against the schema. Each case carries a fresh valid
access token so the authenticated paths are explored too, not only their 401.

``positive_data_acceptance`` is left out on purpose: the username syntax and
the password policy (length, blocklist, strength) are core rules that JSON
Schema cannot express, so a schema-valid body may rightly get a 422. A body
over the size limit is rejected with 413 (documented on every operation that
takes a body), which counts as rejecting invalid data.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from api_support import PASSWORD, make_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.config import SchemathesisConfig

from authgate.api import create_api
from authgate.core.tokens.service import TokenService
from authgate.root import Authgate

CASES_PER_OPERATION = 50
# Schemathesis's default list, plus 413 for a body over the size limit.
REJECTION_STATUSES = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428"]
REJECTION_STATUSES += ["429", "5xx"]


def _build() -> tuple[TokenService, Any]:
    """The app under test, built at import: schemathesis collects operations from it.

    (``schemathesis.pytest.from_fixture`` would build it lazily, but it does not
    work with pytest 9.)
    """
    tmp = Path(tempfile.mkdtemp(prefix="authgate-fuzz-"))
    service = Authgate.from_settings(make_settings(tmp, lockout_threshold=1000))
    service.accounts.register("alice", PASSWORD)
    app = create_api(service)
    config = SchemathesisConfig.from_dict(
        {"checks": {"negative_data_rejection": {"expected-statuses": REJECTION_STATUSES}}}
    )
    return service.tokens, schemathesis.openapi.from_asgi(
        "/api/auth/openapi.json", app, config=config
    )


fuzz_tokens, schema = _build()
executed: list[str] = []


@schema.parametrize()
@settings(
    max_examples=CASES_PER_OPERATION,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case: Any) -> None:
    token = fuzz_tokens.login("alice", PASSWORD).access_token
    headers = dict(case.headers or {})
    headers.setdefault("Authorization", f"Bearer {token}")
    case.headers = headers
    executed.append(case.operation.label)
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


def test_enough_cases_were_generated() -> None:
    if not executed:
        pytest.skip("run together with test_api_conforms_to_its_schema")
    print(f"schemathesis cases: {len(executed)}")
    assert len(executed) >= 500, len(executed)
