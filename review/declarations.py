"""The two papers a 低保 / 低收入 application is signed with, pre-filled from its answers: the
family property declaration (家庭财产申报表) and the authorisation to check the family's economic
situation (家庭经济状况核对授权书, 厦府办规〔2020〕11号).

`text()` is the exact text a signer reads on the signing page; `text_hash()` its sha256, kept
with each signature and printed in the signed PDF. `pdf()` lays the text and the signatures out
on A4 with reportlab's built-in CID font STSong-Light, so Chinese needs no font file anywhere.
"""
from __future__ import annotations

import hashlib
import io
from datetime import timezone

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from models import Application

from . import labels
from .routing import CST

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

TITLES = {
    "property_declaration": "家庭财产申报表",
    "econ_check_authorisation": "家庭经济状况核对授权书",
}
RELATIONS = {"spouse": "配偶", "child": "子女", "parent": "父母", "sibling": "兄弟姐妹",
             "grandchild": "孙子女", "other": "其他家庭成员"}
STAGES = {"preschool": "学前教育", "primary": "小学", "junior": "初中", "senior": "高中",
          "vocational": "中职", "university": "大学"}


def money(value) -> str:
    amount = round(float(value or 0), 2)
    return f"{amount:,.0f}" if amount == int(amount) else f"{amount:,.2f}"


def member_words(app: Application, position: int) -> str:
    """"申请人本人" / "配偶（43岁）": how the papers name a member (names are known only for
    the applicant)."""
    members = (app.situation or {}).get("members") or []
    answered = (app.answers or {}).get("members") or []
    age = members[position].get("age") if position < len(members) else None
    if position == 0:
        who = f"申请人{app.applicant_name}" if app.applicant_name else "申请人本人"
    else:
        relation = (answered[position] or {}).get("relation") if position < len(answered) else None
        who = RELATIONS.get(relation, f"第{position + 1}位家庭成员")
    return f"{who}（{age}岁）" if age is not None else who


def _member_line(app: Application, position: int, member: dict) -> str:
    parts = [member_words(app, position)]
    if member.get("student_stage"):
        parts.append(f"在读（{STAGES.get(member['student_stage'], member['student_stage'])}）")
    parts.append("有工作" if member.get("employed") else "没有工作")
    parts.append(f"每月收入 {money(member.get('monthly_income'))} 元")
    if member.get("disability"):
        parts.append("持有残疾人证")
    return f"{position + 1}. " + "，".join(parts)


def text(app: Application, item_id: str) -> tuple[str, list[str]]:
    """(title, paragraphs): what the signer reads and signs, from the application's answers."""
    situation = app.situation or {}
    members = situation.get("members") or []
    head = [f"申请编号：{app.id}　申请事项：{labels.programme(app.programme)}",
            f"申请人：{app.applicant_name or '（未填写）'}　所在地：{app.district}{app.street or ''}"]
    family = [_member_line(app, i, m) for i, m in enumerate(members)]
    if item_id == "property_declaration":
        return TITLES[item_id], head + [
            f"一、共同生活的家庭成员及收入（共 {len(members)} 人）", *family,
            "二、家庭财产",
            f"银行存款、现金、理财、股票等金融资产合计：{money(situation.get('financial_assets'))} 元",
            f"机动车辆：{'有' if situation.get('owns_vehicle') else '没有'}",
            f"赡养费、抚养费等每月收到：{money(situation.get('monthly_support_received'))} 元",
            f"近12个月自付医疗费 {money(situation.get('annual_medical_expense'))} 元，"
            f"自付教育费 {money(situation.get('annual_education_expense'))} 元",
            "三、申报人承诺",
            "以上内容是本人根据家庭的实际情况如实填报的，真实、完整，没有隐瞒。本人知道：隐瞒或者虚报"
            "家庭人口、收入和财产的，将被取消救助资格，已经领取的救助金要退回，并依法承担相应责任。"
            "家庭收入或财产发生变化时，本人会及时告诉街道（镇）。",
        ]
    if item_id == "econ_check_authorisation":
        return TITLES[item_id], head + [
            "致厦门市民政部门及其委托的居民家庭经济状况核对机构：",
            f"本人因申请{labels.programme(app.programme)}，依照《厦门市人民政府办公厅关于印发居民家庭"
            "经济状况核对办法的通知》（厦府办规〔2020〕11号）的规定，同意并授权你们向公安、人力资源和"
            "社会保障、住房、自然资源（不动产登记）、市场监管、税务、住房公积金等部门和银行、证券、保险等"
            "机构，查询、核对本人及下列共同生活家庭成员的户籍、收入、存款、有价证券、车辆、房产、"
            "社会保险、公积金等家庭经济状况信息：",
            *family,
            "本授权用于这次申请的审核确认，以及享受救助期间的定期核查。核对得到的信息只用于社会救助，"
            "依法保密，不会用于其他用途。",
        ]
    raise ValueError(f"not a signed declaration: {item_id}")


