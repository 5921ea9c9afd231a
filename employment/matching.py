"""Matching seekers and openings, vectorised with numpy.

Hard filters first (district or commuting distance, age range, education, hours, public-welfare
reservation, not already recommended; the caller passes only openings still valid with
positions left), then a score: occupation-code closeness, the wage against the seeker's floor,
the distance between street centroids, how recent the opening is. Each pair chosen is explained
in one line of Chinese ("离家近、工资高于您的期望").

A full run compares every seeker only with the openings of their own GB/T 6565 major group
(a different group scores nothing on occupation, so could never be chosen) plus every
public-welfare post (which a 就业困难人员 may take whatever their trade), in chunks of rows, so
memory stays small and 100,000 × 20,000 takes seconds. `bench/matching.py` times it.

The arrays are built from plain columns (`load_seekers`, `load_openings`); nothing sealed is read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
from sqlalchemy import func, select

from models import DISTRICTS, Opening, Recommendation, Seeker, Session, utcnow

from . import data

DISTRICT_INDEX = {name: i for i, name in enumerate(DISTRICTS)}
ALL_DISTRICTS = (1 << len(DISTRICTS)) - 1
KM_PER_DEGREE = 111.195
COS_LAT = float(np.cos(np.radians(24.55)))  # Xiamen: one factor is exact to a fraction of a percent
CHUNK = 512  # seeker rows per block: small blocks stay in cache and spare the allocator

# Weights of the score (sum of the first four is 1).
W_OCCUPATION, W_WAGE, W_DISTANCE, W_RECENCY, W_WELFARE = 0.45, 0.20, 0.25, 0.10, 0.20


def code_keys(code: str | None) -> tuple[int, int, int]:
    """(major, minor, small) integer keys of a GB/T 6565 code; -1 where the code stops.
    "4-03-02" → (4, 403, 40302); "4" → (4, -1, -1); None → (0, -1, -1)."""
    if not code:
        return 0, -1, -1
    parts = [int(p) for p in code.split("-")]
    major = parts[0]
    minor = major * 100 + parts[1] if len(parts) > 1 else -1
    small = minor * 100 + parts[2] if len(parts) > 2 else -1
    return major, minor, small


def _mask(districts) -> int:
    mask = 0
    for name in districts or ():
        if name == "anywhere":
            return ALL_DISTRICTS
        if name in DISTRICT_INDEX:
            mask |= 1 << DISTRICT_INDEX[name]
    return mask


@dataclass
class Seekers:
    ids: np.ndarray  # int64
    district: np.ndarray  # int8, index in DISTRICTS
    lat: np.ndarray  # float32
    lng: np.ndarray
    age: np.ndarray  # int16, -1 unknown
    edu: np.ndarray  # int8 rank, -1 unknown
    hours: np.ndarray  # int16, 0 any
    wage: np.ndarray  # float32, 0 no floor
    major: np.ndarray  # int8, 0 no occupation given
    minor: np.ndarray  # int32
    small: np.ndarray  # int32
    kunnan: np.ndarray  # bool
    welfare_ok: np.ndarray  # bool
    accepts: np.ndarray  # uint8 bit mask of the districts they would work in

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class Openings:
    ids: np.ndarray
    district: np.ndarray
    lat: np.ndarray
    lng: np.ndarray
    age_min: np.ndarray  # int16, 0 none
    age_max: np.ndarray  # int16, 200 none
    edu_min: np.ndarray  # int8, -1 none
    hours: np.ndarray  # int16, 0 unknown
    wage: np.ndarray  # float32, the top of the range; 0 unknown
    major: np.ndarray
    minor: np.ndarray
    small: np.ndarray
    welfare: np.ndarray  # bool: a public-welfare post
    reserved: np.ndarray  # bool: still reserved for 就业困难人员
    age_days: np.ndarray  # float32, days since published

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class Matches:
    """Chosen pairs, as positions into the Seekers / Openings given, best first per seeker."""
    seeker: np.ndarray
    opening: np.ndarray
    score: np.ndarray
    reasons: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.seeker)


def _parts(s: Seekers, rows, o: Openings, cols):
    """Scores of seekers `rows` × openings `cols` (2-D, or 1-D when one side is a scalar
    index), -inf where a hard filter fails; also the parts the reason line needs."""
    p = data.params()
    commute = float(p["commute_km"])
    dx = (o.lng[cols] - s.lng[rows]) * (KM_PER_DEGREE * COS_LAT)
    dy = (o.lat[cols] - s.lat[rows]) * KM_PER_DEGREE
    dist = np.sqrt(dx * dx + dy * dy)
    own = ((s.accepts[rows] >> o.district[cols]) & 1).astype(bool)
    age = s.age[rows]
    edu = s.edu[rows]
    hours = s.hours[rows]
    kunnan = s.kunnan[rows]
    welfare = o.welfare[cols]
    ok = own | (dist <= commute)
    ok &= (age < 0) | ((age >= o.age_min[cols]) & (age <= o.age_max[cols]))
    ok &= (o.edu_min[cols] < 0) | (edu >= o.edu_min[cols])
    ok &= (o.hours[cols] == 0) | (hours == 0) | (o.hours[cols] <= hours)
    ok &= ~welfare | s.welfare_ok[rows]
    ok &= ~o.reserved[cols] | kunnan
    same_small = (o.small[cols] >= 0) & (o.small[cols] == s.small[rows])
    same_minor = (o.minor[cols] >= 0) & (o.minor[cols] == s.minor[rows])
    same_major = (o.major[cols] == s.major[rows]) | (s.major[rows] == 0)
    occ = np.where(same_small, 1.0, np.where(same_minor, 0.6, np.where(same_major, 0.3, 0.0))).astype(np.float32)
    # A public-welfare post is for a 就业困难人员 whatever their trade.
    priority = welfare & kunnan
    ok &= (occ > 0) | priority
    floor = s.wage[rows]
    offered = o.wage[cols]
    ratio = np.where((floor > 0) & (offered > 0), offered / np.maximum(floor, 1), 1.0)
    wage = np.clip((ratio - 0.8) / 0.4, 0.0, 1.0)
    near = np.clip(1.0 - dist / (2 * commute), 0.0, 1.0)
    recency = np.exp(-o.age_days[cols] / float(p["recency_days"]))
    score = (W_OCCUPATION * occ + W_WAGE * wage + W_DISTANCE * near + W_RECENCY * recency
             + W_WELFARE * priority).astype(np.float32)
    score = np.where(ok & (score >= float(p["min_score"])), score, -np.inf).astype(np.float32)
    return score, {"dist": dist, "occ": occ, "ratio": ratio, "floor": floor, "priority": priority,
                   "age_days": o.age_days[cols]}


def _reasons(s: Seekers, o: Openings, rows: np.ndarray, cols: np.ndarray) -> list[str]:
    _, parts = _parts(s, rows, o, cols)
    near_km = float(data.params()["near_km"])
    out = []
    for i in range(len(rows)):
        said = []
        if parts["priority"][i]:
            said.append("公益性岗位优先安排")
        if parts["dist"][i] <= near_km:
            said.append("离家近")
        if parts["occ"][i] >= 1.0:
            said.append("和您想做的工作对口")
        elif parts["occ"][i] >= 0.6:
            said.append("和您想做的工作相近")
        if parts["floor"][i] > 0 and parts["ratio"][i] > 1.0:
            said.append("工资高于您的期望")
        elif parts["floor"][i] > 0 and parts["ratio"][i] >= 1.0:
            said.append("工资符合您的期望")
        if parts["age_days"][i] <= 3:
            said.append("新发布")
        out.append("、".join(said[:3]) or "符合您的求职条件")
    return out


def _exclude(score: np.ndarray, rows: np.ndarray, cols: np.ndarray, done: tuple[np.ndarray, np.ndarray] | None,
             n_seekers: int, n_openings: int) -> None:
    """Pairs already recommended score -inf: every seeker × opening is recommended once, ever."""
    if done is None or not len(done[0]):
        return
    row_of = np.full(n_seekers, -1, dtype=np.int64)
    row_of[rows] = np.arange(len(rows))
    col_of = np.full(n_openings, -1, dtype=np.int64)
    col_of[cols] = np.arange(len(cols))
    r = row_of[done[0]]
    c = col_of[done[1]]
    keep = (r >= 0) & (c >= 0)
    score[r[keep], c[keep]] = -np.inf


def match_all(s: Seekers, o: Openings, per_seeker: int | None = None,
              done: tuple[np.ndarray, np.ndarray] | None = None, explain: bool = True) -> Matches:
    """The best `per_seeker` openings for every seeker. `done`: (seeker positions, opening
    positions) already recommended."""
    k = int(per_seeker or data.params()["recommendations_per_seeker"])
    out_s, out_o, out_v = [], [], []
    if len(s) and len(o):
        welfare_cols = np.flatnonzero(o.welfare)
        for group in np.unique(s.major):
            group_rows = np.flatnonzero(s.major == group)
            if group == 0:
                cols = np.arange(len(o))
            else:
                cols = np.union1d(np.flatnonzero(o.major == group), welfare_cols)
            if not len(cols):
                continue
            kk = min(k, len(cols))
            for start in range(0, len(group_rows), CHUNK):
                rows = group_rows[start:start + CHUNK]
                score, _ = _parts(s, rows[:, None], o, cols[None, :])
                _exclude(score, rows, cols, done, len(s), len(o))
                top = np.argpartition(-score, kk - 1, axis=1)[:, :kk] if kk < len(cols) else \
                    np.broadcast_to(np.arange(len(cols)), (len(rows), len(cols)))
                best = np.take_along_axis(score, top, axis=1)
                order = np.argsort(-best, axis=1, kind="stable")
                top = np.take_along_axis(top, order, axis=1)
                best = np.take_along_axis(best, order, axis=1)
                keep = np.isfinite(best)
                out_s.append(np.repeat(rows, kk).reshape(len(rows), kk)[keep])
                out_o.append(cols[top][keep])
                out_v.append(best[keep])
    if out_s:
        seekers, openings, scores = np.concatenate(out_s), np.concatenate(out_o), np.concatenate(out_v)
    else:
        seekers = openings = np.zeros(0, dtype=np.int64)
        scores = np.zeros(0, dtype=np.float32)
    result = Matches(seekers, openings, scores)
    if explain and len(result):
        result.reasons = _reasons(s, o, seekers, openings)
    return result


def match_opening(s: Seekers, o: Openings, position: int, limit: int | None = None,
                  done_seekers: np.ndarray | None = None, explain: bool = True) -> Matches:
    """The best `limit` seekers for the opening at `position` (a new opening's candidates)."""
    limit = int(limit or data.params()["candidates_per_opening"])
    if not len(s):
        return Matches(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
    score, _ = _parts(s, slice(None), o, position)
    if done_seekers is not None and len(done_seekers):
        score[done_seekers] = -np.inf
    n = min(limit, len(score))
    top = np.argpartition(-score, n - 1)[:n] if n < len(score) else np.arange(len(score))
    top = top[np.argsort(-score[top], kind="stable")]
    top = top[np.isfinite(score[top])]
    result = Matches(top, np.full(len(top), position, dtype=np.int64), score[top])
    if explain and len(result):
        result.reasons = _reasons(s, o, result.seeker, result.opening)
    return result


# ---- arrays from the database ------------------------------------------------------------------

def _point(district, street):
    return data.centroid(district, street) or (24.55, 118.10)


def seekers_from_rows(rows, today: date) -> Seekers:
    """Arrays from rows with the columns of `load_seekers`."""
    n = len(rows)
    keys = [code_keys(r.occupation_code) for r in rows]
    points = [_point(r.district, r.street) for r in rows]
    return Seekers(
        ids=np.array([r.id for r in rows], dtype=np.int64),
        district=np.array([DISTRICT_INDEX.get(r.district, 0) for r in rows], dtype=np.int8),
        lat=np.array([p[0] for p in points], dtype=np.float32).reshape(n),
        lng=np.array([p[1] for p in points], dtype=np.float32).reshape(n),
        age=np.array([today.year - r.birth_year if r.birth_year else -1 for r in rows], dtype=np.int16),
        edu=np.array([data.EDUCATION_RANK.get(r.education, -1) for r in rows], dtype=np.int8),
        hours=np.array([r.hours_per_week or 0 for r in rows], dtype=np.int16),
        wage=np.array([r.wage_min or 0 for r in rows], dtype=np.float32),
        major=np.array([k[0] for k in keys], dtype=np.int8),
        minor=np.array([k[1] for k in keys], dtype=np.int32),
        small=np.array([k[2] for k in keys], dtype=np.int32),
        kunnan=np.array([bool(r.jiuye_kunnan) for r in rows], dtype=bool),
        welfare_ok=np.array([bool(r.public_welfare_ok) for r in rows], dtype=bool),
        accepts=np.array([_mask(r.work_districts) | (1 << DISTRICT_INDEX.get(r.district, 0)) for r in rows],
                         dtype=np.uint8),
    )


def openings_from_rows(rows, now: datetime) -> Openings:
    reserve_days = float(data.params()["public_welfare_reserved_days"])
    keys = [code_keys(r.occupation_code) for r in rows]
    points = [_point(r.district, r.street) for r in rows]
    age_days = np.array([max((now - r.created_at).total_seconds() / 86400, 0.0) for r in rows], dtype=np.float32)
    welfare = np.array([bool(r.public_welfare) for r in rows], dtype=bool)
    return Openings(
        ids=np.array([r.id for r in rows], dtype=np.int64),
        district=np.array([DISTRICT_INDEX.get(r.district, 0) for r in rows], dtype=np.int8),
        lat=np.array([p[0] for p in points], dtype=np.float32),
        lng=np.array([p[1] for p in points], dtype=np.float32),
        age_min=np.array([r.age_min or 0 for r in rows], dtype=np.int16),
        age_max=np.array([r.age_max or 200 for r in rows], dtype=np.int16),
        edu_min=np.array([data.EDUCATION_RANK.get(r.education_min, -1) for r in rows], dtype=np.int8),
        hours=np.array([r.hours_per_week or 0 for r in rows], dtype=np.int16),
        wage=np.array([r.wage_max or r.wage_min or 0 for r in rows], dtype=np.float32),
        major=np.array([k[0] for k in keys], dtype=np.int8),
        minor=np.array([k[1] for k in keys], dtype=np.int32),
        small=np.array([k[2] for k in keys], dtype=np.int32),
        welfare=welfare,
        reserved=welfare & (age_days < reserve_days),
        age_days=age_days,
    )


_SEEKER_COLUMNS = (Seeker.id, Seeker.district, Seeker.street, Seeker.birth_year, Seeker.education,
                   Seeker.hours_per_week, Seeker.wage_min, Seeker.occupation_code, Seeker.jiuye_kunnan,
                   Seeker.public_welfare_ok, Seeker.work_districts)
_OPENING_COLUMNS = (Opening.id, Opening.district, Opening.street, Opening.age_min, Opening.age_max,
                    Opening.education_min, Opening.hours_per_week, Opening.wage_min, Opening.wage_max,
                    Opening.occupation_code, Opening.public_welfare, Opening.created_at)


def open_openings(today: date):
    """Openings still valid with positions left."""
    return (Opening.valid_until >= today) & (Opening.filled < Opening.positions)


def load_seekers(today: date) -> Seekers:
    rows = Session.execute(select(*_SEEKER_COLUMNS).where(Seeker.active.is_(True)).order_by(Seeker.id)).all()
    return seekers_from_rows(rows, today)


def load_openings(now: datetime, today: date, opening_id: int | None = None) -> Openings:
    stmt = select(*_OPENING_COLUMNS).where(open_openings(today)).order_by(Opening.id)
    if opening_id is not None:
        stmt = stmt.where(Opening.id == opening_id)
    return openings_from_rows(Session.execute(stmt).all(), now)


def _insert_ignoring_duplicates(rows: list[dict]) -> int:
    """Bulk insert, skipping pairs already recommended (ON CONFLICT DO NOTHING: two runs at
    once cannot both recommend the same pair)."""
    if not rows:
        return 0
    dialect = Session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    added = 0
    for start in range(0, len(rows), 5000):
        table = Recommendation.__table__
        stmt = insert(table).on_conflict_do_nothing(index_elements=["seeker_id", "opening_id"]).returning(table.c.id)
        # RETURNING gives one row per row inserted: skipped duplicates are not counted.
        added += len(Session.connection().execute(stmt, rows[start:start + 5000]).all())
    return added


def recommend(opening_id: int | None = None, now: datetime | None = None) -> int:
    """Match everything (or one opening) and record the new recommendations; the caller
    commits and queues the pushes. Returns how many were added."""
    from review.routing import local_date

    now = now or utcnow()
    today = local_date(now)
    s = load_seekers(today)
    o = load_openings(now, today, opening_id)
    if not len(s) or not len(o):
        return 0
    seeker_pos = {int(v): i for i, v in enumerate(s.ids)}
    opening_pos = {int(v): i for i, v in enumerate(o.ids)}
    stmt = select(Recommendation.seeker_id, Recommendation.opening_id)
    if opening_id is not None:
        stmt = stmt.where(Recommendation.opening_id == opening_id)
    pairs = [(seeker_pos[a], opening_pos[b]) for a, b in Session.execute(stmt)
             if a in seeker_pos and b in opening_pos]
    done = (np.array([p[0] for p in pairs], dtype=np.int64), np.array([p[1] for p in pairs], dtype=np.int64))
    if opening_id is not None:
        result = match_opening(s, o, 0, done_seekers=done[0])
    else:
        result = match_all(s, o, done=done)
    rows = [{"seeker_id": int(s.ids[a]), "opening_id": int(o.ids[b]), "score": round(float(v), 4),
             "reason": reason, "created_at": now}
            for a, b, v, reason in zip(result.seeker, result.opening, result.score, result.reasons)]
    return _insert_ignoring_duplicates(rows)


def current_matches(seeker_id: int, limit: int = 5) -> list[tuple[Recommendation, Opening]]:
    """What 推荐岗位 shows a seeker: their recommendations of openings still open, best first."""
    from review.routing import local_date

    today = local_date(utcnow())
    stmt = (select(Recommendation, Opening).join(Opening, Opening.id == Recommendation.opening_id)
            .where(Recommendation.seeker_id == seeker_id, open_openings(today),
                   func.coalesce(Recommendation.response, "") != "not_suitable")
            .order_by(Recommendation.score.desc()).limit(limit))
    return [(rec, opening) for rec, opening in Session.execute(stmt).all()]


def for_seeker(seeker_id: int, now: datetime | None = None) -> int:
    """Match one seeker (just registered, or back) against every open opening and record the
    new recommendations; the caller commits. Returns how many were added."""
    from review.routing import local_date

    now = now or utcnow()
    today = local_date(now)
    rows = Session.execute(select(*_SEEKER_COLUMNS).where(Seeker.id == seeker_id, Seeker.active.is_(True))).all()
    s = seekers_from_rows(rows, today)
    o = load_openings(now, today)
    if not len(s) or not len(o):
        return 0
    opening_pos = {int(v): i for i, v in enumerate(o.ids)}
    seen = [opening_pos[b] for b in Session.scalars(select(Recommendation.opening_id)
                                                    .where(Recommendation.seeker_id == seeker_id))
            if b in opening_pos]
    done = (np.zeros(len(seen), dtype=np.int64), np.array(seen, dtype=np.int64))
    result = match_all(s, o, done=done)
    rows = [{"seeker_id": seeker_id, "opening_id": int(o.ids[b]), "score": round(float(v), 4),
             "reason": reason, "created_at": now}
            for b, v, reason in zip(result.opening, result.score, result.reasons)]
    return _insert_ignoring_duplicates(rows)
