"""The chat's drafts, worked on from the mini-program: the same conversation contexts
(bot/state.py), the same form walk (forms.next_question / forms.answer_noted), the same
verdict → draft application → checklist path as the chat's 确认 (`file`), the same documents
and submission (bot/documents.py, review).

A resident's conversation is opened under their turn (bot.session.turn), so a message in the
chat and a call from the mini-program never interleave; `turn` saves the conversation and
commits before the turn ends, as bot.turns does for a message.

Ids: a draft not yet assessed is known by its form id (a resident has one draft per form:
"dibao"); an application by its number. A draft that has been assessed answers to both.
Refusals raise DraftError (HTTP status, message in Chinese, the field at fault).
"""
from __future__ import annotations

import copy
import math
import re
from contextlib import contextmanager

from sqlalchemy import select

import employment.registration
import forms
import review
from models import Application, ApplicationDocument, Conversation, FollowerUnionid, MiniProgramUser, Resident, \
    Session, pii, utcnow

from review import labels

from . import conversation, documents, state
from . import session as sessions
from . import verdict as verdicts

# Stages at which the answers may still change (the chat's form, summary and edit stages).
EDITABLE = {state.Stage.FORM, state.Stage.EDIT_PICK, state.Stage.CONFIRM, state.Stage.PROFILE}
TEXT_TYPES = ("text", "phone", "id_number", "date")
MASKED_TYPES = ("phone", "id_number")


class DraftError(Exception):
    def __init__(self, message: str, status: int = 400, field: str | None = None, **extra):
        super().__init__(message)
        self.message, self.status, self.field, self.extra = message, status, field, extra


class Busy(DraftError):
    def __init__(self):
        super().__init__("您在公众号里的上一条消息还在处理中，请稍后再试。", 503)


def not_found() -> DraftError:
    return DraftError("没有找到这份申请。", 404)


@contextmanager
def turn(openid: str, wait_s: float = 5.0):
    """The resident's conversation for one call: saved and committed at the end under the
    turn's lock; a refusal (or any error) keeps nothing of the conversation."""
    with sessions.turn(openid, wait_s) as got:
        if not got:
            raise Busy()
        chat = sessions.load_chat(openid)
        try:
            yield chat
        except BaseException:
            Session.rollback()
            raise
        sessions.save_chat(openid, chat)
        Session.commit()


# ---- finding drafts ----------------------------------------------------------------------------

def form_ids() -> set[str]:
    return {f.id for f in forms.all_forms()}


def create_or_resume(chat: dict, openid: str, form_id: str) -> tuple[dict, bool]:
    """The resident's open draft of `form_id` (made the active one, as naming it in the chat
    does), or a new one started exactly as the chat starts it. (context, created)."""
    if form_id not in form_ids():
        raise DraftError(f"没有这个表单：{form_id}", 400, "form")
    context = chat["contexts"].get(form_id)
    if context is not None and context.get("stage") != state.Stage.DONE:
        state.switch(chat, form_id)
        if context.get("stage") == state.Stage.RESUME:  # back after a pause: carry on where it was
            state.set_stage(context, context.pop("resume_stage", state.Stage.FORM.value))
        return context, False
    conversation.start(chat, form_id, openid)  # the chat's reply is not needed here
    return chat["contexts"][form_id], True


def find(chat: dict, openid: str, draft_id: str) -> tuple[dict | None, Application | None]:
    """(context, application) for an id of this resident; another resident's is a 404."""
    if re.fullmatch(r"[0-9]{1,10}", draft_id):
        number = int(draft_id)
        for context in state.contexts(chat):
            if context.get("application_id") == number and not context.get("supplement"):
                return context, Session.get(Application, number)
        app = Session.get(Application, number) if 1 <= number <= 2**31 - 1 else None
        if app is None or app.openid != openid:
            raise not_found()
        return None, app
    context = chat["contexts"].get(draft_id)
    if context is None or context.get("supplement") or draft_id not in form_ids():
        raise not_found()
    app = Session.get(Application, context["application_id"]) if context.get("application_id") else None
    return context, app


# ---- what the mini-program shows ---------------------------------------------------------------

def path_name(path) -> str:
    """members[1].age, as precheck's errors name fields."""
    if len(path) == 3:
        return f"{path[0]}[{path[1]}].{path[2]}"
    return str(path[0])