def text_hash(title: str, paragraphs: list[str]) -> str:
    """sha256 of the exact text signed: the title and each paragraph, one per line, UTF-8."""
    return hashlib.sha256("\n".join([title, *paragraphs]).encode("utf-8")).hexdigest()


def _wrap(line: str, size: float, width: float) -> list[str]:
    rows, current = [], ""
    for char in line:
        if pdfmetrics.stringWidth(current + char, FONT, size) > width:
            rows.append(current)
            current = char
        else:
            current += char
    return rows + [current]


def pdf(title: str, paragraphs: list[str], signatures: list[dict]) -> bytes:
    """The signed paper. `signatures`: {"who", "name", "signed_at" (naive UTC), "png",
    "text_sha256", "checked"} per signer. The text's hash is printed under each signature and
    kept in the PDF's keywords, where a program finds it without rendering the page."""
    digest = text_hash(title, paragraphs)
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A4, invariant=True)
    page.setTitle(title)
    page.setAuthor("一趟 yitang")
    page.setSubject(f"text-sha256:{digest}")
    page.setKeywords(f"text-sha256:{digest}")
    width, height = A4
    left, right, bottom = 20 * mm, width - 20 * mm, 20 * mm
    y = height - 25 * mm

    def room(needed: float) -> None:
        nonlocal y
        if y - needed < bottom:
            page.showPage()
            y = height - 20 * mm

    page.setFont(FONT, 18)
    page.drawCentredString(width / 2, y, title)
    y -= 12 * mm
    for paragraph in paragraphs:
        for row in _wrap(paragraph, 11, right - left):
            room(7 * mm)
            page.setFont(FONT, 11)
            page.drawString(left, y, row)
            y -= 6.5 * mm
        y -= 1.5 * mm
    y -= 4 * mm
    for signed in signatures:
        room(42 * mm)
        page.setFont(FONT, 11)
        page.drawString(left, y, f"签字人：{signed['who']}　姓名：{signed['name']}")
        y -= 4 * mm
        page.drawImage(ImageReader(io.BytesIO(signed["png"])), left, y - 22 * mm, width=70 * mm, height=22 * mm,
                       preserveAspectRatio=True, anchor="sw", mask="auto")
        y -= 27 * mm
        moment = signed["signed_at"].replace(tzinfo=timezone.utc).astimezone(CST)
        page.setFont(FONT, 9)
        page.drawString(left, y, f"签字时间：{moment:%Y-%m-%d %H:%M:%S}（北京时间），在手机上签字"
                        + ("，姓名和身份证号后4位已核对" if signed.get("checked") else "，姓名和身份证号后4位由本人填写"))
        y -= 5 * mm
        page.drawString(left, y, f"所签文本的 SHA-256：{signed['text_sha256']}")
        y -= 9 * mm
    page.showPage()
    page.save()
    return out.getvalue()
