"""The two declarations signed on the phone: pre-filled from the answers, one single-use
expiring link per adult, name and last 4 ID digits checked, the signed PDF filed as the
checklist item's document; the street-office fallback counts as the one trip."""
import base64
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from models import Application, ApplicationDocument, MediaFile, Session, SigningLink, utcnow
from review import declarations, signing
from review.errors import ReviewError
from tests.review.fixtures import ID_NUMBER, make_application
from webhook.demo import placeholder_png

SIGNATURE = "data:image/png;base64," + base64.b64encode(placeholder_png(300, 110, (20, 20, 20))).decode()
SIGNED_ITEMS = [{"id": "id_card", "title": "身份证", "count": 1, "members": [0]},
                {"id": "property_declaration", "title": "家庭财产申报表（签字）", "count": 1},
                {"id": "econ_check_authorisation", "title": "家庭经济状况核对授权书（签字）", "count": 1}]
FAMILY = {"hukou_xiamen": True, "financial_assets": 12000, "owns_vehicle": False,
          "members": [{"age": 40, "sex": "female", "employed": True, "monthly_income": 1800},
                      {"age": 10, "sex": "male", "student_stage": "primary"}]}


def uploads(app) -> Path:
    return Path(app.config["APP_VAR_DIR"]) / "uploads"


def draft(**values) -> Application:
    answers = {"hukou_xiamen": True, "members": [{}, {"relation": values.pop("relation", "child")}]}
    return make_application("draft", checklist=SIGNED_ITEMS, situation=values.pop("situation", FAMILY),
                            answers=answers, **values)


def shown_hash(token: str) -> str:
    return signing.page(token)["text_sha256"]


def test_the_declaration_is_prefilled_from_the_answers_and_its_pdf_carries_the_hash(app):
    app = draft()
    title, paragraphs = declarations.text(app, "property_declaration")
    text = "\n".join(paragraphs)
    assert title == "家庭财产申报表"
    assert "申请人陈小明（40岁）" in text and "每月收入 1,800 元" in text and "子女（10岁）" in text
    assert "12,000 元" in text and "机动车辆：没有" in text
    _, authorisation = declarations.text(app, "econ_check_authorisation")
    assert "厦府办规〔2020〕11号" in "".join(authorisation)
    digest = declarations.text_hash(title, paragraphs)
    pdf = declarations.pdf(title, paragraphs, [{"who": "申请人陈小明（40岁）", "name": "陈小明",
                                                "signed_at": utcnow(), "text_sha256": digest, "checked": True,
                                                "png": placeholder_png()}])
    assert pdf.startswith(b"%PDF") and digest.encode() in pdf


def test_one_adult_signs_both_papers_and_each_is_filed_as_a_pdf(app):
    application = draft()
    for item in ("property_declaration", "econ_check_authorisation"):
        (link,) = signing.issue(application.id, item)  # the child does not sign
        assert link["member"] == 0
        done = signing.sign(link["token"], "陈小明", ID_NUMBER[-4:], SIGNATURE, shown_hash(link["token"]),
                            uploads(app))
        Session.commit()
        assert done["complete"] and not done["waiting"]
    filed = signing.filed(application.id)
    assert set(filed) == {"property_declaration", "econ_check_authorisation"}
    document = filed["property_declaration"]
    media = Session.get(MediaFile, document.media_file_id)
    content = (uploads(app) / media.path).read_bytes()
    row = Session.scalar(select(SigningLink).where(SigningLink.item_id == "property_declaration"))
    assert media.content_type == "application/pdf" and content.startswith(b"%PDF")
    assert row.state == "signed" and row.signer_name == "陈小明" and row.checked
    assert row.text_sha256.encode() in content and row.text_sha256[:16] in document.note


def test_a_used_an_expired_and_a_replaced_link_are_refused(app):
    application = draft()
    (used,) = signing.issue(application.id, "property_declaration")
    signing.sign(used["token"], "陈小明", "1234", SIGNATURE, shown_hash(used["token"]), uploads(app))
    Session.commit()
    with pytest.raises(signing.LinkGone, match="已经用过了") as gone:
        signing.page(used["token"])
    assert gone.value.status == 410

    (old,) = signing.issue(application.id, "econ_check_authorisation")
    (new,) = signing.issue(application.id, "econ_check_authorisation")
    with pytest.raises(signing.LinkGone, match="换成新的"):
        signing.page(old["token"])
    Session.scalar(select(SigningLink).where(SigningLink.state == "open")).expires_at = utcnow() - timedelta(seconds=1)
    Session.commit()
    with pytest.raises(signing.LinkGone, match="过期"):
        signing.page(new["token"])
    with pytest.raises(signing.LinkGone) as unknown:
        signing.page("no-such-token")
    assert unknown.value.status == 404