def question_json(question) -> dict:
    field = question.field
    out = {"field": path_name(question.path), "id": field.id, "type": field.type,
           "prompt": question.prompt, "required": field.required}
    if question.help:
        out["help"] = question.help
    if question.n is not None:
        out["member"] = question.n - 1
    for key in ("min", "max", "unit", "min_length", "max_length"):
        if getattr(field, key) is not None:
            out[key] = getattr(field, key)
    if field.type == "choice":
        out["options"] = [{"value": o.value, "label": o.label} for o in field.options]
        out["multiple"] = field.multiple
    return out


def _shown(form, answers: dict) -> dict:
    """The answers as the resident sees them: identity and phone numbers masked."""
    shown = copy.deepcopy(answers)
    for question in forms.applicable(form, answers):
        if question.answered and question.field.type in MASKED_TYPES and question.value:
            *where, key = question.path
            target = shown
            for step in where:
                target = target[step]
            target[key] = pii.mask(str(question.value))
    return shown


def slot_key(slot: dict) -> str:
    """A checklist slot's id: the item, and the member for a per-person document."""
    return slot["item"] if slot.get("member") is None else f"{slot['item']}.{slot['member']}"


def checklist(context: dict) -> list[dict]:
    if not context.get("slots"):
        return []
    left = set(documents.missing(context))
    out = []
    for index, slot in enumerate(context["slots"]):
        got = context["received"].get(str(index)) or {}
        kind = ("missing" if index in left else "kept" if got.get("kept") else "at_visit" if got.get("at_visit")
                else "signed" if got.get("signed") else "received")
        out.append({"slot": slot_key(slot), "item": slot["item"], "member": slot.get("member"),
                    "title": slot["title"], "state": kind, "signature": documents.is_signature(context, index)})
    return out


def missing(context: dict) -> list[str]:
    return [slot_key(context["slots"][i]) for i in documents.missing(context)] if context.get("slots") else []


def view(context: dict | None, app: Application | None) -> dict:
    if context is None:  # an application already handed to review: its state only
        return {"id": app.id, "application_id": app.id, "form": app.form_id, "programme": app.programme,
                "state": app.state, "state_label": labels.state(app.state),
                "documents": [{"item": d.item_id, "member": d.member, "state": d.state}
                              for d in Session.scalars(select(ApplicationDocument).where(
                                  ApplicationDocument.application_id == app.id).order_by(ApplicationDocument.id))]}
    form = forms.get(context["form"])
    answers = context["answers"]
    stage = state.Stage(context.get("resume_stage") or context["stage"])
    out = {"id": context["key"], "application_id": context.get("application_id"), "form": form.id,
           "title": form.title, "stage": stage.value, "state": app.state if app else "draft",
           "answers": _shown(form, answers)}
    if stage in EDITABLE:
        nxt = forms.next_question(form, answers)
        out["next"] = question_json(nxt) if nxt else None
        out["questions"] = [question_json(q) for q in forms.applicable(form, answers) if not q.answered]
        out["complete"] = nxt is None
        out["groups"] = {q.field.id: {"count": q.value, "min": q.field.min, "max": q.field.max}
                         for q in forms.applicable(form, answers) if q.is_count}
    else:
        out["complete"] = True
    if context.get("verdict"):
        out["programme"] = context.get("programme")
        out["verdict"] = context["verdict"]
    if context.get("slots"):
        out["checklist"] = checklist(context)
        out["missing"] = missing(context)
    return out


# ---- answers -------------------------------------------------------------------------------

def _check_type(field, value, name: str) -> None:
    """The JSON type interfaces.md gives each field type; the form's rules check the rest."""
    if value is None:
        return  # skipped: forms.skip says whether it may be
    kind = field.type
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "yesno":
        ok = isinstance(value, bool)
    elif kind == "integer":
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif kind == "money":
        ok = number and math.isfinite(value)
    elif kind == "choice":
        values = {o.value for o in field.options}
        given = value if field.multiple and isinstance(value, list) else [value]
        if not all(isinstance(v, str) for v in given) or (not field.multiple and isinstance(value, list)):
            raise DraftError(f"{name} 应为选项的 value（{'列表' if field.multiple else '文字'}）", 400, name)
        unknown = [v for v in given if v not in values]
        if unknown:
            raise DraftError(f"{name} 没有这个选项：{unknown[0]}；可选：{'、'.join(sorted(values))}", 400, name)
        return
    elif kind in TEXT_TYPES:
        ok = isinstance(value, str)
    elif kind == "location":
        ok = isinstance(value, dict) and set(value) <= {"lat", "lng", "label"} and \
            all(isinstance(value.get(k), (int, float)) and not isinstance(value.get(k), bool)
                and math.isfinite(value[k]) for k in ("lat", "lng")) and isinstance(value.get("label", ""), str)
    elif kind == "image":
        raise DraftError(f"{name} 是照片，请用 documents 上传", 400, name)
    else:
        ok = False
    if not ok:
        expected = {"yesno": "true 或 false", "integer": "整数", "money": "数字", "location": "{lat, lng, label}"}
        raise DraftError(f"{name} 的类型不对，应为{expected.get(kind, '文字')}", 400, name)


