"""Finding 5 of issue #16: schemathesis against the real uvicorn server, with the response checks on.

Every answer must be a documented status with a body in its documented schema and content type, and
none a 5xx — whatever schemathesis makes of the published OpenAPI description, authenticated or not.
"""

from __future__ import annotations

import pytest
import schemathesis
from fuzz_kit import fuzz
from schemathesis import checks
from security_kit import Hall

EXAMPLES = 15  # per operation: the run stays around a minute on a loaded machine
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.response_schema_conformance,
          checks.content_type_conformance]


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_real_server_answers_as_its_openapi_says(any_hall: Hall) -> None:
    hall = any_hall
    auth = hall.login(hall.enrol("W01"))
    schema = schemathesis.openapi.from_url(f"{hall.url}/openapi.json")

    def check(case: schemathesis.Case, headers: dict[str, str]) -> str | None:
        try:
            case.call_and_validate(base_url=hall.url, headers=headers, checks=CHECKS)
        except AssertionError as exc:  # schemathesis' FailureGroup: one line per failed check
            return str(exc)[:400]
        return None

    failures = fuzz(schema, auth, EXAMPLES, check)
    assert not failures, "\n".join(failures[:10])
