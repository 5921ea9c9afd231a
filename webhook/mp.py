"""/api/mp/...: the mini-program's JSON API. Parsing and HTTP errors only; the rules decide."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, request
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import RequestEntityTooLarge

import forms
import policy
from bot import drafts
from models import Household, Resident, Session, pii
from sqlalchemy import select

from . import mp_auth, mp_files
from .limits import limiter

bp = Blueprint("mp", __name__, url_prefix="/api")

# Per resident (whatever token they use) and per address: `[miniprogram] rate_limit` and
# `address_rate_limit`.


def _rate() -> str:
    return current_app.config["MINIPROGRAM_RATE_LIMIT"]


def _address_rate() -> str:
    return current_app.config["MINIPROGRAM_ADDRESS_RATE_LIMIT"]


def mp_call(view):
    """A signed-in call: the token first (401), then the limits per resident and per address."""
    view = mp_auth.required(view)
    view = limiter.limit(_rate, key_func=mp_auth.resident_key)(view)
    return limiter.limit(_address_rate, key_func=get_remote_address)(view)


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


# ---- signing in ------------------------------------------------------------------------------

@bp.post("/mp/login")
@limiter.limit(lambda: current_app.config["MINIPROGRAM_LOGIN_RATE_LIMIT"])
def login():
    data = _json_object()
    _only(data, {"code"})
    code = data.get("code")
    if not isinstance(code, str) or not 1 <= len(code) <= 128:
        return _field_error("code", "code 应为 wx.login() 得到的登录码（文字）")
    try:
        return jsonify(mp_auth.login(code))
    except mp_auth.LoginRefused as err:
        return jsonify(error=err.message), err.status


@bp.post("/mp/logout")
@mp_call
def logout():
    mp_auth.logout()
    return jsonify(ok=True)


@bp.get("/mp/me")
@mp_call
def me():
    session = mp_auth.current()
    from models import MiniProgramUser

    user = Session.get(MiniProgramUser, session.user_id)
    resident = Session.scalar(select(Resident).where(Resident.openid == session.openid))
    household: Household | None = resident.household if resident else None
    applicant = household.members[0] if household and household.members else None
    return jsonify(
        official_account_linked=bool(user and user.resident_openid),
        identity=pii.mask(applicant.id_number) if applicant and applicant.id_number else None,
        phone=pii.mask(resident.phone) if resident and resident.phone else None,
        household={"district": household.district, "street": household.street,
                   "members": len(household.members)} if household else None,
    )


# ---- applications: the chat's drafts -----------------------------------------------------------

def _draft_error(err: drafts.DraftError):
    body = {"error": err.message}
    if err.field:
        body["field"] = err.field
    body.update(err.extra)
    return jsonify(body), err.status


def _uploads() -> Path:
    return Path(current_app.config["APP_VAR_DIR"]) / "uploads"


@bp.post("/mp/applications")
@mp_call
def create_application():
    data = _json_object()
    _only(data, {"form"})
    form_id = data.get("form")
    if not isinstance(form_id, str):
        return _field_error("form", "form 应为表单的 id，例如 dibao")
    openid = mp_auth.current().openid
    try:
        with drafts.turn(openid) as chat:
            context, created = drafts.create_or_resume(chat, openid, form_id)
            body = drafts.view(context, None)
    except drafts.DraftError as err:
        return _draft_error(err)
    return jsonify(body), 201 if created else 200


@bp.get("/mp/applications")
@mp_call
def applications():
    openid = mp_auth.current().openid
    with drafts.turn(openid) as chat:
        items = drafts.listing(chat, openid)
    return jsonify(applications=items)


def _on_draft(draft_id: str, work):
    """Run `work(chat, context, app, openid)` on one of this resident's drafts or applications."""
    openid = mp_auth.current().openid
    try:
        with drafts.turn(openid) as chat:
            context, app = drafts.find(chat, openid, draft_id)
            return work(chat, context, app, openid)
    except drafts.DraftError as err:
        return _draft_error(err)


@bp.get("/mp/applications/<draft_id>")
@mp_call
def application(draft_id: str):
    return _on_draft(draft_id, lambda chat, context, app, openid: jsonify(drafts.view(context, app)))