def _pending(form, given: dict) -> dict:
    """{question path: value} for every answer in a PATCH, types checked, names known."""
    if not isinstance(given, dict):
        raise DraftError("answers 应为一个对象：{字段id: 值}", 400, "answers")
    fields = {f.id: f for f in form.fields}
    pending = {}
    for key, value in given.items():
        field = fields.get(key)
        if field is None:
            raise DraftError(f"表单里没有这个字段：{key}", 400, key)
        if field.type != "group":
            _check_type(field, value, key)
            pending[(key,)] = value
            continue
        if not isinstance(value, list) or not all(isinstance(m, dict) for m in value):
            raise DraftError(f"{key} 应为成员对象的列表", 400, key)
        pending[(key,)] = len(value)
        inner = {f.id: f for f in field.fields}
        for index, member in enumerate(value):
            for inner_key, inner_value in member.items():
                name = f"{key}[{index}].{inner_key}"
                if inner_key not in inner:
                    raise DraftError(f"表单里没有这个字段：{name}", 400, name)
                _check_type(inner[inner_key], inner_value, name)
                pending[(key, index, inner_key)] = inner_value
    return pending


def patch(context: dict, given: dict) -> list[str]:
    """Apply the answers of a PATCH, in the form's order, through the chat's own walk: each
    answer is checked by forms.answer_noted (a skip by forms.skip). All or nothing: the
    first refused answer is a DraftError naming its field, with every refusal in `errors`.
    Returns the notes ("已按 1,500 元记录。")."""
    stage = state.Stage(context.get("resume_stage") or context["stage"])
    if stage not in EDITABLE:
        raise DraftError("这份申请已经得出结果，答案不能再改了；如需修改，请撤回后重新填写。", 409)
    form = forms.get(context["form"])
    pending = _pending(form, given)
    answers, notes, errors = context["answers"], [], {}
    progress = True
    while pending and progress:
        progress = False
        for question in list(forms.applicable(form, answers)):
            if question.path not in pending:
                continue
            raw = pending[question.path]
            name = path_name(question.path)
            try:
                if raw is None:
                    answers = forms.skip(form, answers, question.path)
                else:
                    answered = forms.answer_noted(form, answers, question.path, raw)
                    answers = answered.answers
                    if answered.note:
                        notes.append(answered.note)
            except KeyError:
                continue  # not reached yet: an earlier question is still open
            except forms.AnswerError as err:
                errors[name] = str(err)
                pending.pop(question.path)
                continue
            pending.pop(question.path)
            progress = True
            break  # what applies may have changed: walk again from the start
    applicable = {q.path for q in forms.applicable(form, answers)}
    blocking = forms.next_question(form, answers)
    for path in pending:
        name = path_name(path)
        if path not in applicable:
            errors[name] = "根据前面的回答，这一题现在不用回答。"
        elif blocking is not None:
            errors[name] = f"请先回答前面的问题：{path_name(blocking.path)}（{blocking.prompt}）"
    if errors:
        first = next(iter(errors))
        raise DraftError(f"{first}：{errors[first]}", 400, first, errors=errors)
    context["answers"] = answers
    context.pop("editing", None)
    context.pop("resume_stage", None)
    context["failures"] = {}
    state.set_stage(context, state.Stage.CONFIRM if forms.next_question(form, answers) is None else state.Stage.FORM)
    return notes


# ---- the verdict: shared with the chat's 确认 ----------------------------------------------------

