"""The answer of interfaces.md, from the computed arrays of a batch.

Built column by column (one list comprehension per block of the answer, then
zipped together): at 100,000 households the answers are most of the work. Only
the blocks of the programmes asked for are built (see assess.py).
"""

import itertools

import numpy

from policy.documents import documents
from policy.explain import explain
from policy.money import fen
from policy.params import cited
from policy.simulation import INCOME_TEST, PROGRAMMES
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


def build(situations, checked, household, person, for_resident, programmes=PROGRAMMES):
    """One answer per situation about `programmes` (a scope); `for_resident` adds
    documents and explanation, about those programmes only."""
    months = [date[:7] for date in checked.dates]
    columns = _Columns(checked, household, person, months)
    blocks = [getattr(columns, name)() for name in programmes]
    parts = {"assessed_month": months}
    if set(programmes) & set(INCOME_TEST):
        parts["income"] = columns.income()
    parts["programmes"] = [dict(zip(programmes, row)) for row in zip(*blocks)]
    if "tekun" in programmes:
        parts["claims"] = columns.claims()
    parts["rules_version"] = itertools.repeat(RULES_VERSION, checked.count)
    out = [dict(zip(parts, row)) for row in zip(*parts.values())]
    if for_resident:
        for index, answer in enumerate(out):
            _add_resident_parts(answer, situations[index], checked, index, household, person)
    return out


class _Columns:
    """Each block of the answer for every household at once (see the module doc)."""

    def __init__(self, checked, household, person, months):
        self.checked = checked
        self.count = checked.count
        self.months = months
        self.person = person
        self.money = {name: fen(values).tolist() for name, values in household.items() if values.dtype == float}
        self.flag = {name: values.tolist() for name, values in household.items() if values.dtype == bool}

    def income(self):
        money = self.money
        return [
            {"gross": g, "employment_deduction": d, "rigid_spending": r, "net": n, "per_capita": c}
            for g, d, r, n, c in zip(
                money["gross_income"],
                money["employment_deduction"],
                money["rigid_spending"],
                money["net_income"],
                money["income_per_capita"],
            )
        ]

    def dibao(self):
        money = self.money
        return [
            {"eligible": e, "monthly_benefit": b, "standard": s, "asset_limit": a}
            for e, b, s, a in zip(
                self.flag["dibao_eligible"], money["dibao_benefit"], money["dibao_standard"], money["dibao_asset_limit"]
            )
        ]

    def dishouru(self):
        return [
            {"eligible": e, "income_line": line}
            for e, line in zip(self.flag["dishouru_eligible"], self.money["dishouru_income_line"])
        ]

    def tekun(self):
        # Every 特困 member gets the same support: the household's largest is it.
        support = fen(numpy.maximum.reduceat(self.person["tekun_monthly_support"], self.checked.first_member)).tolist()
        return [
            {"eligible": bool(members), "members": members, "monthly_support": s}
            for members, s in zip(_listed(self.person["tekun_eligible"], self.checked), support)
        ]

    def jiaoyu(self):
        amounts = fen(self.person["jiaoyu_amount"]).tolist()
        return [
            {"eligible": bool(students), "students": students, "amounts": [amounts[first + s] for s in students]}
            for students, first in zip(
                _listed(self.person["jiaoyu_eligible"], self.checked), self.checked.first_member.tolist()
            )
        ]

    def weifang(self):
        return [
            {"eligible": e, "subsidy": s}
            for e, s in zip(self.flag["weifang_eligible"], self.money["weifang_subsidy"])
        ]

    def jiuye_kunnan(self):
        return [{"members": members} for members in _listed(self.person["jiuye_kunnan"], self.checked)]

    def claims(self):
        # A declared 分散供养特困 flag is a claim the rules check, shown to staff, never paid.
        checked = self.checked
        confirmed = self.person["tekun_claim_confirmed"]
        return [
            [{"member": m, "claim": "scattered_tekun", "confirmed": bool(confirmed[first + m])} for m in members]
            for members, first in zip(_listed(checked.member["scattered_tekun"], checked), checked.first_member.tolist())
        ]

    def yiliao(self):
        money = self.money
        return [
            {
                "estimate": True,
                "total_cost": t,
                "basic_insurance": b,
                "critical_illness": c,
                "assistance": a,
                "out_of_pocket": o,
            }
            for t, b, c, a, o in zip(
                self.checked.household["medical_total_cost"].tolist(),
                money["yiliao_basic_insurance"],
                money["yiliao_critical_illness"],
                money["yiliao_assistance"],
                money["yiliao_out_of_pocket"],
            )
        ]

    def daikuan(self):
        checked = self.checked
        applicant = [None] * self.count
        for index, position in zip(checked.loans["household"].tolist(), checked.loans["applicant"].tolist()):
            applicant[index] = position
        loan_rules = {month: _loan_rules(month + "-01") for month in set(self.months)}
        return [
            {"eligible": bool(borrowers), "applicant": a} | loan_rules[month]
            for borrowers, a, month in zip(_listed(self.person["daikuan_eligible"], checked), applicant, self.months)
        ]


def _add_resident_parts(answer, situation, checked, index, household, person):
    full = complete(situation, checked.dates[index])
    assessed_on = answer["assessed_month"] + "-01"
    answer["documents"] = documents(full, answer["programmes"], assessed_on)
    first = int(checked.first_member[index])
    facts = {name: values[index] for name, values in household.items()}
    facts["members"] = {name: values[first : first + len(full["members"])] for name, values in person.items()}
    answer["explanation"] = explain(full, answer, facts, assessed_on)