@bp.patch("/mp/applications/<draft_id>")
@mp_call
def answer(draft_id: str):
    data = _json_object()
    _only(data, {"answers"})
    if "answers" not in data:
        return _field_error("answers", "缺少 answers：{字段id: 值}")

    def work(chat, context, app, openid):
        if context is None:
            raise drafts.DraftError("这份申请已经提交，答案不能再改了。", 409)
        notes = drafts.patch(context, data["answers"])
        return jsonify({**drafts.view(context, app), "notes": notes})
    return _on_draft(draft_id, work)


@bp.post("/mp/applications/<draft_id>/verdict")
@mp_call
def verdict(draft_id: str):
    def work(chat, context, app, openid):
        if context is None:
            raise drafts.DraftError("这份申请已经提交，结果请看申请的状态。", 409)
        return jsonify(drafts.assess(chat, context, openid))
    return _on_draft(draft_id, work)


@bp.post("/mp/applications/<draft_id>/documents")
@mp_call
def upload(draft_id: str):
    # The whole request may be a 10 MB file and the form around it; other calls keep the
    # small body limit.
    request.max_content_length = mp_files.MAX_BYTES + 64 * 1024
    try:
        slot, upload = request.form.get("slot"), request.files.get("file")
    except RequestEntityTooLarge:
        return jsonify(error="文件太大了：每份材料最大 10 MB。", field="file"), 413
    unknown = sorted((set(request.form) | set(request.files)) - {"slot", "file"})
    if unknown:
        return _field_error(unknown[0], f"不认识的字段：{unknown[0]}")
    if not slot:
        return _field_error("slot", "缺少 slot：材料清单里的一项（checklist 的 slot）")
    if upload is None:
        return _field_error("file", "缺少 file：要上传的图片或 PDF")
    content = upload.stream.read(mp_files.MAX_BYTES + 1)

    def work(chat, context, app, openid):
        drafts.collecting(context)
        index = drafts.slot_index(context, slot)
        try:
            cleaned, content_type, ext = mp_files.clean(content)
        except mp_files.Refused as err:
            return jsonify(error=err.message, field="file"), err.status
        record = mp_files.store(openid, cleaned, content_type, ext, _uploads())
        return jsonify(drafts.attach(context, index, record.id)), 201
    return _on_draft(draft_id, work)


@bp.post("/mp/applications/<draft_id>/submit")
@mp_call
def submit(draft_id: str):
    def work(chat, context, app, openid):
        if context is None:
            raise drafts.DraftError("这份申请已经提交过了。", 409)
        submitted = drafts.submit(chat, context)
        return jsonify(id=submitted.id, application_id=submitted.id, state=submitted.state)
    return _on_draft(draft_id, work)


@bp.post("/mp/applications/<draft_id>/withdraw")
@mp_call
def withdraw(draft_id: str):
    return _on_draft(draft_id, lambda chat, context, app, openid: jsonify(drafts.withdraw(chat, context, app, openid)))


# ---- 订阅消息 grants ------------------------------------------------------------------------------

@bp.post("/mp/subscriptions")
@mp_call
def subscriptions():
    """The templates the resident accepted in wx.requestSubscribeMessage: one grant each, for
    one later message (a decision on their application)."""
    data = _json_object()
    _only(data, {"template_ids"})
    ids = data.get("template_ids")
    if not isinstance(ids, list) or not ids or len(ids) > 3 or not all(isinstance(i, str) for i in ids):
        return _field_error("template_ids", "template_ids 应为 wx.requestSubscribeMessage 同意的模板 id 列表（1 到 3 个）")
    known = {current_app.config.get("MINIPROGRAM_STATUS_TEMPLATE_ID")} - {None, ""}
    unknown = [i for i in ids if i not in known]
    if unknown:
        return _field_error("template_ids", f"不认识的订阅消息模板：{unknown[0][:64]}")
    from models import MiniProgramUser, MpSubscription

    session = mp_auth.current()
    user = Session.get(MiniProgramUser, session.user_id)
    if user is None:
        return mp_auth.unauthorized()
    for template_id in ids:
        Session.add(MpSubscription(mp_user_id=user.id, mp_openid=user.mp_openid,
                                   resident_openid=session.openid, template_id=template_id))
    Session.commit()
    return jsonify(granted=_grants(session.openid)), 201


def _grants(openid: str) -> dict:
    """Unused grants per template: how many decisions can still reach the mini-program."""
    from sqlalchemy import func

    from models import MpSubscription

    rows = Session.execute(select(MpSubscription.template_id, func.count()).where(
        MpSubscription.resident_openid == openid, MpSubscription.used_at.is_(None))
        .group_by(MpSubscription.template_id)).all()
    return {template_id: count for template_id, count in rows}


