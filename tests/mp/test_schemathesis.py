"""schemathesis over every /api/mp call of GET /api/openapi.json, through the app (WSGI), with a
signed-in resident's token: no 500, and answers as the document describes them.

(schemathesis's own pytest plugin does not run under pytest 9: each operation is driven here
through its Hypothesis strategy instead.)"""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from flask import Flask

from tests.mp.conftest import MiniProgram
from webhook import mp, mp_schemas


def _operations() -> list[tuple[str, str]]:
    """Every operation of the document, built from the mini-program blueprint on an app of its
    own (collection runs before the test app exists)."""
    bare = Flask(__name__)
    bare.register_blueprint(mp.bp)
    spec = mp_schemas.openapi(bare)
    return [(method.upper(), path) for path, methods in spec["paths"].items() for method in methods]


OPERATIONS = _operations()


@pytest.fixture
def token(app, client, mp_wechat):
    """A resident with a draft under way, so the calls on `dibao` reach the form walk; limits
    raised so that hundreds of generated calls are not 429s."""
    keys = ("MINIPROGRAM_RATE_LIMIT", "MINIPROGRAM_ADDRESS_RATE_LIMIT", "PRECHECK_RATE_LIMIT",
            "MINIPROGRAM_LOGIN_RATE_LIMIT")
    saved = {k: app.config.get(k) for k in keys}
    app.config.update({k: "100000 per minute" for k in keys})
    mini = MiniProgram(client, mp_wechat)
    mini.login()
    mini.post("/api/mp/applications", json={"form": "dibao"})
    mini.patch("/api/mp/applications/dibao", json={"answers": {"hukou_xiamen": True}})
    yield mini.token
    app.config.update(saved)


def test_the_document_covers_every_mp_route(app, client):
    routes = {(m, r.rule) for r in app.url_map.iter_rules() if r.rule.startswith("/api/mp/")
              for m in r.methods - {"HEAD", "OPTIONS"}}
    spec = client.get("/api/openapi.json").get_json()
    documented = {(m.upper(), p.replace("{", "<").replace("}", ">")) for p, methods in spec["paths"].items()
                  for m in methods}
    assert routes == documented
    assert ("POST", "/api/mp/phone") in documented


def test_the_bodies_are_described_by_the_models_that_check_them(client):
    spec = client.get("/api/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    phone = spec["paths"]["/api/mp/phone"]["post"]
    assert phone["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/PhoneBody"}
    assert schemas["PhoneBody"]["required"] == ["code"] and schemas["PhoneBody"]["additionalProperties"] is False
    assert schemas["Member"]["properties"]["age"]["maximum"] == 120
    assert {"200", "400", "401", "503"} <= set(phone["responses"])
    # The same model refuses what the document forbids, naming the field.
    assert client.post("/api/mp/login", json={"code": "x", "unknown": 1}).get_json()["field"] == "unknown"


@pytest.mark.parametrize("method, path", OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_every_mp_call_answers_without_a_server_error(app, token, method, path):
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operation = schema[path][method]
    headers = {"Authorization": f"Bearer {token}"}

    @given(case=operation.as_strategy())
    @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def call(case):
        if case.path_parameters and "draft_id" in case.path_parameters:
            case.path_parameters["draft_id"] = "dibao"  # the resident's own draft; others' are test_idor's
        case.call_and_validate(headers=headers,
                               checks=[not_a_server_error, response_schema_conformance, content_type_conformance])

    call()
