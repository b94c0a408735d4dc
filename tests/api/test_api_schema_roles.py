"""Fuzz the API as a signed-in user and as an admin, against the schema the app publishes.

The schema is the one ``create_api`` builds for these settings, whose
username and password limits come from the settings (``schema_limits``);
the settings here are not the defaults, so a schema that still said the
defaults (or the transport bounds) would be caught by the conformance checks.
Every case carries a fresh access token of its role, so the authenticated
operations are explored, not only their 401. Logout and every DELETE are left
out so the token survives the run; the account the token belongs to is put
back as it was before each case, since the fuzzer may disable it or change
its password through the admin routes (that is the API working).

About 1,000 cases per role, marked slow: besides the generated examples
per operation (``AUTHGATE_FUZZ_EXAMPLES``, default 2; raise it for more),
schemathesis adds its boundary and negative cases. ``positive_data_acceptance``
is left out for the reason given in ``test_api_schema.py``: the password
policy's blocklist and strength rules cannot be written in JSON Schema.
"""

from __future__ import annotations

import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from api_support import make_settings
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.config import SchemathesisConfig

from authgate.api import create_api
from authgate.errors import AuthgateError
from authgate.root import Authgate

EXAMPLES = int(os.environ.get("AUTHGATE_FUZZ_EXAMPLES", "2"))
MIN_CASES_PER_ROLE = 800
REJECTION_STATUSES = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428"]
REJECTION_STATUSES += ["429", "5xx"]
PASSWORDS = {"user": "a fuzzing user passphrase 1", "admin": "an admin fuzzing passphrase 2"}
LIMITS = {
    "username_min_length": 4,
    "username_max_length": 20,
    "password_min_length": 12,
    "password_max_length": 200,
}


def _build() -> tuple[Authgate, dict[str, int], Any]:
    """The app, its two accounts and its schema, built at import (schemathesis collects it)."""
    tmp = Path(tempfile.mkdtemp(prefix="authgate-fuzz-roles-"))
    service = Authgate.from_settings(make_settings(tmp, lockout_threshold=100_000, **LIMITS))
    ids = {
        "user": service.accounts.register("fuzzuser", PASSWORDS["user"]).id,
        "admin": service.accounts.register("fuzzadmin", PASSWORDS["admin"]).id,
    }
    service.accounts.set_roles(ids["admin"], ["user", "admin"])
    config = SchemathesisConfig.from_dict(
        {"checks": {"negative_data_rejection": {"expected-statuses": REJECTION_STATUSES}}}
    )
    schema = schemathesis.openapi.from_asgi(
        "/api/auth/openapi.json", create_api(service), config=config
    )
    kept = schema.exclude(method="DELETE").exclude(path_regex=r"logout")
    return service, ids, kept


service, ids, schema = _build()
operations = sum(1 for result in schema.get_all_operations() if result.ok())
executed: Counter[str] = Counter()
covered: dict[str, set[str]] = {role: set() for role in PASSWORDS}


def _token(role: str) -> str:
    """A fresh access token of ``role``, after putting its account back if a case changed it.

    The fuzzer may disable the account, change its roles or its password
    through the admin routes (that is the API working); only then is it
    restored, so most cases cost one login.
    """
    user_id, name, password = ids[role], f"fuzz{role}", PASSWORDS[role]
    roles = {"user", "admin"} if role == "admin" else {"user"}
    try:
        pair = service.tokens.login(name, password)
        if set(pair.user.roles) == roles and not pair.user.must_change_password:
            return pair.access_token
    except AuthgateError:
        pass
    service.accounts.set_active(user_id, True)
    service.accounts.set_roles(user_id, sorted(roles))
    service.accounts.set_password(user_id, password, enforce_policy=False)
    service.lockout.clear_account(user_id)
    return service.tokens.login(name, password).access_token


def _run(case: Any, role: str) -> None:
    headers = dict(case.headers or {})
    headers.setdefault("Authorization", f"Bearer {_token(role)}")
    case.headers = headers
    executed[role] += 1
    covered[role].add(case.operation.label)
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema_as_a_user(case: Any) -> None:
    _run(case, "user")


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema_as_an_admin(case: Any) -> None:
    _run(case, "admin")


@pytest.mark.slow
def test_about_the_requested_number_of_cases_ran_per_role() -> None:
    """At least MIN_CASES_PER_ROLE cases per role over all operations, pro rata.

    Under pytest-xdist each worker runs some of the operations (one test per
    operation) and sees only its own cases, so each worker checks its share:
    the operations it fuzzed, times the number of cases an operation needs
    on average.
    """
    if not executed:
        pytest.skip("run together with the fuzzing tests")
    fuzzed = {role: len(labels) for role, labels in covered.items()}
    print(f"schemathesis cases per role: {dict(executed)}, operations fuzzed: {fuzzed}")
    for role, count in executed.items():
        assert count >= MIN_CASES_PER_ROLE * fuzzed[role] / operations, (role, count, fuzzed)


def test_the_fuzzed_schema_states_the_settings_limits_and_keeps_the_token_alive() -> None:
    raw = create_api(service).openapi()
    register = raw["components"]["schemas"]["SelfRegisterRequest"]["properties"]
    assert (register["username"]["minLength"], register["username"]["maxLength"]) == (4, 20)
    assert (register["password"]["minLength"], register["password"]["maxLength"]) == (12, 200)
    labels = {result.ok().label for result in schema.get_all_operations() if result.ok()}
    assert labels and not any(" logout" in x or x.startswith("DELETE ") for x in labels)
