"""The API's end of a provider flow: a single-use, 60-second code for the client to trade.

A single-page or mobile client that uses authgate as its backend sends the
browser through the provider; authgate's callback verifies the provider's
answer and returns to the client's URI with this code, never with tokens.
``POST {prefix}/oidc/exchange`` spends the code: only then does the login
run (account state, MFA, lockout) and a token pair come out, so the URL
never carries a credential that lasts.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from authgate.core.clock import Clock
from authgate.core.oidc.flow import Assertion, ProviderIdentity
from authgate.core.tokens.one_time import TokenPurpose, consume_token, issue_token
from authgate.core.unit_of_work import UnitOfWork

__all__ = ["API_CODE_TTL", "issue_api_code", "redeem_api_code"]

API_CODE_TTL = timedelta(seconds=60)


def issue_api_code(uow: UnitOfWork, clock: Clock, assertion: Assertion) -> str:
    """Keep the verified identity behind a fresh code (the only copy goes to the client)."""
    identity = asdict(assertion.identity)
    identity["groups"] = list(assertion.identity.groups)
    identity["amr"] = list(assertion.identity.amr)
    with uow.write() as work:
        return issue_token(
            work.one_time_tokens,
            TokenPurpose.OIDC_API_CODE,
            now=clock.now(),
            ttl=API_CODE_TTL,
            data={"identity": identity, "return_to": assertion.return_to},
        )


def redeem_api_code(uow: UnitOfWork, clock: Clock, code: object) -> Assertion:
    """Spend the code; InvalidToken, TokenReused or TokenExpired when it cannot be."""
    with uow.write() as work:
        record = consume_token(
            work.one_time_tokens, TokenPurpose.OIDC_API_CODE, code, now=clock.now()
        )
    data = dict(record.data["identity"])
    data["groups"] = tuple(data.get("groups") or ())
    data["amr"] = tuple(data.get("amr") or ())
    return Assertion(
        identity=ProviderIdentity(**data), purpose="api", return_to=record.data.get("return_to")
    )
