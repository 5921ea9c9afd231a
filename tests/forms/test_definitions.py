"""The shipped definitions: they load, they keep the JSON contract of interfaces.md, and they
feed the situation keys each programme needs."""

import json

import pytest

import forms
from forms import situation_keys as sk
from forms.schema import form_fields

FORM_IDS = {"dibao", "weifang", "jiaoyu", "yiliao", "jiuye", "daikuan", "xiansuo"}
TYPES = {"text", "integer", "money", "yesno", "choice", "date", "id_number", "phone", "image",
         "location", "group"}
DISTRICTS = ["思明区", "湖里区", "集美区", "海沧区", "同安区", "翔安区"]


def json_fields(fields):
    for field in fields:
        yield field
        yield from json_fields(field.get("fields", []))


def fed_keys(form):
    return {sk.canonical(f.maps_to) for f in form_fields(form.fields) if f.maps_to}


def test_every_programme_has_a_form_and_the_registry_loads_once():
    assert {form.id for form in forms.all_forms()} == FORM_IDS
    assert forms.get("dibao") is forms.get("dibao")
    assert forms.all_forms()[0] is forms.get(forms.all_forms()[0].id)
    with pytest.raises(KeyError, match="no form 'dibaoo'"):
        forms.get("dibaoo")


@pytest.mark.parametrize("form_id", sorted(FORM_IDS))
def test_the_json_keeps_the_contract(form_id):
    data = forms.to_json(forms.get(form_id))
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["id"] == form_id and data["title"].strip()
    ids = []
    for field in json_fields(data["fields"]):
        ids.append(field["id"])
        assert {"id", "type", "prompt", "required"} <= set(field), field
        assert field["type"] in TYPES and type(field["required"]) is bool
        assert isinstance(field["prompt"], str) and field["prompt"].strip()
        if "maps_to" in field:
            assert sk.canonical(field["maps_to"]) in sk.KEYS, field
        if field["type"] == "choice":
            assert field["options"] and all(set(o) == {"value", "label"} for o in field["options"])
        if field["type"] in ("integer", "group"):
            assert field["min"] <= field["max"]
        if field["type"] == "group":
            assert field["fields"]
    assert len(ids) == len(set(ids))


def test_the_dibao_json_reads_as_in_interfaces_md():
    data = forms.to_json(forms.get("dibao"))
    by_id = {field["id"]: field for field in json_fields(data["fields"])}
    members = by_id["members"]
    assert (members["type"], members["min"], members["max"], members["maps_to"]) == ("group", 1, 20, "members")
    assert members["prompt"] == "您家一起生活的有几口人？"
    assert [f["id"] for f in members["fields"]][:2] == ["age", "sex"]
    age = members["fields"][0]
    assert (age["type"], age["min"], age["max"], age["required"], age["maps_to"]) == (
        "integer", 0, 120, True, "members[].age")
    medical = by_id["annual_medical_expense"]
    assert (medical["type"], medical["maps_to"]) == ("money", "annual_medical_expense")
    assert by_id["annual_education_expense"]["when"] == "members | selectattr('student') | list | length > 0"
    assert by_id["district"]["options"] == [{"value": d, "label": d} for d in DISTRICTS]
    for identity in ("name", "id_number", "phone", "district", "street", "address"):
        assert "maps_to" not in by_id[identity]


HOUSEHOLD = {
    "hukou_xiamen", "members", "members[].age", "members[].sex", "members[].employed",
    "members[].monthly_income", "members[].disability.kind", "members[].disability.grade",
    "members[].student_stage", "members[].boarding", "members[].parent_disabled",
    "members[].scattered_tekun", "monthly_support_received", "annual_medical_expense",
    "annual_education_expense", "prior_year_medical_aid", "prior_year_education_aid",
    "financial_assets", "owns_vehicle", "has_able_supporter",
}
HOUSING = {"housing.grade", "housing.one_house", "housing.plan", "housing.area_m2", "housing.repair_cost"}
JIUYE = {"hukou_xiamen", "dibao_recipient", "members[].age", "members[].sex", "members[].graduate",
         "members[].registered_unemployed", "members[].unemployed_months",
         "members[].land_expropriated", "members[].disability.kind", "members[].disability.grade"}
DAIKUAN = {"members[].age", "members[].registered_unemployed", "members[].graduate", "loan.group",
           "loan.business_in_xiamen", "loan.other_debt"}


@pytest.mark.parametrize("form_id, keys", [
    ("dibao", HOUSEHOLD), ("jiaoyu", HOUSEHOLD), ("weifang", HOUSEHOLD | HOUSING),
    ("yiliao", HOUSEHOLD | {"medical_total_cost"}), ("jiuye", JIUYE), ("daikuan", DAIKUAN),
    ("xiansuo", set()),
])
def test_each_form_feeds_what_its_programme_needs(form_id, keys):
    assert fed_keys(forms.get(form_id)) == keys


def test_every_district_question_offers_xiamens_six_districts():
    asked = 0
    for form in forms.all_forms():
        for field in form_fields(form.fields):
            if field.id in ("district", "work_districts"):
                asked += 1
                assert [o.label for o in field.options][:6] == DISTRICTS
                assert [o.value for o in field.options][:6] == DISTRICTS
    assert asked == 7  # dibao, weifang, jiaoyu, daikuan (applicant), jiuye twice, xiansuo
