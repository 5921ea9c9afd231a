"""The mini-program API's bodies and answers as pydantic models, and the OpenAPI document built
from them and from the routes themselves.

One model per request body does both jobs: it checks the body (strict JSON types, unknown
fields refused, a 400 naming the field) and, through model_json_schema(), describes it. Each
view carries its operation (`@operation(...)`): summary, body model, answer models; the
document is the app's /api/mp routes (app.url_map) with their operations, so a route cannot
be added without being described, nor described without existing.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import wraps
from typing import Any, ClassVar, Literal

from flask import Flask, abort, jsonify, request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from policy import enums, situation as rules

from .security import allow_upload

NOT_JSON = "请求内容必须是一个JSON对象（Content-Type: application/json）"


# ---- request bodies --------------------------------------------------------------------------

class Body(BaseModel):
    """A request body: JSON types as given (no "45" for 45), unknown fields refused."""

    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)
    # field → what it should be, in words for the mini-program's developer (and the resident).
    hints: ClassVar[dict[str, str]] = {}


class LoginBody(Body):
    code: str = Field(min_length=1, max_length=128, description="wx.login() 的 code")
    hints: ClassVar = {"code": "code 应为 wx.login() 得到的登录码（文字）"}


class PhoneBody(Body):
    code: str = Field(min_length=1, max_length=128,
                      description="the code of the getPhoneNumber button (bindgetphonenumber)")
    hints: ClassVar = {"code": "code 应为手机号快速验证组件（getPhoneNumber）给的 code（文字）"}


class NewApplicationBody(Body):
    form: str = Field(min_length=1, max_length=40, description="a form id, e.g. dibao")
    hints: ClassVar = {"form": "form 应为表单的 id，例如 dibao"}


class AnswersBody(Body):
    answers: dict[str, Any] = Field(description="{FIELD_ID: VALUE}, typed as the form says; a group "
                                                "as a list of member objects")
    hints: ClassVar = {"answers": "answers 应为一个对象：{字段id: 值}"}


class SubscriptionsBody(Body):
    template_ids: list[str] = Field(min_length=1, max_length=3)
    hints: ClassVar = {"template_ids": "template_ids 应为 wx.requestSubscribeMessage 同意的模板 id 列表（1 到 3 个）"}


class DocumentBody(Body):
    """multipart/form-data: a checklist slot and the file."""

    slot: str = Field(min_length=1, max_length=80, description="a checklist item's id (the `slot` of `missing`)")
    file: bytes = Field(description="JPEG, PNG, GIF, WebP or PDF, up to 10 MB")
    hints: ClassVar = {"slot": "缺少 slot：材料清单里的一项（checklist 的 slot）",
                       "file": "缺少 file：要上传的图片或 PDF"}


def _choice(enum):
    """The names a situation takes for an enum of the rules (its first item means left out)."""
    return Literal[tuple(item.name for item in list(enum)[1:] if item.name != "unspecified")]


def money():
    return Field(None, ge=0, le=rules.MAX_MONEY)


class Disability(Body):
    kind: _choice(enums.DisabilityKind) | None = None
    grade: int | None = Field(None, ge=1, le=4)


class Member(Body):
    age: int = Field(ge=0, le=rules.MAX_AGE)
    sex: _choice(enums.Sex) | None = None
    employed: bool | None = None
    monthly_income: float | None = money()
    disability: Disability | None = None
    student_stage: _choice(enums.StudentStage) | None = None
    boarding: bool | None = None
    parent_disabled: bool | None = None
    scattered_tekun: bool | None = None
    registered_unemployed: bool | None = None
    unemployed_months: int | None = Field(None, ge=0, le=rules.MAX_UNEMPLOYED_MONTHS)
    land_expropriated: bool | None = None
    graduate: bool | None = None


class Housing(Body):
    grade: _choice(enums.HousingGrade) | None = None
    one_house: bool | None = None
    plan: _choice(enums.HousingPlan) | None = None
    area_m2: float | None = Field(None, ge=0, le=rules.MAX_AREA_M2)
    repair_cost: float | None = money()


class Loan(Body):
    applicant: int | None = Field(None, ge=0, le=rules.MAX_MEMBERS - 1)
    group: _choice(enums.LoanGroup) | None = None
    business_in_xiamen: bool | None = None
    other_debt: float | None = money()


class Situation(Body):
    """The household situation of interfaces.md; the rules (policy.parse_situation) check
    what a schema cannot, such as dates before the rules begin."""

    date: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}$", json_schema_extra={"format": "date"})
    hukou_xiamen: bool | None = None
    members: list[Member] = Field(min_length=1, max_length=rules.MAX_MEMBERS)
    monthly_support_received: float | None = money()
    annual_medical_expense: float | None = money()
    annual_education_expense: float | None = money()
    prior_year_medical_aid: float | None = money()
    prior_year_education_aid: float | None = money()
    financial_assets: float | None = money()
    owns_vehicle: bool | None = None
    has_able_supporter: bool | None = None
    dibao_recipient: bool | None = None
    medical_total_cost: float | None = money()
    housing: Housing | None = None
    loan: Loan | None = None


# ---- answers ---------------------------------------------------------------------------------

class Answer(BaseModel):
    """An answer: the keys listed, and more may come."""

    model_config = ConfigDict(extra="allow")


class Error(Answer):
    error: str = Field(description="what was wrong, in Chinese")
    field: str | None = Field(None, description="the field at fault: members[0].age")


class Login(Answer):
    token: str
    expires_in: int


class Done(Answer):
    ok: bool


class Me(Answer):
    official_account_linked: bool
    identity: str | None = Field(None, description="masked: 350***********1234")
    phone: str | None = Field(None, description="masked: 138****5678")
    household: dict | None = None


class Phone(Answer):
    phone: str = Field(description="the number WeChat confirmed, masked: 138****5678")
    country_code: str


class Draft(Answer):
    id: str | int
    application_id: int | None = None
    form: str | None = None
    state: str | None = None
    stage: str | None = None
    answers: dict | None = None
    next: dict | None = None
    questions: list | None = None
    complete: bool | None = None
    groups: dict | None = None
    verdict: dict | None = None
    checklist: list | None = None
    missing: list[str] | None = None
    notes: list | None = None
    held: list | None = Field(None, description="what staff read before it goes on (content security)")


class Applications(Answer):
    applications: list[dict]


class Verdict(Answer):
    assessed_month: str | None = None
    income: dict | None = None
    programmes: dict | None = None
    documents: list | None = None
    explanation: list[str] | None = None
    rules_version: str | None = None


class Held(Answer):
    held: bool = Field(description="true: staff read it first")
    check: int
    state: Literal["held"]
    message: str = Field(description="what to tell the resident, in Chinese")


class Slot(Answer):
    slot: str
    state: str
    content_check: str | None = Field(None, description="images: checking (WeChat's media check)")


class Submitted(Answer):
    id: int
    application_id: int
    state: str


class Withdrawn(Answer):
    id: str | int
    state: Literal["withdrawn"]


class Grants(Answer):
    granted: dict[str, int]


class FormList(Answer):
    forms: list[dict]


# ---- bad bodies: a 400 naming the field --------------------------------------------------------

def field_path(loc: tuple) -> str:
    """('members', 0, 'age') → members[0].age, as the rules name fields."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _why(kind: str, ctx: dict) -> str:
    if kind.endswith("_type") or kind in ("int_from_float", "model_attributes_type"):
        wanted = {"int_type": "整数", "int_from_float": "整数", "float_type": "数字", "bool_type": "true 或 false",
                  "string_type": "文字", "list_type": "列表", "dict_type": "对象（{…}）",
                  "model_type": "对象（{…}）", "bytes_type": "文件"}.get(kind, "正确的类型")
        return f"应为{wanted}"
    if kind == "finite_number":
        return "不是有效的数字"
    if kind in ("greater_than_equal", "greater_than"):
        return f"不能小于 {ctx.get('ge', ctx.get('gt'))}"
    if kind in ("less_than_equal", "less_than"):
        return f"不能大于 {ctx.get('le', ctx.get('lt'))}"
    if kind in ("too_short", "string_too_short"):
        return f"至少要有 {ctx.get('min_length')} 项" if kind == "too_short" else "不能为空"
    if kind in ("too_long", "string_too_long"):
        return f"最多 {ctx.get('max_length')} {'项' if kind == 'too_long' else '个字'}"
    if kind == "literal_error":
        return f"只能是以下之一：{ctx.get('expected', '')}"
    if kind == "string_pattern_mismatch":
        return "格式不对"
    return "的值不对"