def _only(data: dict, allowed: set[str]) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        abort(_field_error(unknown[0], f"不认识的字段：{unknown[0]}"))


def _field_error(field: str, message: str):
    response = jsonify(error=message, field=field)
    response.status_code = 400
    return response


@bp.get("/openapi.json")
def openapi():
    return jsonify(OPENAPI)


_ERROR = {"type": "object", "properties": {"error": {"type": "string"}, "field": {"type": "string"}}}

# The signed-in calls, described by the same hand-written document (kept beside the routes
# above; tests/mp/test_schemathesis.py runs every one of them against it).
_BEARER = [{"bearer": []}]
_JSON_ERROR = {"content": {"application/json": {"schema": _ERROR}}}
_DRAFT_ID = {"name": "draft_id", "in": "path", "required": True,
             "description": "A draft by its form id (dibao) before its verdict, or an application number",
             "schema": {"type": "string", "pattern": "^([a-z_]{1,40}|[1-9][0-9]{0,9})$"}}
_COMMON = {"401": {"description": "No valid token: log in again", **_JSON_ERROR},
           "404": {"description": "Not one of this resident's applications", **_JSON_ERROR},
           "429": {"description": "Too many requests from this resident or address"}}


def _signed(summary: str, ok: dict, *, body: dict | None = None, params: list | None = None,
            extra: dict | None = None) -> dict:
    operation = {"summary": summary, "security": _BEARER, "responses": {**ok, **_COMMON, **(extra or {})}}
    if body is not None:
        operation["requestBody"] = body
    if params:
        operation["parameters"] = params
    return operation


def _json_body(schema: dict) -> dict:
    return {"required": True, "content": {"application/json": {"schema": schema}}}


def _ok(description: str, schema: dict | None = None, code: str = "200") -> dict:
    answer = {"description": description}
    if schema is not None:
        answer["content"] = {"application/json": {"schema": schema}}
    return {code: answer}


_BAD = {"400": {"description": "A field is missing, unknown or of the wrong type (`field` names it)", **_JSON_ERROR}}
_CONFLICT = {"409": {"description": "Refused in this state: why, and `missing` or `field` where they apply",
                     **_JSON_ERROR}}
