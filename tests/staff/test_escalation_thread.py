"""A case the resident opened is a conversation in the console: its thread shows both sides
(numbers masked as for the rest of the page), the list counts what staff have not read, a
reply from the page reaches the resident, photos open for staff, and a case the resident
placed reaches that district's staff."""
from sqlalchemy import select

import review
from models import AuditEntry, Escalation, Session
from review import escalations
from tests.review.fixtures import ID_NUMBER, PASSWORD, PHONE, make_application, make_staff, reload, store_photo, texts
from tests.staff.conftest import log_in, token

SAID = f"我的身份证号是{ID_NUMBER}，电话{PHONE}"


def _case(street: str = "中华街道", openid: str = "o-resident") -> Escalation:
    application = make_application("submitted", street=street, openid=openid)
    return review.escalate_from_chat(openid, "urgent", "家里断粮了", [{"from": "居民", "text": "家里断粮了"}],
                                     application_id=application.id)


def _resident_says(case: Escalation, *lines: str) -> None:
    for line in lines:
        escalations.add_message(case, "resident", line)
    Session.commit()


def _page(client, case) -> str:
    return client.get(f"/staff/escalations/{case.id}").get_data(as_text=True)


def test_the_thread_shows_both_sides_in_order_and_masked_for_another_street(app):
    case = _case()
    zhonghua = make_staff("zhonghua", role="caseworker", street="中华街道")
    _resident_says(case, SAID)
    escalations.add_message(case, "bot", "已转给工作人员。")
    escalations.message_resident(case, zhonghua, "您好，我是中华街道的小林，马上给您打电话。")
    _resident_says(case, "好的，谢谢")
    make_staff("luj", role="caseworker", street="鹭江街道")
    other = app.test_client()
    log_in(other, "luj")
    page = _page(other, case)
    assert ID_NUMBER not in page and PHONE not in page and "350***********1234" in page and "138****5678" in page
    order = [page.index(text) for text in ("138****5678", "公众号（自动回复）", "已转给工作人员。",
                                           "工作人员 zhonghua", "马上给您打电话", "好的，谢谢")]
    assert order == sorted(order)
    own = app.test_client()
    log_in(own, "zhonghua")
    assert SAID in _page(own, case)


def test_the_list_counts_new_messages_until_someone_opens_the_case(app, client):
    quiet = _case(street="鹭江街道", openid="o-quiet")
    case = _case()
    make_staff("lin")
    log_in(client, "lin")
    _resident_says(quiet, "还在吗")
    _resident_says(case, "孩子发烧了", "现在在医院")
    listing = client.get("/staff/escalations").get_data(as_text=True)
    assert "新消息 2" in listing and "新消息 1" in listing
    # the case the resident wrote to last comes first
    assert listing.index(f'/staff/escalations/{case.id}"') < listing.index(f'/staff/escalations/{quiet.id}"')
    page = _page(client, case)
    assert page.count(">新</span>") == 2
    listing = client.get("/staff/escalations").get_data(as_text=True)
    assert "新消息 2" not in listing and "新消息 1" in listing  # only the quiet case is unread now
    _resident_says(case, "医生说要住院")
    assert client.get("/staff/escalations").get_data(as_text=True).count("新消息 1</span>") == 2
    assert _page(client, case).count(">新</span>") == 1


def test_a_reply_from_the_page_reaches_the_resident_and_the_thread(app, client, csrf, fake_wechat, run_worker):
    case = _case()
    make_staff("zhonghua", role="caseworker", street="中华街道")
    client.post("/staff/login", data={"username": "zhonghua", "password": PASSWORD,
                                      "csrf_token": token(client.get("/staff/login").get_data(as_text=True))})
    page = _page(client, case)
    assert f'action="/staff/escalations/{case.id}/message"' in page
    reply = client.post(f"/staff/escalations/{case.id}/message",
                        data={"text": "您好，我们下午上门。", "csrf_token": token(page)})
    assert reply.status_code == 302
    run_worker()
    assert texts(fake_wechat) == ["您好，我们下午上门。"]
    page = _page(client, case)
    assert "工作人员 zhonghua" in page and "您好，我们下午上门。" in page


def test_a_photo_in_the_thread_opens_for_staff_and_the_view_is_audited(app, client):
    case = _case()
    other = _case(openid="o-other")
    photo = store_photo(app)
    line = escalations.add_message(case, "resident", "[照片]", media_file_id=photo.id)
    Session.commit()
    staff = make_staff("lin")
    log_in(client, "lin")
    link = f"/staff/escalations/{case.id}/photos/{line.id}"
    assert link in _page(client, case)
    response = client.get(link)
    assert response.status_code == 200 and response.mimetype == "image/png"
    entry = Session.scalar(select(AuditEntry).where(AuditEntry.action == "view_document"))
    assert (entry.staff_id, entry.object_type, entry.object_id) == (staff.id, "escalation", case.id)
    assert client.get(f"/staff/escalations/{other.id}/photos/{line.id}").status_code == 404


def test_a_case_the_resident_placed_reaches_that_districts_staff(app):
    case = review.escalate_from_chat("o-new", "urgent", "被赶出来了，没地方住", [])
    _resident_says(case, SAID)
    make_staff("dianqian", role="caseworker", district="湖里区", street="殿前街道")
    make_staff("city", role="admin", district="厦门市")
    huli, city = app.test_client(), app.test_client()
    log_in(huli, "dianqian")
    log_in(city, "city")
    assert f"/staff/escalations/{case.id}\"" in city.get("/staff/escalations").get_data(as_text=True)
    assert f"/staff/escalations/{case.id}\"" not in huli.get("/staff/escalations").get_data(as_text=True)
    escalations.place(reload(Escalation, case.id), "湖里区", "殿前街道")  # what the chat does with the answer
    Session.commit()
    assert f"/staff/escalations/{case.id}\"" in huli.get("/staff/escalations").get_data(as_text=True)
    page = _page(huli, case)
    assert "殿前街道" in page and SAID in page  # the caseworker of the resident's own street
    assert reload(Escalation, case.id).district == "湖里区"
