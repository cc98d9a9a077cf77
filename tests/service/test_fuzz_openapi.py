"""Schemathesis over the OpenAPI of the JSON API (``/openapi.json``: ``/api/queries``, ``/api/queries/{name}``,
``/api/resolve``, ``/api/lineage/{system}``, ``/api/search``, ``/api/cite``), in this process over ASGI
(issue 16; ``docs/decisions/0030-fuzzing.md``).

Schemathesis makes requests from the schema, valid ones and ones that break it, and checks every
answer: no 5xx, a status and a media type the schema documents, a body that fits the documented
schema, headers as documented, invalid requests refused with a 4xx. Left out, with the reason:

- ``positive_data_acceptance`` (a valid request is answered 2xx): the schema cannot say which names
  exist, so a well-formed ``name`` or ``system`` the data lacks is rightly a 404, and an entity
  parameter a 400.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis import Case
from schemathesis import checks as check
from starlette.testclient import TestClient

from dragonbear.pipeline.build import BuildReport
from dragonbear.service.app import create_app
from dragonbear.service.runtime.served import ServedStore
from dragonbear.settings import Settings

from ..conftest import copy_store
from ..fuzzing import FUZZ_TIMEOUT, budget


def _openapi() -> dict[str, object]:
    """The app's OpenAPI document (the same for every store: made without opening one)."""
    settings = Settings(store_dir=Path("unused"), warm=False)
    return create_app(settings, ServedStore(settings)).openapi()


# Loaded from the document when the module is collected (a test per operation); the requests go to
# the app of ``api`` below. (schemathesis' lazy ``from_fixture`` fails under pytest 9.)
schema = schemathesis.openapi.from_dict(_openapi())


@pytest.fixture(scope="module")
def api(built: tuple[Path, BuildReport], tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    """The app on a copy of the session's small store; schemathesis runs its lifespan (the store opens
    with it) and ends it after the tests."""
    store = copy_store(built[0], tmp_path_factory.mktemp("fuzz-openapi") / "store")
    settings = Settings(store_dir=store, warm=False, query_timeout=FUZZ_TIMEOUT, federation_allowlist=())
    return create_app(settings, ServedStore(settings))


@pytest.mark.slow
@pytest.mark.fuzz
@schema.parametrize()
@budget(100)
def test_the_json_api_keeps_to_its_openapi(api: FastAPI, case: Case) -> None:
    case.call_and_validate(app=api, excluded_checks=[check.positive_data_acceptance])


# --- What schemathesis found: the document said otherwise than the answers --------------------------------


def test_a_bad_parameter_is_documented_as_the_400_it_gets(client: TestClient) -> None:
    """FastAPI documented a failed parameter check as 422 with its own body; the app answers 400 with
    an ``ErrorBody`` (``/api/resolve?q=`` was the first case schemathesis found)."""
    document = client.get("/openapi.json").json()
    reply = client.get("/api/resolve", params={"q": ""})
    assert reply.status_code == 400 and set(reply.json()) == {"error", "message", "candidates"}
    assert "HTTPValidationError" not in json.dumps(document)
    for path, methods in document["paths"].items():
        for operation in methods.values():
            if operation.get("parameters"):
                assert operation["responses"]["400"]["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/ErrorBody"
                }, path
                assert "503" in operation["responses"], path


def test_the_reference_lists_are_documented_as_answered(client: TestClient) -> None:
    """``/api/cite``: CSL-JSON is an array of items (it was documented as a string), and an unknown
    entity (404) and an unacceptable format (406) are documented."""
    operation = client.get("/openapi.json").json()["paths"]["/api/cite"]["get"]
    csl = operation["responses"]["200"]["content"]["application/vnd.citationstyles.csl+json"]["schema"]
    assert csl["type"] == "array"
    assert {"404", "406"} <= set(operation["responses"])
    assert client.get("/api/cite", params={"entity": "no such thing at all"}).status_code == 404
    reply = client.get("/api/cite", params={"entity": "China"})
    assert reply.status_code == 200 and isinstance(reply.json(), list)
    assert client.get("/api/cite", params={"entity": "China"}, headers={"Accept": "image/png"}).status_code == 406
