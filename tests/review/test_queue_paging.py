"""The queue at city size (issue 18): deep pages by keyset return exactly the right rows,
a page never reads the answers, situation or verdict, and counts stop at "10,000+"."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import event, insert

from models import Application, Session, db, utcnow
from review import queue
from tests.review.fixtures import make_staff
from tests.staff.conftest import log_in

BIG = {"note": "x" * 2000}  # the ~2 KB of JSON a real application carries


def _applications(count: int, district: str = "思明区", state: str = "submitted", programme: str = "dibao",
                  deadline=lambda i: utcnow() + timedelta(days=i % 7)) -> None:
    """`count` applications in one insert; deadlines repeat, so the order needs its id."""
    now = utcnow()
    Session.execute(insert(Application), [
        dict(programme=programme, form_id=programme, state=state, district=district, street="鹭江街道",
             answers=BIG, situation=BIG, verdict=BIG, checklist=[], submitted_at=now, deadline_at=deadline(i))
        for i in range(count)])
    Session.commit()


def _walk(staff, **filters) -> list[list[int]]:
    pages, after = [], None
    while True:
        page = queue.listing(staff, after=after, **filters)
        pages.append([row["app"].id for row in page["rows"]])
        after = page["next"]
        if after is None:
            return pages


def test_deep_pages_return_every_open_application_once_in_deadline_order(app):
    reviewer = make_staff("lin")
    _applications(230)
    _applications(3, deadline=lambda i: None)  # no deadline: listed last
    _applications(20, district="湖里区")  # another district's
    _applications(20, state="approved")  # decided: not in the open queue
    Session.remove()
    pages = _walk(reviewer)
    assert [len(page) for page in pages] == [50, 50, 50, 50, 33]
    assert [i for page in pages for i in page] == _in_order(state="submitted", district="思明区")
    # Every page under a filter continues under it.
    assert [i for page in _walk(reviewer, state="approved") for i in page] == _in_order(state="approved")


def _in_order(**where) -> list[int]:
    """The ids as the queue promises them: earliest deadline first, then by id, none last."""
    apps = Session.query(Application).filter_by(**where).all()
    return [a.id for a in sorted(apps, key=lambda a: (a.deadline_at is None, a.deadline_at or utcnow(), a.id))]


def test_a_page_reads_only_the_columns_it_shows(app):
    reviewer = make_staff("lin")
    _applications(60)
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine(), "before_cursor_execute", seen)
    try:
        page = queue.listing(reviewer)
    finally:
        event.remove(db.engine(), "before_cursor_execute", seen)
    assert len(page["rows"]) == 50 and page["total"] == 60
    rows_query = [s for s in statements if "ORDER BY" in s]
    assert rows_query and not any(re.search(r"\b(answers|situation|verdict|checklist)\b", s) for s in rows_query)
    # Every count is taken with a cap: none reads a whole table.
    counts = [s for s in statements if "count(" in s.lower()]
    assert counts and all("LIMIT" in s for s in counts)


def test_counts_beyond_ten_thousand_are_shown_capped(app, client):
    make_staff("lin")
    _applications(10_001, deadline=lambda i: utcnow() + timedelta(days=1))
    _applications(3, state="approved")
    log_in(client, "lin")
    page = client.get("/staff/queue").get_data(as_text=True)
    assert "待办 10,000+" in page and "共 10,000+ 份" in page and "已批准 3" in page
    # Far into the list, the next page is still a link away.
    assert 'rel="next"' in page


def test_the_next_link_keeps_the_filters_and_a_made_up_cursor_starts_over(app, client):
    make_staff("lin")
    _applications(60, programme="weifang")
    _applications(5)
    log_in(client, "lin")
    first = client.get("/staff/queue?programme=weifang").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)" rel="next">下一页</a>', first).group(1).replace("&amp;", "&")
    assert "programme=weifang" in link
    second = client.get(link).get_data(as_text=True)
    assert second.count("农村危房改造</td>") == 10 and "回到第一页" in second and "已经是最后一页" in second
    for made_up in ("x", "2026-13-45~1", "~", "~99999999999999999999999"):
        response = client.get(f"/staff/queue?programme=weifang&after={made_up}")
        assert response.status_code == 200 and response.get_data(as_text=True).count("农村危房改造</td>") == 50
