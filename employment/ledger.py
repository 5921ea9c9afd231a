"""The 1-1-2 ledger (notice 三㈠): for every seeker, each calendar year, at least 1 home visit,
1 training offer and 2 job recommendations. A recommendation or a training pushed counts only
once its push was delivered (channels.push.delivered); one offered in person counts as it is
recorded. Years are Xiamen's calendar years.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

from sqlalchemy import Select, func, select

from models import DISTRICTS, Recommendation, Seeker, SeekerVisit, Session, TrainingOffer, Visit, kv, utcnow
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

    def gaps(self, need: dict) -> list[str]:
        """Which of the year's 1-1-2 (visits, trainings, recommendations) are still short."""
        return [kind for kind in ("visits", "trainings", "recommendations") if getattr(self, kind) < need[kind]]

    def short(self, need: dict) -> list[str]:
        """What is still missing this year, in words."""
        return [{"visits": "走访", "trainings": "培训", "recommendations": "推荐"}[kind] for kind in self.gaps(need)]


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



# ---- the caseworkers' daily worklist --------------------------------------------------------

WORKLIST_KEY = "employment:worklist:{district}"
WORKLIST_TTL_S = 8 * 24 * 3600  # a week of daily lists, and a day's slack


def _missing_words(line: Line, required: dict) -> list[str]:
    """What a caseworker has still to do for this seeker this year, in their words."""
    words = {"visits": "还没有上门走访", "trainings": "还没有培训机会",
             "recommendations": f"岗位推荐送达{line.recommendations}次，少于{required['recommendations']}次"}
    return [words[kind] for kind in line.gaps(required)]


def worklist(district: str, street: str | None, today: date) -> list[dict]:
    """The seekers of one street (None: those with no street) still short of this year's
    1-1-2 on `today`, with what is missing: the most behind first, 就业困难人员 first among
    equals. Ids and counts only; names are looked up, masked, when shown."""
    required = need()
    stmt = select(Seeker).where(Seeker.district == district,
                                Seeker.street == street if street else Seeker.street.is_(None))
    items = []
    for line in lines(today.year, stmt):
        missing = _missing_words(line, required)
        if missing:
            items.append({"seeker_id": line.seeker_id, "kunnan": line.kunnan, "missing": missing,
                          "visits": line.visits, "trainings": line.trainings,
                          "recommendations": line.recommendations})
    items.sort(key=lambda item: (-len(item["missing"]), not item["kunnan"], item["seeker_id"]))
    return items


def worklists(district: str, today: date) -> dict:
    """Every street's worklist of one district (streets with seekers all on track are listed
    with no one, so yesterday's names never linger)."""
    streets = Session.scalars(select(Seeker.street).where(Seeker.district == district, Seeker.active.is_(True))
                              .distinct()).all()
    by_street = {street or "": worklist(district, street, today) for street in streets}
    return {"district": district, "date": today.isoformat(), "streets": dict(sorted(by_street.items()))}


def publish_worklists(now: datetime | None = None) -> dict[str, int]:
    """Build today's worklist for every street and keep it where the console reads it (one
    Redis key per district, like review.routing's overdue reports). Returns per district how
    many seekers are behind."""
    from review.routing import local_date

    today = local_date(now or utcnow())
    built = {district: worklists(district, today) for district in DISTRICTS}
    pipe = kv.client().pipeline()
    for district, report in built.items():
        pipe.set(WORKLIST_KEY.format(district=district), json.dumps(report, ensure_ascii=False), ex=WORKLIST_TTL_S)
    pipe.execute()
    return {district: sum(len(items) for items in report["streets"].values()) for district, report in built.items()}


def latest_worklist(district: str) -> dict | None:
    raw = kv.client().get(WORKLIST_KEY.format(district=district))
    return json.loads(raw) if raw else None
