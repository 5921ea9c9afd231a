"""POST /api/mp/precheck: the worked example of domain.md, figure by figure, and bad input."""
import pytest

from tests.examples import WORKED_EXAMPLE


def test_worked_example_figure_by_figure(client):
    response = client.post("/api/mp/precheck", json=WORKED_EXAMPLE)
    assert response.status_code == 200
    body = response.get_json()
    assert body["assessed_month"] == "2019-08"
    assert body["income"] == {"gross": 2500, "employment_deduction": 510, "rigid_spending": 300,
                              "net": 1690, "per_capita": 563.33}
    programmes = body["programmes"]
    assert programmes["dibao"]["eligible"] is True
    assert programmes["dibao"]["monthly_benefit"] == 710.0
    assert programmes["dibao"]["standard"] == 800
    assert programmes["dishouru"]["eligible"] is False
    assert programmes["tekun"]["eligible"] is False and programmes["tekun"]["members"] == []
    assert programmes["jiaoyu"]["eligible"] is True and programmes["jiaoyu"]["students"] == [2]
    assert programmes["weifang"]["eligible"] is True and programmes["weifang"]["subsidy"] == 120000
    assert programmes["jiuye_kunnan"]["members"] == []
    text = "\n".join(body["explanation"])
    for figure in ("510.00", "300.00", "563.33", "800.00", "710.00", "2019年7月1日", "2018年3月23日"):
        assert figure in text, figure
    ids = {d["id"] for d in body["documents"]}
    assert {"id_card", "hukou_book", "income_proof", "medical_receipts", "enrolment_proof",
            "rebuild_approval"} <= ids


def test_before_the_2019_rise_the_standard_is_720(client):
    body = client.post("/api/mp/precheck", json={**WORKED_EXAMPLE, "date": "2019-06-30"}).get_json()
    assert body["programmes"]["dibao"]["standard"] == 720
    # (720 − 1690/3) × 3 = 2160 − 1690 = 470
    assert body["programmes"]["dibao"]["monthly_benefit"] == 470.0


@pytest.mark.parametrize("change, field", [
    ({"surprise": 1}, "surprise"),
    ({"members": [{"age": 130}]}, "members[0].age"),
    ({"members": [{"age": -1}]}, "members[0].age"),
    ({"members": [{"age": "45"}]}, "members[0].age"),
    ({"members": [{"age": 30, "monthly_income": -5}]}, "members[0].monthly_income"),
    ({"members": [{"age": 30}] * 21}, "members"),
    ({"members": []}, "members"),
    ({"financial_assets": "lots"}, "financial_assets"),
    ({"owns_vehicle": "yes"}, "owns_vehicle"),
    ({"members": [{"age": 30, "disability": {"kind": "physical", "grade": 9}}]}, "members[0].disability.grade"),
    ({"housing": {"grade": "Z"}}, "housing.grade"),
    ({"date": "2019-13-40"}, "date"),
])
def test_bad_input_is_400_naming_the_field(client, change, field):
    response = client.post("/api/mp/precheck", json={**WORKED_EXAMPLE, **change})
    assert response.status_code == 400
    body = response.get_json()
    assert body["field"] == field
    assert field in body["error"]


@pytest.mark.parametrize("raw", ['{"members": [{"age": NaN}]}', '{"members": [{"age": 30, "monthly_income": Infinity}]}'])
def test_nan_and_infinity_are_refused(client, raw):
    response = client.post("/api/mp/precheck", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["field"].startswith("members[0]")


@pytest.mark.parametrize("data, content_type", [("not json", "application/json"), ("[1, 2]", "application/json"),
                                                ("members=3", "application/x-www-form-urlencoded")])
def test_not_a_json_object_is_400(client, data, content_type):
    response = client.post("/api/mp/precheck", data=data, content_type=content_type)
    assert response.status_code == 400
    assert "JSON" in response.get_json()["error"]


def test_rate_limited_per_client_address(app, client):
    app.config["PRECHECK_RATE_LIMIT"] = "3 per minute"
    try:
        codes = [client.post("/api/mp/precheck", json=WORKED_EXAMPLE,
                             environ_base={"REMOTE_ADDR": "10.1.1.1"}).status_code for _ in range(4)]
        other = client.post("/api/mp/precheck", json=WORKED_EXAMPLE, environ_base={"REMOTE_ADDR": "10.1.1.2"})
    finally:
        app.config["PRECHECK_RATE_LIMIT"] = "60 per minute"
    assert codes == [200, 200, 200, 429]
    assert other.status_code == 200


def test_forms_are_served_as_the_contract_says(client):
    listing = client.get("/api/mp/forms").get_json()["forms"]
    assert {f["id"] for f in listing} == {"dibao", "weifang", "jiaoyu", "yiliao", "jiuye", "daikuan", "xiansuo"}
    dibao = client.get("/api/mp/forms/dibao").get_json()
    assert dibao["id"] == "dibao" and dibao["title"]
    members = next(f for f in dibao["fields"] if f["id"] == "members")
    assert members["type"] == "group" and members["maps_to"] == "members"
    assert {"id", "type", "prompt", "required"} <= set(members["fields"][0])
    assert client.get("/api/mp/forms/nothing").status_code == 404


def test_openapi_describes_precheck(client):
    spec = client.get("/api/openapi.json").get_json()
    assert "/api/mp/precheck" in spec["paths"]
    assert spec["components"]["schemas"]["Situation"]["required"] == ["members"]


def test_json_api_needs_no_csrf_token_when_the_console_has_csrf_on(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post("/api/mp/precheck", json=WORKED_EXAMPLE).status_code == 200
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_the_schema_takes_every_key_the_rules_take(client):
    """webhook/mp_schemas retypes the situation for the OpenAPI document: a key the rules
    accept and the schema does not would be refused here with a 400."""
    from policy import situation as rules
    from webhook import mp_schemas as schema

    assert set(schema.Situation.model_fields) == set(rules.HOUSEHOLD_KEYS) | {"members", "housing", "loan"}
    assert set(schema.Member.model_fields) == set(rules.MEMBER_KEYS) | {"disability"}
    assert set(schema.Housing.model_fields) == set(rules.HOUSING_KEYS)
    assert set(schema.Loan.model_fields) == set(rules.LOAN_KEYS)
    assert set(schema.Disability.model_fields) == set(rules.DISABILITY_KEYS)
    # a registered-unemployed 25-year-old: 就业困难 only as a member of a 低保 household
    seeker = {"hukou_xiamen": True, "members": [{"age": 25, "registered_unemployed": True, "unemployed_months": 1}]}
    for on_dibao in (True, False):
        response = client.post("/api/mp/precheck", json=seeker | {"dibao_recipient": on_dibao})
        assert response.status_code == 200, response.get_json()
        assert (response.get_json()["programmes"]["jiuye_kunnan"]["members"] == [0]) is on_dibao
