"""The console: a registry uploaded as a batch job whose progress and outcome the page shows,
and the caseworkers' worklist."""
from __future__ import annotations

import io
import re

from sqlalchemy import select

from models import Session
from models.registry import AutoCase, DiscoveryItem, RegistryImport
from tests.review.fixtures import make_staff
from tests.staff.conftest import log_in

from .registry_files import id_number, roll_rows, student_rows, write


def upload(client, kind: str, path) -> str:
    response = client.post("/staff/registries", data={"kind": kind, "file": (open(path, "rb"), path.name)},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    return response.headers["Location"]


def test_an_admin_uploads_registries_and_sees_the_outcome(app, client, tmp_path, run_worker):
    make_staff("admin1", role="admin", district="厦门市")
    log_in(client, "admin1")
    page = client.get("/staff/registries").get_data(as_text=True)
    assert "id_number,name,school,stage,boarding,guardian_id_number" in page

    job_page = upload(client, "students", write(tmp_path / "学籍.csv", "students", student_rows()))
    assert "正在" in client.get(job_page).get_data(as_text=True)  # queued: the page refreshes itself
    run_worker()
    job_page = upload(client, "dibao_roll", write(tmp_path / "低保.csv", "dibao_roll", roll_rows()))
    run_worker()
    html = client.get(job_page).get_data(as_text=True)
    assert "导入完成" in html and "新增 15" in html and "主动开启教育救助 20 件" in html
    assert 'http-equiv="refresh"' not in html
    cases = Session.scalars(select(AutoCase)).all()
    assert len(cases) == 20
    case_page = client.get(f"/staff/applications/{cases[0].application_id}")  # in the queue like any case
    assert case_page.status_code == 200 and "主动发现" in case_page.get_data(as_text=True)
    assert [r.file_name for r in Session.scalars(select(RegistryImport).order_by(RegistryImport.id))] == \
        ["学籍.csv", "低保.csv"]
    assert not list((tmp_path.parent).glob("**/uploads/registries/*.csv"))  # uploads are not kept


def test_a_refused_upload_shows_the_bad_lines(app, client, tmp_path, run_worker):
    make_staff("admin1", role="admin", district="厦门市")
    log_in(client, "admin1")
    rows = roll_rows()[:3]
    rows[2]["monthly_amount"] = "七百"
    job_page = upload(client, "dibao_roll", write(tmp_path / "r.csv", "dibao_roll", rows))
    run_worker()
    html = client.get(job_page).get_data(as_text=True)
    assert "第4行" in html and "每月金额" in html and "整个文件没有导入" in html
    assert Session.scalar(select(RegistryImport)) is None


def test_uploads_are_for_city_admins_and_bad_input_is_named(app, client, tmp_path):
    make_staff("reviewer1", role="reviewer", district="思明区")
    log_in(client, "reviewer1")
    assert client.get("/staff/registries").status_code == 403
    client.post("/staff/logout")
    make_staff("admin1", role="admin", district="厦门市")
    log_in(client, "admin1")
    response = client.post("/staff/registries", data={"kind": "students", "file": (io.BytesIO(b"%PDF"), "a.pdf")},
                           content_type="multipart/form-data", follow_redirects=True)
    assert "只能导入 CSV" in response.get_data(as_text=True)
    response = client.post("/staff/registries", data={"kind": "nope"}, follow_redirects=True)
    assert "请选择要导入的是哪个部门的数据" in response.get_data(as_text=True)
    assert client.get("/staff/registries/jobs/not-a-job").status_code == 404


def test_the_worklist_shows_the_district_its_items_and_takes_an_outcome(app, client, tmp_path):
    from discovery import cases, registries
    from datetime import date

    person = id_number(1, "19700101")
    write(tmp_path / "d.csv", "disability", [{"id_number": person, "name": "王某", "kind": "physical", "grade": "1"}])
    registries.import_file("disability", tmp_path / "d.csv", today=date(2026, 3, 2))
    cases.discover(date(2026, 3, 2))
    Session.commit()
    make_staff("worker1", role="caseworker", district="思明区", street="鹭江街道")
    make_staff("worker2", role="caseworker", district="湖里区")
    log_in(client, "worker2")
    assert "残联登记一级肢体残疾" not in client.get("/staff/discovery").get_data(as_text=True)
    client.post("/staff/logout")
    log_in(client, "worker1")
    html = client.get("/staff/discovery").get_data(as_text=True)
    assert "残联登记一级肢体残疾，未申请" in html and "特困人员救助供养" in html
    item_id = int(re.search(r"/staff/discovery/(\d+)/close", html).group(1))
    client.post(f"/staff/discovery/{item_id}/close", data={"outcome": "done"})
    Session.remove()
    assert Session.get(DiscoveryItem, item_id).state == "done"
    assert "残联登记" not in client.get("/staff/discovery").get_data(as_text=True)