MP_PATHS = {
    "/api/mp/login": {"post": {
        "summary": "wx.login()'s code → a token (jscode2session; the session_key stays on the server)",
        "requestBody": _json_body({"type": "object", "required": ["code"], "additionalProperties": False,
                                   "properties": {"code": {"type": "string", "minLength": 1, "maxLength": 128}}}),
        "responses": {**_ok("Signed in", {"$ref": "#/components/schemas/Login"}), **_BAD,
                      "401": {"description": "The code is invalid, expired or already used", **_JSON_ERROR},
                      "429": {"description": "Too many log-ins from this address"},
                      "503": {"description": "Mini-program not configured, or WeChat unreachable", **_JSON_ERROR}}}},
    "/api/mp/logout": {"post": _signed("End this token's session", _ok("Signed out"))},
    "/api/mp/me": {"get": _signed("The resident: masked identity, linked Official Account, household",
                                  _ok("The resident", {"$ref": "#/components/schemas/Me"}))},
    "/api/mp/applications": {
        "get": _signed("The resident's drafts and applications with their states (进度)",
                       _ok("Each draft and application", {"type": "object", "properties": {
                           "applications": {"type": "array", "items": {"type": "object"}}}})),
        "post": _signed("A draft of a form, or the resident's open one (the chat's)",
                        {**_ok("The open draft", {"$ref": "#/components/schemas/Draft"}),
                         **_ok("A new draft", {"$ref": "#/components/schemas/Draft"}, "201")},
                        body=_json_body({"type": "object", "required": ["form"], "additionalProperties": False,
                                         "properties": {"form": {"type": "string"}}}),
                        extra=_BAD)},
    "/api/mp/applications/{draft_id}": {
        "get": _signed("Answers so far, the next questions, the verdict and checklist",
                       _ok("The draft or application", {"$ref": "#/components/schemas/Draft"}), params=[_DRAFT_ID]),
        "patch": _signed("Answer questions (one or many), checked by the form's own rules; all or nothing",
                         _ok("The draft, with `notes` on loosely read answers", {"$ref": "#/components/schemas/Draft"}),
                         params=[_DRAFT_ID],
                         body=_json_body({"type": "object", "required": ["answers"], "additionalProperties": False,
                                          "properties": {"answers": {"type": "object"}}}),
                         extra={**_BAD, **_CONFLICT})},
    "/api/mp/applications/{draft_id}/verdict": {"post": _signed(
        "The rules' verdict (the precheck's shape) and the checklist; opens the application",
        _ok("The verdict", {"$ref": "#/components/schemas/Verdict"}), params=[_DRAFT_ID], extra=_CONFLICT)},
    "/api/mp/applications/{draft_id}/documents": {"post": _signed(
        "A document for a checklist slot: JPEG, PNG, GIF, WebP (re-encoded, EXIF removed) or PDF, up to 10 MB",
        _ok("The slot's state", {"type": "object", "properties": {"slot": {"type": "string"},
                                                                  "state": {"type": "string"}}}, "201"),
        params=[_DRAFT_ID],
        body={"required": True, "content": {"multipart/form-data": {"schema": {
            "type": "object", "required": ["slot", "file"], "additionalProperties": False,
            "properties": {"slot": {"type": "string"}, "file": {"type": "string", "format": "binary"}}}}}},
        extra={**_BAD, **_CONFLICT, "413": {"description": "Larger than 10 MB", **_JSON_ERROR}})},
    "/api/mp/applications/{draft_id}/submit": {"post": _signed(
        "To review; 409 with `missing`, the checklist slots still needed",
        _ok("Submitted", {"type": "object", "properties": {"id": {"type": "integer"}, "state": {"type": "string"}}}),
        params=[_DRAFT_ID], extra=_CONFLICT)},
    "/api/mp/applications/{draft_id}/withdraw": {"post": _signed(
        "Withdraw a draft, or an application not yet decided",
        _ok("Withdrawn", {"type": "object", "properties": {"state": {"const": "withdrawn"}}}),
        params=[_DRAFT_ID], extra=_CONFLICT)},
    "/api/mp/subscriptions": {"post": _signed(
        "One-time 订阅消息 grants the resident gave (wx.requestSubscribeMessage); each pays for one message",
        _ok("Unused grants per template", {"type": "object", "properties": {"granted": {"type": "object"}}}, "201"),
        body=_json_body({"type": "object", "required": ["template_ids"], "additionalProperties": False,
                         "properties": {"template_ids": {"type": "array", "minItems": 1, "maxItems": 3,
                                                         "items": {"type": "string"}}}}),
        extra=_BAD)},
}
MP_SCHEMAS = {
    "Login": {"type": "object", "required": ["token", "expires_in"], "properties": {
        "token": {"type": "string"}, "expires_in": {"type": "integer"}}},
    "Me": {"type": "object", "properties": {
        "official_account_linked": {"type": "boolean"}, "identity": {"type": ["string", "null"]},
        "phone": {"type": ["string", "null"]}, "household": {"type": ["object", "null"]}}},
    "Draft": {"type": "object", "required": ["id"], "properties": {
        "id": {"type": ["string", "integer"]}, "application_id": {"type": ["integer", "null"]},
        "form": {"type": ["string", "null"]}, "state": {"type": "string"}, "stage": {"type": "string"},
        "answers": {"type": "object"}, "next": {"type": ["object", "null"]},
        "questions": {"type": "array"}, "complete": {"type": "boolean"}, "groups": {"type": "object"},
        "verdict": {"type": "object"}, "checklist": {"type": "array"},
        "missing": {"type": "array", "items": {"type": "string"}}, "notes": {"type": "array"}}},
}
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
        **MP_PATHS,
        "/api/mp/forms/{form_id}": {"get": {
            "summary": "One form definition: fields, prompts, options, conditions, maps_to",
            "parameters": [{"name": "form_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "The form"}, "404": {"description": "No such form"}}}},
    },
    "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                  "description": "The token of POST /api/mp/login"}},
                   "schemas": {
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
        **MP_SCHEMAS,
        "Verdict": {"type": "object", "properties": {
            "assessed_month": {"type": "string"}, "income": {"type": "object"},
            "programmes": {"type": "object"}, "documents": {"type": "array"},
            "explanation": {"type": "array", "items": {"type": "string"}},
            "rules_version": {"type": "string"}}},
    }},
}
