"""Signatures without a trip: the two declarations of a 低保 / 低收入 application signed on
the resident's phone (domain.md "Signatures without a trip").

Each adult member (age ≥ the checklist's adult age) signs each declaration through a link of
their own, `GET /sign/<token>`: single-use, expiring after TOKEN_TTL, stored only as a sha256.
In this release members have no WeChat account of their own, so every link goes to the
applicant's chat, named for the member who signs ("请配偶（43岁）本人签"); the applicant hands the
phone over or forwards the link. A signature is the finger-drawn image, the typed name and the
last 4 digits of the identity number, checked against what the household record holds (the
applicant's own, a member's where known), the time, and the sha256 of the exact text shown.
When every adult has signed, the signed PDF (review/declarations.py) is filed as the checklist
item's document, like a photo.

The fallback, "到街道一次签字", marks the item `sign_at_visit`: it counts as done for 提交 and
is the one trip, shown to staff on the case page. Whether a phone signature is accepted at all
is data (document_validity.yaml `electronic_signatures`); where it is not, the item is marked
for the visit straight away.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import io
import secrets
from datetime import datetime, timedelta
from pathlib import Path

from reportlab.lib.utils import ImageReader
from sqlalchemy import select

from channels import media as channel_media
from models import Application, ApplicationDocument, Member, MediaFile, Session, SigningLink, utcnow
from policy.params import cited

from . import declarations, documents, routing
from .errors import ReviewError

TOKEN_TTL = timedelta(days=7)
MAX_ATTEMPTS = 5  # wrong names or digits before a link is locked (a new one comes from the chat)
MAX_SIGNATURE_BYTES = 48 * 1024  # a drawn signature is a few KB; the request body limit is 64 KiB
ITEMS = tuple(declarations.TITLES)
AT_VISIT = "sign_at_visit"
SIGNABLE_STATES = ("draft", "need_documents")
DONE_STATES = ("received", "accepted", AT_VISIT)


class LinkGone(ReviewError):
    """A link that cannot be used: unknown (404), or used, expired, replaced, locked (410)."""

    def __init__(self, message: str, status: int = 410):
        super().__init__(message)
        self.status = status


def is_signature(item_id: str) -> bool:
    return item_id in ITEMS


def electronic_accepted(item_id: str) -> bool:
    """The acceptance rule, as data: may this item be signed on the phone?"""
    return bool(documents.validity_rules().get("electronic_signatures", {}).get(item_id, False))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def signers(app: Application) -> list[int]:
    """The members who sign: every adult (the checklist's own adult age)."""
    today = routing.local_date(utcnow())
    adult_age = cited("documents.adult_age", f"{today:%Y-%m}-01")["value"]
    members = (app.situation or {}).get("members") or [{}]
    adults = [i for i, m in enumerate(members) if (m.get("age") or 0) >= adult_age]
    return adults or [0]  # the applicant signs in any case


def _signed(application_id: int, item_id: str) -> dict[int, SigningLink]:
    rows = Session.scalars(select(SigningLink).where(
        SigningLink.application_id == application_id, SigningLink.item_id == item_id,
        SigningLink.state == "signed").order_by(SigningLink.id)).all()
    return {row.member: row for row in rows}


def progress(application_id: int, item_id: str) -> dict:
    """{"signed": [who], "waiting": [who]} for the chat."""
    app = Session.get(Application, application_id)
    done = _signed(application_id, item_id)
    who = {m: declarations.member_words(app, m) for m in signers(app)}
    return {"signed": [w for m, w in who.items() if m in done], "waiting": [w for m, w in who.items() if m not in done]}


def issue(application_id: int, item_id: str, now: datetime | None = None) -> list[dict]:
    """A fresh link for each adult who has not signed `item_id` yet (any older open link of
    theirs is revoked, so one link per person is live): [{"member", "who", "token"}]. The token
    is returned once and stored only as its hash. The caller commits."""
    app = Session.get(Application, application_id)
    if app is None or not is_signature(item_id):
        return []
    now = now or utcnow()
    done = _signed(application_id, item_id)
    out = []
    for member in signers(app):
        if member in done:
            continue
        for old in Session.scalars(select(SigningLink).where(
                SigningLink.application_id == app.id, SigningLink.item_id == item_id,
                SigningLink.member == member, SigningLink.state == "open")):
            old.state = "revoked"
        token = secrets.token_urlsafe(24)
        Session.add(SigningLink(application_id=app.id, item_id=item_id, member=member, token_hash=_hash(token),
                                expires_at=now + TOKEN_TTL))
        out.append({"member": member, "who": declarations.member_words(app, member), "token": token})
    Session.flush()
    return out


def open_link(token: str, now: datetime | None = None) -> tuple[SigningLink, Application]:
    """The link and its application, or LinkGone saying, in Chinese, why it cannot be used."""
    link = Session.scalar(select(SigningLink).where(SigningLink.token_hash == _hash(token))) \
        if token and len(token) <= 100 else None
    if link is None:
        raise LinkGone("没有找到这个签字链接。请回到微信对话里，点最新发给您的链接。", 404)
    if link.state == "signed":
        raise LinkGone("这个签字链接已经用过了，签字已经保存好，不用再签。每个链接只能用一次。")
    if link.state == "revoked":
        raise LinkGone("这个签字链接已经换成新的了。请回到微信对话里，点最新发给您的链接。")
    if link.state == "locked":
        raise LinkGone("姓名或身份证号后4位填错太多次，这个链接已经停用。请回到微信对话里回复“签字”，获取新的链接。")
    if link.expires_at < (now or utcnow()):
        raise LinkGone("这个签字链接已经过期了（有效期7天）。请回到微信对话里回复“签字”，获取新的链接。")
    app = Session.get(Application, link.application_id)
    if app is None or app.state not in SIGNABLE_STATES:
        raise LinkGone("这份申请已经提交或办结，不需要再在这里签字了。")
    return link, app


def page(token: str) -> dict:
    """What the signing page shows."""
    link, app = open_link(token)
    title, paragraphs = declarations.text(app, link.item_id)
    return {"title": title, "paragraphs": paragraphs, "who": declarations.member_words(app, link.member),
            "text_sha256": declarations.text_hash(title, paragraphs), "expires_at": link.expires_at,
            "is_applicant": link.member == 0}


def _norm(text: str | None) -> str:
    return "".join((text or "").split()).upper()


def _known_identity(app: Application, member: int) -> tuple[str | None, str | None]:
    """(name, identity number) the household record holds for the member, where known."""
    if member == 0 and app.applicant_id_number:
        return app.applicant_name, app.applicant_id_number
    if app.household_id is not None:
        row = Session.scalar(select(Member).where(Member.household_id == app.household_id,
                                                  Member.position == member))
        if row is not None and row.id_number:
            return row.name, row.id_number
    return None, None


def _decode_png(data_url: str | None) -> bytes:
    prefix = "data:image/png;base64,"
    if not data_url or not data_url.startswith(prefix):
        raise ReviewError("还没有签名：请用手指在方框里写下您的名字。")
    try:
        png = base64.b64decode(data_url[len(prefix):], validate=True)
    except (binascii.Error, ValueError):
        raise ReviewError("签名没有传上来，请清除后重新签一次。") from None
    if len(png) > MAX_SIGNATURE_BYTES:
        raise ReviewError("签名图片太大了，请清除后重新签一次。")
    if not png.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ReviewError("签名没有传上来，请清除后重新签一次。")
    try:
        ImageReader(io.BytesIO(png)).getSize()
    except Exception:  # any decoding failure of a damaged image: the same plain refusal
        raise ReviewError("签名没有传上来，请清除后重新签一次。") from None
    return png


def _store(app: Application, content: bytes, content_type: str, ext: str, uploads: Path, label: str) -> MediaFile:
    return channel_media.keep(app.openid or "", content, content_type, ext, uploads, label)


def sign(token: str, name: str, last4: str, signature: str, shown_hash: str, uploads: Path,
         now: datetime | None = None) -> dict:
    """Record one signature; once every adult has signed the item, file the signed PDF as its
    checklist document. Returns {"title", "complete", "waiting"}. A wrong name or digits raises
    ReviewError (the attempt counted: the caller commits either way)."""
    now = now or utcnow()
    link, app = open_link(token, now)
    title, paragraphs = declarations.text(app, link.item_id)
    digest = declarations.text_hash(title, paragraphs)
    if shown_hash != digest:
        raise ReviewError("申请内容刚刚有了变化，请刷新页面，看一下最新的内容再签字。")
    name = (name or "").strip()
    if not name or len(name) > 40:
        raise ReviewError("请填写签字人的姓名。")
    last4 = _norm(last4)
    if len(last4) != 4 or not (last4[:3].isdigit() and (last4[3].isdigit() or last4[3] == "X")):
        raise ReviewError("请填写身份证号的最后4位（4个数字，最后一位可能是X）。")
    png = _decode_png(signature)
    known_name, known_id = _known_identity(app, link.member)
    checked = known_id is not None
    if checked and (_norm(known_id)[-4:] != last4 or (known_name and _norm(known_name) != _norm(name))):
        link.failed_attempts += 1
        if link.failed_attempts >= MAX_ATTEMPTS:
            link.state = "locked"
            raise LinkGone("姓名或身份证号后4位填错太多次，这个链接已经停用。请回到微信对话里回复“签字”，获取新的链接。")
        raise ReviewError(f"姓名或身份证号后4位和申请里登记的不一致，请核对后再填（还可以试 "
                          f"{MAX_ATTEMPTS - link.failed_attempts} 次）。签字的应是{declarations.member_words(app, link.member)}本人。")
    image = _store(app, png, "image/png", "png", uploads, f"signature:{link.id}")
    link.state, link.signed_at, link.signer_name, link.checked = "signed", now, name, checked
    link.text_sha256, link.signature_media_id = digest, image.id
    Session.flush()
    result = {"title": title, "complete": False, "waiting": progress(app.id, link.item_id)["waiting"]}
    if not result["waiting"]:
        _file(app, link.item_id, title, paragraphs, uploads)
        result["complete"] = True
    return result


def _file(app: Application, item_id: str, title: str, paragraphs: list[str], uploads: Path) -> ApplicationDocument:
    """Every adult has signed: the signed PDF becomes the item's document."""
    signed = []
    for member, link in sorted(_signed(app.id, item_id).items()):
        image = Session.get(MediaFile, link.signature_media_id)
        signed.append({"who": declarations.member_words(app, member), "name": link.signer_name,
                       "signed_at": link.signed_at, "text_sha256": link.text_sha256, "checked": link.checked,
                       "png": (uploads / image.path).read_bytes()})
    content = declarations.pdf(title, paragraphs, signed)
    media = _store(app, content, "application/pdf", "pdf", uploads, f"signed:{app.id}:{item_id}")
    document = documents.attach_document(app.id, item_id, media.id)
    # The whole hash is in the PDF and on each SigningLink; its start is enough to compare by eye.
    document.note = f"已在手机上签字（{len(signed)}人），所签文本 SHA-256 {signed[0]['text_sha256'][:16]}…"
    return document


def at_visit(application_id: int, item_id: str) -> ApplicationDocument:
    """The resident will sign this paper at the street office during the one visit: the item
    counts as done for 提交, and staff see it on the case page. The caller commits."""
    app = Session.get(Application, application_id)
    if app is None or app.state != "draft" or not is_signature(item_id):
        raise ReviewError("这份材料现在不能改成到街道签字。")
    document = Session.scalar(select(ApplicationDocument).where(
        ApplicationDocument.application_id == app.id, ApplicationDocument.item_id == item_id,
        ApplicationDocument.member.is_(None)))
    if document is not None and document.state in ("received", "accepted"):
        return document  # already signed on the phone (or a photo of the signed paper)
    if document is None:
        document = ApplicationDocument(application_id=app.id, item_id=item_id, member=None)
        Session.add(document)
    document.state, document.media_file_id = AT_VISIT, None
    document.note = "居民选择到街道（镇）当面签字：这是唯一需要跑的一趟，请在办理时准备好纸质表格"
    Session.flush()
    return document


def filed(application_id: int) -> dict[str, ApplicationDocument]:
    """The signature items already done: {item_id: document} (signed, a photo, or at the visit)."""
    rows = Session.scalars(select(ApplicationDocument).where(
        ApplicationDocument.application_id == application_id, ApplicationDocument.item_id.in_(ITEMS),
        ApplicationDocument.member.is_(None), ApplicationDocument.state.in_(DONE_STATES))).all()
    return {row.item_id: row for row in rows}


def at_visit_items(application_id: int) -> list[str]:
    return [item for item, row in filed(application_id).items() if row.state == AT_VISIT]