def problem(model: type[Body], err: ValidationError) -> tuple[str, str]:
    """(field, message) of the first thing wrong with a body."""
    first = err.errors(include_url=False)[0]
    name = field_path(first["loc"]) or "body"
    if first["type"] == "extra_forbidden":
        return name, f"不认识的字段：{name}"
    hint = model.hints.get(name)
    if hint:
        return name, hint if first["type"] != "missing" or hint.startswith("缺少") else f"缺少 {name}：{hint}"
    if first["type"] == "missing":
        return name, f"缺少 {name}"
    return name, f"{name} {_why(first['type'], first.get('ctx') or {})}"


def field_error(name: str, message: str, status: int = 400):
    response = jsonify(error=message, field=name)
    response.status_code = status
    return response


def json_object() -> dict:
    if not request.is_json:
        abort(400, NOT_JSON)
    data = request.get_json()  # malformed or nested too deep: a 400 saying which
    if not isinstance(data, dict):
        abort(400, NOT_JSON)
    return data


def _multipart(max_bytes: int) -> dict:
    """The form fields and files of a multipart body (each file read up to max_bytes + 1)."""
    allow_upload(max_bytes)
    data: dict = dict(request.form.items())
    for name, upload in request.files.items():
        data[name] = upload.stream.read(max_bytes + 1)
    return data


