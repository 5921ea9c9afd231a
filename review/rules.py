"""The rules, through the policy package's contract: `policy.assess(situation)` returns a
dict with at least `programmes`, `explanation` and `rules_version`."""
from __future__ import annotations

import logging

from models import Application

log = logging.getLogger(__name__)

# Application programme -> its key in the verdict's `programmes`, where they differ.
VERDICT_KEYS = {"jiuye": "jiuye_kunnan"}

FIELDS = {
    "eligible": "是否符合", "monthly_benefit": "每月补助（元）", "standard": "低保标准（元）",
    "asset_limit": "财产上限（元）", "income_line": "收入线（元）", "members": "符合条件的成员",
    "monthly_support": "每月供养金（元）", "students": "符合条件的学生", "amounts": "资助金额（元）",
    "subsidy": "补助金额（元）", "out_of_pocket": "自付估算（元）", "max_amount": "最高贷款额（元）",
    "max_years": "最长年限",
}


def assess(situation: dict) -> dict:
    import policy  # the rules are loaded when first needed, not when the web app starts

    return policy.assess(situation)


def verdict_for(app: Application, verdict: dict | None = None) -> dict | None:
    """The part of a verdict about the programme this application is for."""
    verdict = app.verdict if verdict is None else verdict
    return (verdict or {}).get("programmes", {}).get(VERDICT_KEYS.get(app.programme, app.programme))


def compare_with_today(app: Application) -> dict | None:
    """What today's rules would decide differently from the verdict kept at submission.

    None when they agree (or there is nothing to compare); {"error": …} when today's rules
    cannot assess the stored answers, so the page says so instead of failing."""
    if not app.situation or not app.verdict:
        return None
    today_situation = {k: v for k, v in app.situation.items() if k != "date"}  # no date: today
    try:
        today = assess(today_situation)
    except Exception as err:  # an advisory notice must never keep a case page from opening
        log.warning("application %s: today's rules could not assess it (%s)", app.id, type(err).__name__)
        return {"error": "无法按今天的规则重新计算这份申请。"}
    before, after = verdict_for(app) or {}, verdict_for(app, today) or {}
    changes = [
        {"field": FIELDS.get(key, key), "then": before.get(key), "now": after.get(key)}
        for key in sorted(set(before) | set(after)) if before.get(key) != after.get(key)
    ]
    if not changes:
        return None
    return {"rules_version": today.get("rules_version"), "changes": changes}