def file(chat: dict, context: dict, openid: str) -> dict:
    """The confirmed answers to the rules: a clue is reported (its context closed); else the
    verdict is kept on the context, and where there is a programme to apply for, the draft
    application is opened and its checklist begun (kept documents attached). The chat's
    finish() and the mini-program's verdict both come here.

    {"clue", "verdict", "programme", "checklist", "application"}, and "seeker" for 求职登记."""
    form_id, answers = context["form"], context["answers"]
    if form_id == "xiansuo":
        clue = review.intake.report_clue(openid, answers)
        state.close(chat, context["key"])
        return {"clue": clue, "verdict": None, "programme": None, "checklist": [], "application": None}
    verdict = verdicts.assess(form_id, answers)
    context["verdict"] = verdict
    if form_id == "jiuye":  # 112: a job seeker's registration, not an application for review
        seeker = employment.registration.register_from_chat(openid, answers, verdict)
        state.set_stage(context, state.Stage.DONE)  # kept for 为什么
        return {"clue": None, "verdict": verdict, "programme": None, "checklist": [], "application": None,
                "seeker": seeker}
    programme = verdicts.programme(form_id, verdict)
    if programme is None:
        state.set_stage(context, state.Stage.DONE)  # kept for 为什么, closed by the next message
        return {"clue": None, "verdict": verdict, "programme": None, "checklist": [], "application": None}
    slots = verdicts.slots(verdict, verdicts.member_labels(answers))
    application = review.intake.open_draft(openid, form_id, programme, answers,
                                           verdicts.situation(form_id, answers), verdict, verdict["documents"])
    context["programme"] = programme
    documents.begin(context, application.id, slots)
    return {"clue": None, "verdict": verdict, "programme": programme, "checklist": slots,
            "application": application}


def assess(chat: dict, context: dict, openid: str) -> dict:
    """POST …/verdict: the verdict of complete answers, filed once (asking again answers the
    same verdict)."""
    stage = state.Stage(context.get("resume_stage") or context["stage"])
    if stage in EDITABLE:
        form = forms.get(context["form"])
        nxt = forms.next_question(form, context["answers"])
        if nxt is not None:
            name = path_name(nxt.path)
            raise DraftError(f"还有问题没有回答：{name}（{nxt.prompt}）", 409, name)
        context.pop("resume_stage", None)
        filed = file(chat, context, openid)
        if filed["clue"] is not None:
            return {"clue": filed["clue"].id}
    out = dict(context["verdict"])
    out.update(id=context["key"], application_id=context.get("application_id"),
               programme=context.get("programme"), checklist=checklist(context), missing=missing(context))
    return out


# ---- documents, submission, withdrawal ---------------------------------------------------------

def slot_index(context: dict, wanted: str) -> int:
    """The slot a `slot` field names: its id ("id_card.1"), or an item id when only one slot
    has it."""
    keys = [slot_key(s) for s in context["slots"]]
    if wanted in keys:
        return keys.index(wanted)
    matching = [i for i, s in enumerate(context["slots"]) if s["item"] == wanted]
    if len(matching) == 1:
        return matching[0]
    raise DraftError(f"slot 不在这份申请的材料清单里：{wanted}；可选：{'、'.join(keys)}", 400, "slot")


def collecting(context: dict | None) -> dict:
    if context is None or context.get("stage") != state.Stage.DOCUMENTS or not context.get("slots"):
        raise DraftError("这份申请现在不收材料：请先得出结果（verdict）。", 409)
    return context


def attach(context: dict, index: int, media_file_id: int) -> dict:
    """A stored file for the slot at `index`, as the chat's photo for it (bot/documents.on_photo)."""
    slot = context["slots"][index]
    try:
        document = review.attach_document(context["application_id"], slot["item"], media_file_id,
                                          member=slot.get("member"))
    except review.ReviewError as err:
        raise DraftError(err.message, 409) from None
    context["received"][str(index)] = {"document": document.id, "media": media_file_id}
    left = documents.missing(context)
    if left:
        context["current"] = left[0]
    return next(s for s in checklist(context) if s["slot"] == slot_key(slot))


def submit(chat: dict, context: dict) -> Application:
    """To review when nothing is missing (409 with `missing` otherwise), as the chat's 提交."""
    collecting(context)
    left = missing(context)
    if left:
        raise DraftError("材料还没有齐。", 409, missing=left)
    try:
        documents.submit(context)
    except review.ReviewError as err:
        raise DraftError(err.message, 409) from None
    app = Session.get(Application, context["application_id"])
    state.close(chat, context["key"])
    return app