def test_a_wrong_name_or_wrong_digits_are_refused_and_nothing_is_filed(app):
    application = draft()
    (link,) = signing.issue(application.id, "property_declaration")
    digest = shown_hash(link["token"])
    with pytest.raises(ReviewError, match="不一致"):
        signing.sign(link["token"], "陈小明", "9999", SIGNATURE, digest, uploads(app))
    with pytest.raises(ReviewError, match="不一致"):
        signing.sign(link["token"], "王五", "1234", SIGNATURE, digest, uploads(app))
    with pytest.raises(ReviewError, match="最后4位"):
        signing.sign(link["token"], "陈小明", "12", SIGNATURE, digest, uploads(app))
    with pytest.raises(ReviewError, match="还没有签名"):
        signing.sign(link["token"], "陈小明", "1234", "", digest, uploads(app))
    with pytest.raises(ReviewError, match="刷新页面"):
        signing.sign(link["token"], "陈小明", "1234", SIGNATURE, "0" * 64, uploads(app))
    Session.commit()
    assert signing.filed(application.id) == {}
    for _ in range(signing.MAX_ATTEMPTS - 2):
        with pytest.raises(ReviewError):
            signing.sign(link["token"], "陈小明", "0000", SIGNATURE, digest, uploads(app))
    with pytest.raises(signing.LinkGone, match="停用"):
        signing.page(link["token"])


def test_every_adult_signs_before_the_paper_is_filed(app):
    couple = dict(FAMILY, members=[FAMILY["members"][0], {"age": 42, "sex": "male", "monthly_income": 0}])
    application = draft(situation=couple, relation="spouse")
    links = signing.issue(application.id, "property_declaration")
    assert [link["member"] for link in links] == [0, 1]
    first = signing.sign(links[0]["token"], "陈小明", "1234", SIGNATURE, shown_hash(links[0]["token"]), uploads(app))
    assert not first["complete"] and first["waiting"] == ["配偶（42岁）"]
    assert signing.filed(application.id) == {}
    # The spouse's identity number was never given: what they type is recorded, not checked.
    second = signing.sign(links[1]["token"], "李大明", "5678", SIGNATURE, shown_hash(links[1]["token"]), uploads(app))
    Session.commit()
    assert second["complete"]
    content = (uploads(app) / Session.get(MediaFile, signing.filed(application.id)["property_declaration"]
                                         .media_file_id).path).read_bytes()
    assert content.count(b"text-sha256:") >= 1


def test_signing_at_the_street_office_counts_and_staff_see_it(app):
    application = draft()
    signing.at_visit(application.id, "property_declaration")
    Session.commit()
    assert signing.at_visit_items(application.id) == ["property_declaration"]
    row = Session.scalar(select(ApplicationDocument).where(ApplicationDocument.item_id == "property_declaration"))
    assert row.state == "sign_at_visit" and "唯一" in row.note


def test_the_signing_page_and_its_refusals_over_http(app, client):
    application = draft()
    (link,) = signing.issue(application.id, "property_declaration")
    Session.commit()
    page = client.get(f"/sign/{link['token']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "家庭财产申报表" in html and "每月收入 1,800 元" in html
    assert "<script src=\"/static/sign.js\"" in html and "<script>" not in html
    assert page.headers["Cache-Control"] == "private, no-store"
    digest = re.search(r'name="text_sha256" value="([0-9a-f]{64})"', html).group(1)

    wrong = client.post(f"/sign/{link['token']}", data={"name": "陈小明", "id_last4": "0000",
                                                         "signature": SIGNATURE, "text_sha256": digest})
    assert wrong.status_code == 400 and "不一致" in wrong.get_data(as_text=True)
    done = client.post(f"/sign/{link['token']}", data={"name": "陈小明", "id_last4": "1234",
                                                        "signature": SIGNATURE, "text_sha256": digest})
    assert done.status_code == 200 and "签好了" in done.get_data(as_text=True)
    again = client.get(f"/sign/{link['token']}")
    assert again.status_code == 410 and "已经用过了" in again.get_data(as_text=True)
    resend = client.post(f"/sign/{link['token']}", data={"name": "陈小明", "id_last4": "1234",
                                                          "signature": SIGNATURE, "text_sha256": digest})
    assert resend.status_code == 410
    unknown = client.get("/sign/not-a-real-token")
    assert unknown.status_code == 404 and "没有找到这个签字链接" in unknown.get_data(as_text=True)
    assert Session.scalar(select(Application).where(Application.id == application.id)).state == "draft"
