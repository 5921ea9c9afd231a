"""The 1-1-2 ledger (notice 三㈠): for every seeker, each calendar year, at least 1 home visit,
1 training offer and 2 job recommendations. A recommendation or a training pushed counts only
once its push was delivered (channels.push.delivered); one offered in person counts as it is
recorded. Years are Xiamen's calendar years.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from sqlalchemy import Select, func, select

from models import Recommendation, Seeker, SeekerVisit, Session, TrainingOffer, Visit
from review import privacy
from review.access import masked_name
from review.routing import CST

from . import data

COLUMNS = ("求职者编号", "姓名", "区", "街道（镇）", "就业困难人员", "上门走访", "培训机会", "岗位推荐（已送达）", "是否达标")


@dataclass
class Line:
    seeker_id: int
    name: str | None
    district: str
    street: str | None
    kunnan: bool
    visits: int = 0
    trainings: int = 0
    recommendations: int = 0

    def short(self, need: dict) -> list[str]:
        """What is still missing this year, in words."""
        missing = []
        if self.visits < need["visits"]:
            missing.append("走访")
        if self.trainings < need["trainings"]:
            missing.append("培训")
        if self.recommendations < need["recommendations"]:
            missing.append("推荐")
        return missing


def _utc(day: date) -> datetime:
    return datetime.combine(day, time(0), CST).astimezone(timezone.utc).replace(tzinfo=None)


def _delivered(delivery_ids: set[int]) -> set[int]:
    from channels import push

    return {i for i in delivery_ids if push.delivered(i)}


def lines(year: int, seekers: Select | None = None) -> list[Line]:
    """One line per active seeker (of `seekers`, a select of Seeker, when given)."""
    start, end = _utc(date(year, 1, 1)), _utc(date(year + 1, 1, 1))
    stmt = seekers if seekers is not None else select(Seeker)
    people = Session.scalars(stmt.where(Seeker.active.is_(True)).order_by(Seeker.district, Seeker.street,
                                                                           Seeker.id)).all()
    found = {s.id: Line(s.id, s.name, s.district, s.street, s.jiuye_kunnan) for s in people}
    if not found:
        return []
    ids = list(found)
    for chunk in range(0, len(ids), 5000):
        part = ids[chunk:chunk + 5000]
        visits = Session.execute(
            select(SeekerVisit.seeker_id, func.count()).join(Visit, Visit.id == SeekerVisit.visit_id)
            .where(SeekerVisit.seeker_id.in_(part), Visit.visit_date >= date(year, 1, 1),
                   Visit.visit_date < date(year + 1, 1, 1))
            .group_by(SeekerVisit.seeker_id))
        for seeker_id, count in visits:
            found[seeker_id].visits = count
        recs = Session.execute(select(Recommendation.seeker_id, Recommendation.delivery_id).where(
            Recommendation.seeker_id.in_(part), Recommendation.delivery_id.is_not(None),
            Recommendation.pushed_at >= start, Recommendation.pushed_at < end)).all()
        offers = Session.execute(select(TrainingOffer.seeker_id, TrainingOffer.via, TrainingOffer.delivery_id).where(
            TrainingOffer.seeker_id.in_(part), TrainingOffer.offered_at >= start,
            TrainingOffer.offered_at < end)).all()
        delivered = _delivered({d for _, d in recs} | {d for _, _, d in offers if d is not None})
        for seeker_id, delivery_id in recs:
            if delivery_id in delivered:
                found[seeker_id].recommendations += 1
        for seeker_id, via, delivery_id in offers:
            if via == "in_person" or delivery_id in delivered:
                found[seeker_id].trainings += 1
    return list(found.values())


def need() -> dict:
    return data.params()["ledger"]


def to_csv(year: int, out) -> int:
    """The ledger as CSV (a UTF-8 BOM so spreadsheets read the Chinese); names masked, every
    cell neutralised against formulas. Returns the number of seekers."""
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    rows = lines(year)
    required = need()
    for line in rows:
        missing = line.short(required)
        writer.writerow([privacy.csv_cell(v) for v in (
            line.seeker_id, masked_name(line.name), line.district, line.street or "",
            "是" if line.kunnan else "否", line.visits, line.trainings, line.recommendations,
            "达标" if not missing else "缺" + "、".join(missing))])
    return len(rows)


def csv_text(year: int) -> str:
    buffer = io.StringIO()
    buffer.write("\ufeff")
    to_csv(year, buffer)
    return buffer.getvalue()


def behind(year: int, seekers: Select | None = None, month: int | None = None) -> list[dict]:
    """Per district and street: how many seekers, and how many are still short of each part of
    the 1-1-2 ("11月，仍少于2次推荐: 37人")."""
    required = need()
    groups: dict[tuple, dict] = {}
    for line in lines(year, seekers):
        group = groups.setdefault((line.district, line.street or ""), {
            "district": line.district, "street": line.street or "", "seekers": 0,
            "visits": 0, "trainings": 0, "recommendations": 0, "done": 0})
        group["seekers"] += 1
        missing = line.short(required)
        group["visits"] += "走访" in missing
        group["trainings"] += "培训" in missing
        group["recommendations"] += "推荐" in missing
        group["done"] += not missing
    return sorted(groups.values(), key=lambda g: (g["district"], g["street"]))