def withdraw(chat: dict, context: dict | None, app: Application | None, openid: str) -> dict:
    """The draft closed (and its application, if one was opened, withdrawn); an application
    in review withdrawn as the resident may."""
    if app is not None:
        try:
            review.withdraw(app.id, openid)
        except review.ReviewError as err:
            raise DraftError(err.message, 409) from None
    if context is not None:
        state.close(chat, context["key"])
    return {"id": app.id if app else context["key"], "state": "withdrawn"}


def listing(chat: dict, openid: str) -> list[dict]:
    """进度: the drafts not yet assessed, then every application (review.status_for)."""
    out = []
    by_application = {}
    for context in state.contexts(chat):
        if context.get("supplement") or context.get("form") not in form_ids():
            continue
        if context.get("application_id"):
            by_application[context["application_id"]] = context["key"]
            continue
        if context.get("stage") == state.Stage.DONE:
            continue
        out.append({"id": context["key"], "application_id": None, "form": context["form"],
                    "title": context["title"], "state": "draft", "state_label": "填写中"})
    for entry in review.status_for(openid):
        out.append({"id": entry["application_id"], "application_id": entry["application_id"],
                    "draft": by_application.get(entry["application_id"]),
                    "programme": entry["programme"], "title": entry["programme_label"],
                    "state": entry["state"], "state_label": entry["state_label"],
                    "deadline": entry["deadline"].isoformat() if entry["deadline"] else None,
                    "text": entry["text"]})
    return out


# ---- who is who: the mini-program user and the Official Account follower -------------------------

# Followers whose unionid is looked up at one login, at most (each is looked up once, ever).
LEARN_PER_LOGIN = 10


def learn_unionid(api, openid: str) -> str | None:
    """A follower's unionid from cgi-bin/user/info, remembered. Also for the chat to call when
    someone follows (the lead wires it), so that logins need not look."""
    known = Session.get(FollowerUnionid, openid)
    if known is not None:
        return known.unionid
    from channels.wechat_api import WeChatError

    try:
        info = api.call("GET", "cgi-bin/user/info", params={"openid": openid, "lang": "zh_CN"})
    except WeChatError as err:
        if err.retryable:
            return None  # not now: looked up again another time
        info = {}
    unionid = info.get("unionid") or None
    Session.add(FollowerUnionid(openid=openid, unionid=unionid))
    Session.flush()
    return unionid


def link(api, user: MiniProgramUser) -> None:
    """Make a mini-program user with a unionid the same resident as the follower with it:
    followers already known, else the followers with a conversation or a resident record whose
    unionid is not known yet, newest first, a few per login."""
    if not user.unionid or user.resident_openid:
        return
    follower = Session.scalar(select(FollowerUnionid.openid).where(FollowerUnionid.unionid == user.unionid))
    if follower is None:
        known = select(FollowerUnionid.openid)
        mini = select(MiniProgramUser.mp_openid)
        candidates = list(Session.scalars(
            select(Conversation.openid).where(Conversation.openid.not_in(known), Conversation.openid.not_in(mini))
            .order_by(Conversation.updated_at.desc()).limit(LEARN_PER_LOGIN)))
        if len(candidates) < LEARN_PER_LOGIN:
            candidates += list(Session.scalars(
                select(Resident.openid).where(Resident.openid.not_in(known), Resident.openid.not_in(mini),
                                              Resident.openid.not_in(candidates))
                .order_by(Resident.id.desc()).limit(LEARN_PER_LOGIN - len(candidates))))
        for openid in candidates:
            if learn_unionid(api, openid) == user.unionid:
                follower = openid
                break
    if follower is not None:
        user.resident_openid = follower


def sign_in(api, mp_openid: str, unionid: str | None) -> MiniProgramUser:
    """The mini-program user for a jscode2session answer, linked to its follower where the
    unionid says they are one person. The caller commits."""
    user = Session.scalar(select(MiniProgramUser).where(MiniProgramUser.mp_openid == mp_openid))
    if user is None:
        user = MiniProgramUser(mp_openid=mp_openid)
        Session.add(user)
    if unionid and user.unionid != unionid:
        user.unionid, user.resident_openid = unionid, None
    user.last_login_at = utcnow()
    Session.flush()
    link(api, user)
    return user
