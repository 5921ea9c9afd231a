"""An approval in one programme checks the others for the same household."""
from __future__ import annotations

from sqlalchemy import func, select

from discovery.programmes import household_programmes
from models import Application, Household, Member, Session, pii
from models.registry import AutoCase, DiscoveryItem
from review import lifecycle
from tasks import discovery as jobs
from tests.review.fixtures import make_application, make_staff

from .registry_files import guardian, student

SITUATION = {"hukou_xiamen": True, "members": [
    {"age": 40, "sex": "female", "monthly_income": 0},
    {"age": 14, "sex": "male", "student_stage": "junior", "boarding": True}]}


def family() -> Household:
    home = Household(district="思明区", street="鹭江街道")
    home.members = [
        Member(position=0, relation="本人", name="陈小明", id_number=guardian(1),
               id_number_index=pii.blind_index(guardian(1)), birth_year=1980),
        Member(position=1, relation="子女", name="陈小华", id_number=student(1),
               id_number_index=pii.blind_index(student(1)), birth_year=2012)]
    Session.add(home)
    Session.commit()
    return home


def approved(programme: str, situation: dict = SITUATION) -> Application:
    """An application of `programme` approved by a reviewer after its 公示, then the job the
    approve handler queues run as the worker runs it."""
    home = family()
    reviewer = make_staff()
    app = make_application(state="publicity", days_ago=12, programme=programme, household_id=home.id,
                           situation=situation)
    figure = app.verdict["programmes"][programme]["monthly_support" if programme == "tekun" else "monthly_benefit"]
    lifecycle.approve(app.id, reviewer, str(figure))
    Session.commit()
    jobs.after_decision(app.id)
    return app


def test_approving_dibao_opens_the_education_aid_case_of_the_student(app):
    dibao = approved("dibao")
    case = Session.scalar(select(AutoCase))
    assert case is not None and case.trigger == "linked"
    assert case.person_key == pii.blind_index(student(1))
    jiaoyu = Session.get(Application, case.application_id)
    assert (jiaoyu.programme, jiaoyu.state, jiaoyu.district) == ("jiaoyu", "submitted", "思明区")
    assert f"编号{dibao.id}" in jiaoyu.transitions[0].reason
    assert jiaoyu.openid == dibao.openid is None or jiaoyu.household_id == dibao.household_id
    # 低保 people are medical-assistance people too (二㈢).
    assert Session.scalar(select(DiscoveryItem.programme)) == "yiliao"

    jobs.after_decision(dibao.id)  # run twice (a retried job): nothing opened twice
    assert Session.scalar(select(func.count(AutoCase.id))) == 1
    assert Session.scalar(select(func.count(DiscoveryItem.id))) == 1


def test_approving_tekun_opens_the_medical_assistance_flag(app):
    tekun = approved("tekun", {"hukou_xiamen": True, "members": [{"age": 75, "sex": "male"}]})
    items = Session.scalars(select(DiscoveryItem)).all()
    assert [(i.kind, i.programme, i.source_application_id) for i in items] == [("linked", "yiliao", tekun.id)]
    assert "特困人员" in items[0].reason and "医疗救助" in items[0].reason
    assert Session.scalar(select(func.count(AutoCase.id))) == 0  # nobody at school


def test_a_dangerous_house_adds_the_housing_renovation_item(app):
    situation = {**SITUATION, "housing": {"grade": "D", "one_house": True, "plan": "rebuild", "area_m2": 80}}
    approved("dibao", situation)
    weifang = Session.scalar(select(DiscoveryItem).where(DiscoveryItem.programme == "weifang"))
    assert weifang is not None and "D级" in weifang.reason and "120,000 元" in weifang.reason


def test_a_rejection_opens_nothing(app):
    home = family()
    app_ = make_application(state="in_review", programme="dibao", household_id=home.id, situation=SITUATION)
    lifecycle.reject(app_.id, make_staff(), "收入超过低保标准")
    Session.commit()
    assert jobs.after_decision(app_.id) == {"cases": [], "items": []}


def test_the_programmes_side_by_side(app, client):
    dibao = approved("dibao")
    rows = {r["programme"]: r for r in household_programmes(Session, dibao.household_id)}
    assert rows["dibao"]["applications"][0]["state"] == "approved"
    assert rows["jiaoyu"]["applications"][0]["automatic"] is True
    assert rows["yiliao"]["worklist"][0]["state_label"] == "待核实"
    assert rows["weifang"] == {"programme": "weifang", "label": "农村危房改造", "applications": [], "roll": [],
                               "worklist": []}


def test_the_programmes_partial_renders_for_the_case_page(app):
    from flask import render_template

    from webhook.staff.registries import programmes_for

    dibao = approved("dibao")
    with app.test_request_context():
        html = render_template("staff/_programmes.html", programmes=programmes_for(dibao.household_id))
    assert "这户家庭的各项救助" in html and "主动发现，无需申请" in html and "已批准" in html
    assert "请将低保家庭成员纳入医疗救助对象" in html
