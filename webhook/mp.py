"""/api/mp/...: the mini-program's JSON API. Parsing and HTTP errors only; the rules decide.

Every route carries its operation (webhook/mp_schemas.py): the pydantic model that checks its
body and the answers it gives, from which GET /api/openapi.json is built.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, request, send_file
from flask_limiter.util import get_remote_address
from sqlalchemy import func, select

import forms
import policy
from bot import drafts, state
from models import Household, MiniProgramUser, MpSubscription, Resident, Session, pii
from review import moderation

from . import mp_auth, mp_files
from . import mp_schemas as s
from .limits import limiter
from .mp_schemas import field_error, operation

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


# A draft by its form id (dibao) before its verdict, or an application number.
DRAFT_ID = {"name": "draft_id", "schema": {
    "type": "string", "pattern": "^([a-z_]{1,40}|[1-9][0-9]{0,9})$",
    "description": "A draft by its form id (dibao) before its verdict, or an application number"}}
_DRAFT = {"draft_id": DRAFT_ID["schema"]}
_MINE = {404: ("Not one of this resident's applications", s.Error)}
_CONFLICT = {409: ("Refused in this state: why, and `missing` or `field` where they apply", s.Error)}
_WECHAT_DOWN = {503: ("Mini-program not configured, or WeChat unreachable", s.Error)}


@bp.post("/mp/precheck")
@limiter.limit(lambda: current_app.config["PRECHECK_RATE_LIMIT"])
@operation("Pre-check a household's eligibility for every programme", {
    200: ("The verdict", s.Verdict),
    400: ("A field is missing, unknown, of the wrong type or impossible (`field` names it); or the body "
          "is not a JSON object, or is nested deeper than 32 levels", s.Error),
    429: ("Too many requests from this address", None)}, body=s.Situation, signed=False)
def precheck(body: s.Situation):
    """The household situation in, the verdict out: the same rules the chat uses."""
    try:
        situation = policy.parse_situation(request.get_json())  # the body as sent: the rules' own checks
    except policy.SituationError as err:
        return field_error(err.field, err.message)
    return jsonify(policy.assess(situation))


@bp.get("/mp/forms")
@operation("The forms", {200: ("id and title of each", s.FormList)}, signed=False)
def form_list():
    return jsonify(forms=[{"id": f.id, "title": f.title} for f in forms.all_forms()])


@bp.get("/mp/forms/<form_id>")
@operation("One form definition: fields, prompts, options, conditions, maps_to",
           {200: ("The form", s.Answer), 404: ("No such form", s.Error)}, signed=False)
def form(form_id: str):
    try:
        return jsonify(forms.to_json(forms.get(form_id)))
    except KeyError:
        abort(404, f"没有这个表单：{form_id}")


# ---- signing in ------------------------------------------------------------------------------

@bp.post("/mp/login")
@limiter.limit(lambda: current_app.config["MINIPROGRAM_LOGIN_RATE_LIMIT"])
@operation("wx.login()'s code → a token (jscode2session; the session_key stays on the server)", {
    200: ("Signed in", s.Login), 401: ("The code is invalid, expired or already used", s.Error),
    429: ("Too many log-ins from this address", None), **_WECHAT_DOWN}, body=s.LoginBody, signed=False)
def login(body: s.LoginBody):
    try:
        return jsonify(mp_auth.login(body.code))
    except mp_auth.LoginRefused as err:
        return jsonify(error=err.message), err.status


@bp.post("/mp/logout")
@mp_call
@operation("End this token's session", {200: ("Signed out", s.Done)})
def logout():
    mp_auth.logout()
    return jsonify(ok=True)


@bp.get("/mp/me")
@mp_call
@operation("The resident: masked identity and phone, linked Official Account, household", {200: ("The resident", s.Me)})
def me():
    session = mp_auth.current()
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


@bp.post("/mp/phone")
@mp_call
@operation("The resident's phone number by getPhoneNumber's code (phonenumber.getPhoneNumber), kept "
           "encrypted; answered masked", {
               200: ("The number WeChat confirmed, masked", s.Phone),
               400: ("A bad body, or a code that is invalid, expired or already used (`field`: code)", s.Error),
               **_WECHAT_DOWN}, body=s.PhoneBody)
def phone(body: s.PhoneBody):
    try:
        answer = mp_auth.confirm_phone(body.code)
    except mp_auth.LoginRefused as err:
        return field_error("code", err.message, err.status)
    Session.commit()
    return jsonify(answer)


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
@operation("A draft of a form, or the resident's open one (the chat's)", {
    200: ("The open draft", s.Draft), 201: ("A new draft", s.Draft)}, body=s.NewApplicationBody)
def create_application(body: s.NewApplicationBody):
    openid = mp_auth.current().openid
    try:
        with drafts.turn(openid) as chat:
            context, created = drafts.create_or_resume(chat, openid, body.form)
            answer = drafts.view(context, None)
    except drafts.DraftError as err:
        return _draft_error(err)
    return jsonify(answer), 201 if created else 200


@bp.get("/mp/applications")
@mp_call
@operation("The resident's drafts and applications with their states (进度)",
           {200: ("Each draft and application", s.Applications)})
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


def _view(context, app, openid: str) -> dict:
    """The draft as drafts.view shows it, with what staff hold of it (content security)."""
    answer = drafts.view(context, app)
    held = moderation.open_for(openid, answer.get("application_id"))
    if held:
        answer["held"] = held
    return answer


@bp.get("/mp/applications/<draft_id>")
@mp_call
@operation("Answers so far, the next questions, the verdict and checklist",
           {200: ("The draft or application", s.Draft), **_MINE}, params=_DRAFT)
def application(draft_id: str):
    return _on_draft(draft_id, lambda chat, context, app, openid: jsonify(_view(context, app, openid)))


@bp.patch("/mp/applications/<draft_id>")
@mp_call
@operation("Answer questions (one or many), checked by the form's own rules; all or nothing", {
    200: ("The draft, with `notes` on loosely read answers", s.Draft), **_MINE, **_CONFLICT},
    body=s.AnswersBody, params=_DRAFT)
def answer(draft_id: str, body: s.AnswersBody):
    def work(chat, context, app, openid):
        if context is None:
            raise drafts.DraftError("这份申请已经提交，答案不能再改了。", 409)
        notes = drafts.patch(context, body.answers)
        return jsonify({**_view(context, app, openid), "notes": notes})
    return _on_draft(draft_id, work)


def _held_text(chat, context, openid: str):
    """Free text goes through WeChat's msgSecCheck before it is filed: None to go on, else the
    answer telling the resident that staff read it first (or, rejected, what to change)."""
    if context.get("verdict") or forms.next_question(forms.get(context["form"]), context["answers"]):
        return None  # filed already, or drafts.assess says what is still missing
    with mp_auth.mini_api() as api:
        check = moderation.screen_text(api, openid=openid, mp_openid=mp_auth.mp_openid() or openid,
                                       form_id=context["form"], answers=context["answers"])
    if check is None:
        return None
    if moderation.closes_draft(check):
        state.close(chat, context["key"])  # the clue is staff's now: filed when they release it
    body, status = moderation.notice(check)
    return jsonify(body), status


@bp.post("/mp/applications/<draft_id>/verdict")
@mp_call
@operation("The rules' verdict (the precheck's shape) and the checklist; opens the application. Free "
           "text is checked first (msgSecCheck): flagged, it is held for staff (202)", {
               200: ("The verdict", s.Verdict), 202: ("Held: staff read the text first", s.Held),
               **_MINE, **_CONFLICT}, params=_DRAFT)
def verdict(draft_id: str):
    def work(chat, context, app, openid):
        if context is None:
            raise drafts.DraftError("这份申请已经提交，结果请看申请的状态。", 409)
        return _held_text(chat, context, openid) or jsonify(drafts.assess(chat, context, openid))
    return _on_draft(draft_id, work)


@bp.post("/mp/applications/<draft_id>/documents")
@mp_call
@operation("A document for a checklist slot: JPEG, PNG, GIF, WebP (re-encoded, EXIF removed) or PDF, up to "
           "10 MB; images then pass WeChat's media check (a flagged one is held for staff)", {
               201: ("The slot's state", s.Slot), **_MINE, **_CONFLICT,
               413: ("Larger than 10 MB", s.Error)},
           body=s.DocumentBody, multipart=True, max_bytes=mp_files.MAX_BYTES, params=_DRAFT)
def upload(draft_id: str, body: s.DocumentBody):
    checks = []

    def work(chat, context, app, openid):
        drafts.collecting(context)
        index = drafts.slot_index(context, body.slot)
        try:
            cleaned, content_type, ext = mp_files.clean(body.file)
        except mp_files.Refused as err:
            return field_error("file", err.message, err.status)
        record = mp_files.store(openid, cleaned, content_type, ext, _uploads())
        slot = drafts.attach(context, index, record.id)
        check = moderation.start_media_check(
            record, openid=openid, mp_openid=mp_auth.mp_openid() or openid, application_id=context["application_id"],
            item_id=slot["item"], district=(context.get("answers") or {}).get("district"))
        if check is not None:
            checks.append(check.id)
            slot = {**slot, "content_check": "checking"}
        return jsonify(slot), 201
    response = _on_draft(draft_id, work)
    for check_id in checks:  # committed by the turn: the job finds its row
        moderation.queue(check_id)
    return response


@bp.post("/mp/applications/<draft_id>/submit")
@mp_call
@operation("To review; 409 with `missing`, the checklist slots still needed",
           {200: ("Submitted", s.Submitted), **_MINE, **_CONFLICT}, params=_DRAFT)
def submit(draft_id: str):
    def work(chat, context, app, openid):
        if context is None:
            raise drafts.DraftError("这份申请已经提交过了。", 409)
        submitted = drafts.submit(chat, context)
        return jsonify(id=submitted.id, application_id=submitted.id, state=submitted.state)
    return _on_draft(draft_id, work)


@bp.post("/mp/applications/<draft_id>/withdraw")
@mp_call
@operation("Withdraw a draft, or an application not yet decided",
           {200: ("Withdrawn", s.Withdrawn), **_MINE, **_CONFLICT}, params=_DRAFT)
def withdraw(draft_id: str):
    return _on_draft(draft_id, lambda chat, context, app, openid: jsonify(drafts.withdraw(chat, context, app, openid)))


# ---- 订阅消息 grants ------------------------------------------------------------------------------

@bp.post("/mp/subscriptions")
@mp_call
@operation("One-time 订阅消息 grants the resident gave (wx.requestSubscribeMessage); each pays for one message",
           {201: ("Unused grants per template", s.Grants)}, body=s.SubscriptionsBody)
def subscriptions(body: s.SubscriptionsBody):
    """The templates the resident accepted in wx.requestSubscribeMessage: one grant each, for
    one later message (a decision on their application)."""
    known = {current_app.config.get("MINIPROGRAM_STATUS_TEMPLATE_ID")} - {None, ""}
    unknown = [i for i in body.template_ids if i not in known]
    if unknown:
        return field_error("template_ids", f"不认识的订阅消息模板：{unknown[0][:64]}")
    session = mp_auth.current()
    user = Session.get(MiniProgramUser, session.user_id)
    if user is None:
        return mp_auth.unauthorized()
    for template_id in body.template_ids:
        Session.add(MpSubscription(mp_user_id=user.id, mp_openid=user.mp_openid,
                                   resident_openid=session.openid, template_id=template_id))
    Session.commit()
    return jsonify(granted=_grants(session.openid)), 201


def _grants(openid: str) -> dict:
    """Unused grants per template: how many decisions can still reach the mini-program."""
    rows = Session.execute(select(MpSubscription.template_id, func.count()).where(
        MpSubscription.resident_openid == openid, MpSubscription.used_at.is_(None))
        .group_by(MpSubscription.template_id)).all()
    return {template_id: count for template_id, count in rows}


# ---- for WeChat: the image a media check fetches -----------------------------------------------

@bp.get("/wxa-media/<digest>/<token>")  # review.moderation.MEDIA_PATH
def media_for_check(digest: str, token: str):
    """The uploaded image WeChat's mediaCheckAsync downloads: a signed link that works for a
    day and only while the check waits. Not part of the mini-program's API."""
    found = moderation.media_for_link(digest, token, current_app.config["SECRET_KEY"], _uploads())
    if found is None:
        abort(404)
    path, content_type = found
    response = send_file(path, mimetype=content_type, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


# ---- the document ------------------------------------------------------------------------------

@bp.get("/openapi.json")
def openapi():
    """Built from the routes above and their models, once per app."""
    spec = current_app.extensions.get("mp_openapi")
    if spec is None:
        spec = current_app.extensions["mp_openapi"] = s.openapi(current_app)
    return jsonify(spec)
