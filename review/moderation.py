"""Content security for the mini-program (WeChat requires it of mini-programs that take user
content): free text residents write for others to read passes msgSecCheck before it is filed,
uploaded images pass mediaCheckAsync. WeChat's "risky" or "review", or no answer at all (an
outage), holds the item for staff: it is kept, not shown or passed on, until a member of
staff releases or rejects it on the console page (audited). Nothing flagged is thrown away.

- Text: the free-text answers of a form (type text without a pattern: a clue's description, a
  business, skills, names and addresses), checked together when the resident asks for the
  verdict. A held clue is filed when staff release it; a held application draft waits, and
  its next verdict goes ahead once released (409 once rejected, naming the field to change).
- Images: queued for a job (tasks/moderation.py) that gives WeChat a short-lived signed URL of
  the stored file; the verdict comes at once (the fake) or later as a wxa_media_check event
  (`media_result`). A held image's file is marked "held" so the console does not open it; a
  check with no verdict after CHECK_TIMEOUT is held too.

The edge commits (the HTTP handler or the job); this module adds and changes rows.
"""
from __future__ import annotations

import hashlib
import json
import logging
from datetime import timedelta

from sqlalchemy import Select, select

import forms
from itsdangerous import BadData, URLSafeTimedSerializer

from channels import media as media_files
from channels.wechat_api import WeChatAPI, WeChatError
from models import MediaFile, Session, StaffUser, utcnow
from models.moderation import ContentCheck

from . import access, audit, intake, privacy
from .errors import InvalidTransition

log = logging.getLogger(__name__)

SCENE = 1  # msgSecCheck / mediaCheckAsync v2 scene 1: 资料 (what a user fills in)
IMAGE = 2  # mediaCheckAsync media_type: image
CLUE_FORM = "xiansuo"
CHECK_JOB = "tasks.moderation.check_media"
ON_FAILURE = "tasks.moderation.on_failure"
# A media check WeChat never answered is held for staff after this long.
CHECK_TIMEOUT = timedelta(minutes=30)

STATES = {"checking": "检查中", "cleared": "已通过", "held": "待阅读", "released": "已放行", "rejected": "已驳回"}
SUGGESTS = {"risky": "微信内容安全检查认为有风险", "review": "微信内容安全检查建议人工复核",
            "unavailable": "检查时连不上微信，先由工作人员阅读"}
FIELD_LABELS = {"what": "困难情况", "subject_name": "称呼", "address": "地址", "reporter_name": "您的称呼",
                "reporter_org": "所在组织", "business": "生意情况", "skills": "技能", "desired_work": "想找的工作",
                "name": "姓名", "street": "街道"}

HELD_TEXT = {
    "clue": "谢谢您的报告！为了安全，您写的内容要先由工作人员阅读，确认后再交给负责核实的同事，不需要重新提交。",
    "form": "您填写的文字要先由工作人员阅读（一般在一个工作日内）。阅读通过后，请再点一次“查看结果”继续办理，"
            "已经填好的内容不用重新填。",
}
REJECTED_TEXT = "工作人员阅读后，认为您在“{label}”里写的内容不适合提交，请修改这一项后再试。"
HELD_IMAGE = "这张图片要先由工作人员查看，查看通过后才会用于审核；如果不合适，工作人员会请您重新上传。"


# ---- text ------------------------------------------------------------------------------------

def _name(path: tuple) -> str:
    return f"{path[0]}[{path[1]}].{path[2]}" if len(path) == 3 else str(path[0])


def free_text(form_id: str, answers: dict) -> dict[str, str]:
    """{field: text} of the answers a person wrote in their own words."""
    form = forms.get(form_id)
    return {_name(q.path): q.value for q in forms.applicable(form, answers)
            if q.answered and q.field.type == "text" and not q.field.pattern
            and isinstance(q.value, str) and q.value.strip()}