# ---- operations: what each view documents ---------------------------------------------------

@dataclass
class Operation:
    summary: str
    answers: dict[int, tuple[str, type[BaseModel] | None]]
    body: type[Body] | None = None
    multipart: bool = False
    signed: bool = True
    params: dict[str, dict] = field(default_factory=dict)


def operation(summary: str, answers: dict[int, tuple[str, type[BaseModel] | None]], *,
              body: type[Body] | None = None, multipart: bool = False, max_bytes: int = 0,
              signed: bool = True, params: dict[str, dict] | None = None):
    """Describe a view for the OpenAPI document; with `body`, check the request body against
    it first and pass it to the view as `body=` (a 400 naming the field otherwise). Put it
    under the sign-in decorator: a call without a token is a 401 before its body is read."""
    described = Operation(summary, answers, body, multipart, signed, params or {})

    def decorate(view):
        if body is None:
            view.openapi = described
            return view

        @wraps(view)
        def checked(*args, **kwargs):
            if multipart:
                try:
                    data = _multipart(max_bytes)
                except RequestEntityTooLarge:
                    return field_error("file", "文件太大了：每份材料最大 10 MB。", 413)
            else:
                data = json_object()
            try:
                parsed = body.model_validate(data)
            except ValidationError as err:
                return field_error(*problem(body, err))
            return view(*args, body=parsed, **kwargs)
        checked.openapi = described
        return checked
    return decorate


# ---- the document --------------------------------------------------------------------------

COMMON = {401: "No valid token: log in again", 429: "Too many requests from this resident or address"}
_RULE_ARG = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def openapi(app: Flask) -> dict:
    """The OpenAPI 3.1 document of every documented /api/mp route of `app`."""
    schemas: dict[str, dict] = {}
    paths: dict[str, dict] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith("/api/mp/"):
            continue
        described = getattr(app.view_functions[rule.endpoint], "openapi", None)
        if described is None:
            continue  # tests/mp/test_schemathesis.py names the route that is not described
        path = _RULE_ARG.sub(r"{\1}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(described, rule.arguments, schemas)
    return {
        "openapi": "3.1.0",
        "info": {"title": "yitang mini-program API", "version": "1",
                 "description": "一趟：困难群众精准帮扶 — the JSON API the mini-program uses."},
        "paths": paths,
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                      "description": "The token of POST /api/mp/login"}},
                       "schemas": schemas},
    }


def _ref(model: type[BaseModel], schemas: dict) -> dict:
    if model.__name__ not in schemas:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        schemas.update(schema.pop("$defs", {}))
        schemas[model.__name__] = schema
    return {"$ref": f"#/components/schemas/{model.__name__}"}


def _operation(described: Operation, arguments, schemas: dict) -> dict:
    out: dict = {"summary": described.summary}
    if described.signed:
        out["security"] = [{"bearer": []}]
    if arguments:
        out["parameters"] = [{"name": name, "in": "path", "required": True,
                              "schema": described.params.get(name, {"type": "string"})}
                             for name in sorted(arguments)]
    if described.body is not None:
        kind = "multipart/form-data" if described.multipart else "application/json"
        out["requestBody"] = {"required": True, "content": {kind: {"schema": _ref(described.body, schemas)}}}
    answers = dict(described.answers)
    if described.signed:
        answers = {**{code: (text, Error if code == 401 else None) for code, text in COMMON.items()}, **answers}
    if described.body is not None:
        answers.setdefault(400, ("A field is missing, unknown or of the wrong type (`field` names it)", Error))
    out["responses"] = {}
    for code, (text, model) in sorted(answers.items()):
        answer: dict = {"description": text}
        if model is not None:
            answer["content"] = {"application/json": {"schema": _ref(model, schemas)}}
        out["responses"][str(code)] = answer
    return out
