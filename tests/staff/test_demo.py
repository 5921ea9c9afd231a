"""`make run` seeds demo work for the console, once."""
from sqlalchemy import func, select

from models import Application, Session
from tests.staff.conftest import log_in


def test_seed_demo_gives_the_console_work_once(app, client):
    from webhook import demo

    with app.app_context():
        assert demo.seed() is True
        assert demo.seed() is False
    assert Session.scalar(select(func.count()).select_from(Application)) == len(demo.APPLICATIONS)
    log_in(client, "reviewer", demo.DEMO_PASSWORD)
    queue = client.get("/staff/queue?state=all").get_data(as_text=True)
    siming = sum(1 for row in demo.APPLICATIONS if row[1] == "思明区")
    assert f"共 {siming} 份" in queue and "已逾期" in queue
    first = Session.scalar(select(Application.id).where(Application.state == "need_documents"))
    page = client.get(f"/staff/applications/{first}").get_data(as_text=True)
    assert "等居民补充" in page and "<img" in page