def _digest(form_id: str, texts: dict) -> str:
    return hashlib.sha256(json.dumps([form_id, texts], ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def screen_text(api: WeChatAPI, *, openid: str, mp_openid: str, form_id: str, answers: dict) -> ContentCheck | None:
    """None when the text may be filed (it passed, or staff released these very words);
    else the hold, new or the one already made for these words."""
    texts = free_text(form_id, answers)
    if not texts:
        return None
    digest = _digest(form_id, texts)
    earlier = Session.scalar(select(ContentCheck).where(
        ContentCheck.openid == openid, ContentCheck.kind == "text", ContentCheck.digest == digest)
        .order_by(ContentCheck.id.desc()).limit(1))
    if earlier is not None:
        return None if earlier.state == "released" else earlier
    try:
        suggest = api.msg_sec_check(mp_openid, "\n".join(texts.values()), SCENE)
    except WeChatError as err:  # fail closed, to staff: the text is kept and read first
        log.warning("msgSecCheck unavailable (%s): held for staff", err.errcode)
        suggest = "unavailable"
    if suggest == "pass":
        return None
    check = ContentCheck(kind="text", openid=openid, mp_openid=mp_openid, form_id=form_id,
                         district=answers.get("district"), digest=digest, state="held", suggest=suggest,
                         content={"texts": texts, "answers": answers if form_id == CLUE_FORM else None},
                         checked_at=utcnow())
    Session.add(check)
    Session.flush()
    return check


def closes_draft(check: ContentCheck) -> bool:
    """A held clue leaves the resident's hands (it is filed on release); a held application
    draft stays theirs to carry on with."""
    return check.form_id == CLUE_FORM and check.state == "held"


def notice(check: ContentCheck) -> tuple[dict, int]:
    """What the API answers for a held or rejected text: (body, status)."""
    texts = (check.content or {}).get("texts") or {}
    if check.state == "rejected":
        field = next(iter(texts), None)
        label = FIELD_LABELS.get((field or "").split(".")[-1], field or "文字")
        return {"error": REJECTED_TEXT.format(label=label), "field": field, "check": check.id}, 409
    kind = "clue" if check.form_id == CLUE_FORM else "form"
    return {"held": True, "check": check.id, "state": "held", "message": HELD_TEXT[kind]}, 202


# ---- images ------------------------------------------------------------------------------------

def start_media_check(media: MediaFile, *, openid: str, mp_openid: str, application_id: int | None,
                      item_id: str | None, district: str | None) -> ContentCheck | None:
    """A check row for an uploaded image (PDFs are not images: WeChat checks pictures only);
    the caller commits, then `queue` it."""
    if not (media.content_type or "").startswith("image/"):
        return None
    check = ContentCheck(kind="image", openid=openid, mp_openid=mp_openid, application_id=application_id,
                         media_file_id=media.id, item_id=item_id, district=district, state="checking")
    Session.add(check)
    Session.flush()
    return check


def queue(check_id: int) -> None:
    from rq import Callback

    from models.queues import enqueue

    enqueue(CHECK_JOB, check_id, job_id=f"media-check-{check_id}", on_failure=Callback(ON_FAILURE))


def check_media(check_id: int, api: WeChatAPI, media_url) -> ContentCheck | None:
    """Ask WeChat about one image. `media_url(check)` is where WeChat fetches it. A retryable
    error propagates (RQ retries; `unavailable` holds it after the last try); a refusal holds
    it at once."""
    check = Session.get(ContentCheck, check_id)
    if check is None or check.state != "checking" or check.trace_id:
        return check
    try:
        answer = api.media_check_async(check.mp_openid, media_url(check), SCENE, IMAGE)
    except WeChatError as err:
        if err.retryable:
            raise
        log.warning("mediaCheckAsync refused (%s): held for staff", err.errcode)
        return settle(check, "unavailable", None)
    check.trace_id = str(answer.get("trace_id") or "")[:64] or None
    result = answer.get("result")
    if isinstance(result, dict):  # answered at once (the fake does): no event will follow
        return settle(check, result.get("suggest"), result.get("label"))
    return check


def media_result(trace_id: str, suggest: str | None, label) -> ContentCheck | None:
    """WeChat's wxa_media_check event: the verdict for the check with this trace_id."""
    check = Session.scalar(select(ContentCheck).where(ContentCheck.trace_id == trace_id))
    if check is None:
        return None
    return settle(check, suggest, label)


def unavailable(check_id: int) -> ContentCheck | None:
    """WeChat could not be asked (retries spent): staff look at it instead."""
    check = Session.get(ContentCheck, check_id)
    return settle(check, "unavailable", None) if check is not None else None


def hold_overdue(now=None) -> int:
    """Checks WeChat never answered (no event came) are held for staff."""
    cutoff = (now or utcnow()) - CHECK_TIMEOUT
    overdue = Session.scalars(select(ContentCheck).where(
        ContentCheck.state == "checking", ContentCheck.created_at < cutoff)).all()
    for check in overdue:
        settle(check, "unavailable", None)
    return len(overdue)


def settle(check: ContentCheck, suggest: str | None, label) -> ContentCheck:
    """A verdict for a check still waiting for one; a repeated event changes nothing."""
    if check.state != "checking":
        return check
    if suggest not in ("pass", "risky", "review", "unavailable"):
        suggest = "unavailable" if suggest is None else "review"  # a verdict we do not know: staff read it
    check.suggest, check.checked_at = suggest, utcnow()
    check.label = label if isinstance(label, int) and not isinstance(label, bool) else None
    if suggest == "pass":
        check.state = "cleared"
        return check
    check.state = "held"
    media = Session.get(MediaFile, check.media_file_id) if check.media_file_id else None
    if media is not None and media.state == "stored":
        media.state = "held"  # channels.media.stored_file serves "stored" files only
    return check


# WeChat fetches the image from us: a signed link to one check's file, good for a day and only
# while the check waits (an ID card is not left on a public URL). The checksum in the path is
# what the fake server flags by.
MEDIA_PATH = "api/wxa-media"
MEDIA_LINK_AGE_S = 86400


def _signer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="wxa-media-check")


def media_url(check: ContentCheck, base_url: str, secret: str) -> str:
    media = Session.get(MediaFile, check.media_file_id)
    return f"{base_url.rstrip('/')}/{MEDIA_PATH}/{media.sha256}/{_signer(secret).dumps(check.id)}"


def media_for_link(digest: str, token: str, secret: str, uploads) -> tuple | None:
    """(path, content type) of the image a link names, while its check waits; else None."""
    try:
        check_id = _signer(secret).loads(token, max_age=MEDIA_LINK_AGE_S)
    except BadData:
        return None
    check = Session.get(ContentCheck, check_id) if isinstance(check_id, int) else None
    if check is None or check.kind != "image" or check.state != "checking":
        return None
    media = Session.get(MediaFile, check.media_file_id)
    if media is None or media.sha256 != digest or media.state != "stored":
        return None
    return media_files.file_of(media, uploads)


# ---- what the resident sees ------------------------------------------------------------------

def open_for(openid: str, application_id: int | None) -> list[dict]:
    """Held images of one of the resident's applications, in plain words."""
    if application_id is None:
        return []
    rows = Session.scalars(select(ContentCheck).where(
        ContentCheck.openid == openid, ContentCheck.application_id == application_id,
        ContentCheck.state.in_(("held", "rejected"))).order_by(ContentCheck.id)).all()
    return [{"kind": row.kind, "item": row.item_id, "state": row.state,
             "message": HELD_IMAGE if row.state == "held" else "这张图片没有通过工作人员的查看，请重新上传这一项。"}
            for row in rows]


# ---- staff: the held items, release and reject ---------------------------------------------

def scoped(staff: StaffUser) -> Select:
    """Checks staff may see: their district's (admins: the city's, and those with no district)."""
    stmt = select(ContentCheck)
    return stmt if access.city_wide(staff) else stmt.where(ContentCheck.district == staff.district)


def held(staff: StaffUser, limit: int = 200) -> list[dict]:
    """The held items, oldest first, as the page shows them (numbers masked as the viewer may
    see them). Audited as one view."""
    access.require(staff, "casework")
    rows = Session.scalars(scoped(staff).where(ContentCheck.state == "held")
                           .order_by(ContentCheck.id).limit(limit)).all()
    audit.record(staff, "view_held", "content_check", None, None if access.city_wide(staff) else staff.district,
                 count=len(rows))
    out = []
    for row in rows:
        whole = access.sees_pii(staff, row.district, None)
        texts = (row.content or {}).get("texts") or {}
        out.append({"id": row.id, "kind": row.kind, "district": row.district,
                    "form": forms.get(row.form_id).title if row.form_id else None,
                    "application_id": row.application_id, "item": row.item_id, "created_at": row.created_at,
                    "why": SUGGESTS.get(row.suggest, row.suggest or ""),
                    "texts": [(FIELD_LABELS.get(name.split(".")[-1], name), privacy.shown(text, whole))
                              for name, text in texts.items()]})
    return out


def _decidable(staff: StaffUser, check: ContentCheck) -> None:
    access.require(staff, "casework")
    if check.state != "held":
        raise InvalidTransition("这一项已经处理过了。")


def release(staff: StaffUser, check: ContentCheck) -> ContentCheck:
    """The item goes on as if WeChat had passed it: a clue is filed, an image opens again, a
    draft's next verdict goes ahead."""
    _decide(staff, check, "released", "release_held", media_state="stored")
    answers = (check.content or {}).get("answers")
    if check.form_id == CLUE_FORM and answers:
        check.clue_id = intake.report_clue(check.openid, answers).id  # the handler commits both
    return check


def reject(staff: StaffUser, check: ContentCheck) -> ContentCheck:
    """The item stays out: an image's file is refused, a draft's verdict asks for new words."""
    _decide(staff, check, "rejected", "reject_held", media_state="rejected", reason="内容未通过工作人员查看")
    return check


def _decide(staff: StaffUser, check: ContentCheck, state: str, action: str, *, media_state: str,
            reason: str | None = None) -> None:
    _decidable(staff, check)
    check.state, check.decided_by, check.decided_at = state, staff.id, utcnow()
    audit.record(staff, action, "content_check", check.id, check.district, kind=check.kind)
    media = Session.get(MediaFile, check.media_file_id) if check.media_file_id is not None else None
    if media is not None and media.state == "held":
        media.state = media_state
        if reason:
            media.reason = reason


def image_for(staff: StaffUser, check: ContentCheck, uploads) -> tuple | None:
    """(path, content type) of a held image for staff to look at, audited; None otherwise."""
    access.require(staff, "casework")
    if check.kind != "image" or check.media_file_id is None:
        return None
    media = Session.get(MediaFile, check.media_file_id)
    if media is None or media.state not in ("held", "stored"):
        return None
    found = media_files.file_of(media, uploads)
    if found is not None:
        audit.record(staff, "view_document", "content_check", check.id, check.district)
    return found

