"""The daily overdue report: each district's applications past their deadline, for its team.

Built in one pass over the open applications past their deadline, in the order of the
index that finds them (district, deadline, id), a thousand rows at a time and only the
columns the report shows: no application is loaded whole and no personal data decrypted,
so the job's memory stays flat for 18,000 overdue applications as for 18. Each district's
report keeps its first `SHOWN` items and the count beside the key the console reads
(routing.REPORT_KEY); the full list goes to a Redis list read back in chunks as a CSV.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select

from models import DISTRICTS, Application, Session, StaffUser, kv, utcnow

from . import labels, routing
from .privacy import csv_cell

SHOWN = 50  # items the dashboard lists; the rest are in the CSV
CHUNK = 1000
FULL_KEY = routing.REPORT_KEY + ":all"
CSV_COLUMNS = ("申请编号", "救助项目", "状态", "负责人", "办理时限", "超过天数")


def publish(now: datetime | None = None) -> dict[str, int]:
    """Build today's reports and replace yesterday's at once (districts with nothing overdue
    get an empty report, so an old list never lingers). Overdue counts per district."""
    now = now or utcnow()
    today = routing.local_date(now)
    names = dict(Session.execute(select(StaffUser.id, StaffUser.username)).all())
    stmt = (select(Application.id, Application.district, Application.programme, Application.state,
                   Application.assigned_to, Application.deadline_at)
            .where(routing.overdue_clause(now))
            .order_by(Application.district, Application.deadline_at, Application.id))
    redis = kv.client()
    building = {district: FULL_KEY.format(district=district) + ":building" for district in DISTRICTS}
    redis.delete(*building.values())  # left by a run that died half-way
    reports = {district: {"district": district, "date": today.isoformat(), "count": 0, "items": []}
               for district in DISTRICTS}
    pipe = redis.pipeline(transaction=False)
    for n, row in enumerate(Session.execute(stmt, execution_options={"yield_per": CHUNK}), 1):
        report = reports.get(row.district)
        if report is None:  # not a district of the city: nobody's team, nothing to report to
            continue
        item = {"id": row.id, "programme": labels.programme(row.programme), "state": labels.state(row.state),
                "assignee": names.get(row.assigned_to, ""), "deadline": routing.local_date(row.deadline_at).isoformat(),
                "days_over": (today - routing.local_date(row.deadline_at)).days}
        report["count"] += 1
        if len(report["items"]) < SHOWN:
            report["items"].append(item)
        pipe.rpush(building[row.district], json.dumps(item, ensure_ascii=False))
        if n % CHUNK == 0:
            pipe.execute()
    pipe.execute()
    Session.rollback()  # end the read; the job writes nothing to the database
    swap = redis.pipeline(transaction=True)
    for district, report in reports.items():
        full = FULL_KEY.format(district=district)
        if report["count"]:
            swap.rename(building[district], full)
            swap.expire(full, routing.REPORT_TTL_S)
        else:
            swap.delete(full)
        swap.set(routing.REPORT_KEY.format(district=district), json.dumps(report, ensure_ascii=False),
                 ex=routing.REPORT_TTL_S)
    swap.execute()
    return {district: report["count"] for district, report in reports.items() if report["count"]}


def csv_lines(district: str) -> Iterator[str]:
    """The district's latest report in full, as CSV lines (UTF-8 with BOM for Excel), read
    from Redis a chunk at a time: constant memory however long the list."""
    redis = kv.client()
    key = FULL_KEY.format(district=district)
    out = io.StringIO()
    writer = csv.writer(out)

    def line(cells) -> str:
        out.seek(0)
        out.truncate()
        writer.writerow([csv_cell(cell) for cell in cells])
        return out.getvalue()

    yield "\ufeff" + line(CSV_COLUMNS)
    start = 0
    while True:
        chunk = redis.lrange(key, start, start + CHUNK - 1)
        for raw in chunk:
            item = json.loads(raw)
            yield line((item["id"], item["programme"], item["state"], item["assignee"], item["deadline"],
                        item["days_over"]))
        if len(chunk) < CHUNK:
            return
        start += CHUNK
