"""/api/mp/...: the mini-program's JSON API. Parsing and HTTP errors only; the rules decide."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, jsonify, request

import forms
import policy

from .limits import limiter

bp = Blueprint("mp", __name__, url_prefix="/api")


def _json_object() -> dict:
    if not request.is_json:
        abort(400, "请求内容必须是一个JSON对象（Content-Type: application/json）")
    data = request.get_json()  # malformed or nested too deep: a 400 saying which
    if not isinstance(data, dict):
        abort(400, "请求内容必须是一个JSON对象（Content-Type: application/json）")
    return data


@bp.post("/mp/precheck")
@limiter.limit(lambda: current_app.config["PRECHECK_RATE_LIMIT"])
def precheck():
    """The household situation in, the verdict out: the same rules the chat uses."""
    data = _json_object()
    try:
        situation = policy.parse_situation(data)
    except policy.SituationError as err:
        return jsonify(error=err.message, field=err.field), 400
    return jsonify(policy.assess(situation))


@bp.get("/mp/forms")
def form_list():
    return jsonify(forms=[{"id": f.id, "title": f.title} for f in forms.all_forms()])


@bp.get("/mp/forms/<form_id>")
def form(form_id: str):
    try:
        return jsonify(forms.to_json(forms.get(form_id)))
    except KeyError:
        abort(404, f"没有这个表单：{form_id}")


@bp.get("/openapi.json")
def openapi():
    return jsonify(OPENAPI)


_ERROR = {"type": "object", "properties": {"error": {"type": "string"}, "field": {"type": "string"}}}
OPENAPI = {
    "openapi": "3.1.0",
    "info": {"title": "yitang mini-program API", "version": "1",
             "description": "一趟：困难群众精准帮扶 — the JSON API the mini-program uses."},
    "paths": {
        "/api/mp/precheck": {"post": {
            "summary": "Pre-check a household's eligibility for every programme",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/Situation"}}}},
            "responses": {
                "200": {"description": "The verdict", "content": {"application/json": {"schema": {
                    "$ref": "#/components/schemas/Verdict"}}}},
                "400": {"description": "A field is missing, unknown, of the wrong type or impossible "
                                       "(`field` names it); or the body is not a JSON object, or is "
                                       "nested deeper than 32 levels",
                        "content": {"application/json": {"schema": _ERROR}}},
                "429": {"description": "Too many requests from this address"},
            }}},
        "/api/mp/forms": {"get": {"summary": "The forms", "responses": {"200": {"description": "id and title of each"}}}},
        "/api/mp/forms/{form_id}": {"get": {
            "summary": "One form definition: fields, prompts, options, conditions, maps_to",
            "parameters": [{"name": "form_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "The form"}, "404": {"description": "No such form"}}}},
    },
    "components": {"schemas": {
        "Member": {"type": "object", "required": ["age"], "additionalProperties": False, "properties": {
            "age": {"type": "integer", "minimum": 0, "maximum": 120},
            "sex": {"enum": ["male", "female", None]},
            "employed": {"type": "boolean"},
            "monthly_income": {"type": "number", "minimum": 0},
            "disability": {"oneOf": [{"type": "null"}, {"type": "object", "properties": {
                "kind": {"enum": ["physical", "visual", "hearing", "speech", "intellectual", "mental", "multiple"]},
                "grade": {"type": "integer", "minimum": 1, "maximum": 4}}}]},
            "student_stage": {"enum": ["preschool", "primary", "junior", "senior", "vocational", "university", None]},
            "scattered_tekun": {"type": "boolean"}, "boarding": {"type": "boolean"},
            "parent_disabled": {"type": "boolean"}, "registered_unemployed": {"type": "boolean"},
            "unemployed_months": {"type": "integer", "minimum": 0}, "land_expropriated": {"type": "boolean"},
            "graduate": {"type": "boolean"}}},
        "Situation": {"type": "object", "required": ["members"], "additionalProperties": False, "properties": {
            "date": {"type": "string", "format": "date"},
            "hukou_xiamen": {"type": "boolean"},
            "members": {"type": "array", "minItems": 1, "maxItems": 20, "items": {"$ref": "#/components/schemas/Member"}},
            "monthly_support_received": {"type": "number", "minimum": 0},
            "annual_medical_expense": {"type": "number", "minimum": 0},
            "annual_education_expense": {"type": "number", "minimum": 0},
            "prior_year_medical_aid": {"type": "number", "minimum": 0},
            "prior_year_education_aid": {"type": "number", "minimum": 0},
            "financial_assets": {"type": "number", "minimum": 0},
            "owns_vehicle": {"type": "boolean"}, "has_able_supporter": {"type": "boolean"},
            "medical_total_cost": {"type": "number", "minimum": 0},
            "housing": {"type": "object", "properties": {
                "grade": {"enum": ["C", "D"]}, "one_house": {"type": "boolean"},
                "plan": {"enum": ["new", "rebuild", "repair"]},
                "area_m2": {"type": "number", "minimum": 0}, "repair_cost": {"type": "number", "minimum": 0}}},
            "loan": {"type": "object"}}},
        "Verdict": {"type": "object", "properties": {
            "assessed_month": {"type": "string"}, "income": {"type": "object"},
            "programmes": {"type": "object"}, "documents": {"type": "array"},
            "explanation": {"type": "array", "items": {"type": "string"}},
            "rules_version": {"type": "string"}}},
    }},
}
