"""The answer of interfaces.md, from the computed arrays of a batch.

Built column by column (one list comprehension per block of the answer, then
zipped together): at 100,000 households the answers are most of the work.
"""

import numpy

from policy.documents import documents
from policy.explain import explain
from policy.money import fen
from policy.params import cited
from policy.situation import complete
from policy.version import RULES_VERSION


def _loan_rules(day):
    """Whether the loan rules cover `day`, and their limits (0 when not covered)."""
    amount = cited("daikuan.chuangye.max_amount", day)
    years = cited("daikuan.chuangye.max_years", day)
    if amount is None:
        return {"covered": False, "max_amount": 0.0, "max_years": 0}
    return {"covered": True, "max_amount": float(amount["value"]), "max_years": int(years["value"])}


def _listed(flags, checked):
    """Positions (within their household) of the members flagged, per household."""
    found = [[] for _ in range(checked.count)]
    positions = numpy.flatnonzero(flags)
    households = numpy.searchsorted(checked.first_member, positions, side="right") - 1
    for household, position in zip(households.tolist(), (positions - checked.first_member[households]).tolist()):
        found[household].append(position)
    return found


def build(situations, checked, household, person, for_resident):
    """One answer per situation; `for_resident` adds documents and explanation."""
    months = [date[:7] for date in checked.dates]
    money = {name: fen(values).tolist() for name, values in household.items() if values.dtype == float}
    flag = {name: values.tolist() for name, values in household.items() if values.dtype == bool}
    count = checked.count

    income = [
        {"gross": g, "employment_deduction": d, "rigid_spending": r, "net": n, "per_capita": c}
        for g, d, r, n, c in zip(
            money["gross_income"],
            money["employment_deduction"],
            money["rigid_spending"],
            money["net_income"],
            money["income_per_capita"],
        )
    ]
    dibao = [
        {"eligible": e, "monthly_benefit": b, "standard": s, "asset_limit": a}
        for e, b, s, a in zip(
            flag["dibao_eligible"], money["dibao_benefit"], money["dibao_standard"], money["dibao_asset_limit"]
        )
    ]
    dishouru = [
        {"eligible": e, "income_line": line}
        for e, line in zip(flag["dishouru_eligible"], money["dishouru_income_line"])
    ]
    # Every 特困 member gets the same support: the household's largest is it.
    support = fen(numpy.maximum.reduceat(person["tekun_monthly_support"], checked.first_member)).tolist()
    tekun = [
        {"eligible": bool(members), "members": members, "monthly_support": s}
        for members, s in zip(_listed(person["tekun_eligible"], checked), support)
    ]
    amounts = fen(person["jiaoyu_amount"]).tolist()
    jiaoyu = [
        {"eligible": bool(students), "students": students, "amounts": [amounts[first + s] for s in students]}
        for students, first in zip(_listed(person["jiaoyu_eligible"], checked), checked.first_member.tolist())
    ]
    weifang = [
        {"eligible": e, "subsidy": s} for e, s in zip(flag["weifang_eligible"], money["weifang_subsidy"])
    ]
    jiuye = [{"members": members} for members in _listed(person["jiuye_kunnan"], checked)]
    # A declared 分散供养特困 flag is a claim the rules check, shown to staff, never paid.
    confirmed = person["tekun_claim_confirmed"]
    claims = [
        [{"member": m, "claim": "scattered_tekun", "confirmed": bool(confirmed[first + m])} for m in members]
        for members, first in zip(_listed(checked.member["scattered_tekun"], checked), checked.first_member.tolist())
    ]
    yiliao = [
        {
            "estimate": True,
            "total_cost": t,
            "basic_insurance": b,
            "critical_illness": c,
            "assistance": a,
            "out_of_pocket": o,
        }
        for t, b, c, a, o in zip(
            checked.household["medical_total_cost"].tolist(),
            money["yiliao_basic_insurance"],
            money["yiliao_critical_illness"],
            money["yiliao_assistance"],
            money["yiliao_out_of_pocket"],
        )
    ]
    applicant = [None] * count
    for index, position in zip(checked.loans["household"].tolist(), checked.loans["applicant"].tolist()):
        applicant[index] = position
    loan_rules = {month: _loan_rules(month + "-01") for month in set(months)}
    daikuan = [
        {"eligible": bool(borrowers), "applicant": a} | loan_rules[month]
        for borrowers, a, month in zip(_listed(person["daikuan_eligible"], checked), applicant, months)
    ]
    out = [
        {
            "assessed_month": month,
            "income": i,
            "programmes": {
                "dibao": d,
                "dishouru": dl,
                "tekun": t,
                "jiaoyu": j,
                "weifang": w,
                "jiuye_kunnan": k,
                "yiliao": y,
                "daikuan": dk,
            },
            "claims": c,
            "rules_version": RULES_VERSION,
        }
        for month, i, d, dl, t, j, w, k, y, dk, c in zip(
            months, income, dibao, dishouru, tekun, jiaoyu, weifang, jiuye, yiliao, daikuan, claims
        )
    ]
    if for_resident:
        for index, answer in enumerate(out):
            _add_resident_parts(answer, situations[index], checked, index, household, person)
    return out


def _add_resident_parts(answer, situation, checked, index, household, person):
    full = complete(situation, checked.dates[index])
    assessed_on = answer["assessed_month"] + "-01"
    answer["documents"] = documents(full, answer["programmes"], assessed_on)
    first = int(checked.first_member[index])
    facts = {name: values[index] for name, values in household.items()}
    facts["members"] = {name: values[first : first + len(full["members"])] for name, values in person.items()}
    answer["explanation"] = explain(full, answer, facts, assessed_on)
