"""The document checklist, computed from the answers (「最多跑一趟」).

What a household brings depends on who is in it and what it applies for:
each adult's ID card, each worker's income proof, receipts only when spending
is claimed, the permits of the chosen housing plan. The whole list is given at
once, so nobody makes a second trip for a missing paper.

Each entry is {"id", "title", "count"} plus "members" (positions in `members`,
from 0) when the document is one per person.
"""

from policy.params import cited

# id -> title, in the order the checklist is shown
TITLES = {
    "id_card": "身份证",
    "hukou_book": "户口簿",
    "income_proof": "收入证明",
    "disability_cert": "残疾人证",
    "parent_disability_cert": "父亲或母亲的残疾人证",
    "medical_receipts": "近12个月的医疗费用票据",
    "enrolment_proof": "在读证明（学籍证明）",
    "education_receipts": "近12个月的教育费用票据",
    "property_declaration": "家庭财产申报表（签字）",
    "econ_check_authorisation": "家庭经济状况核对授权书（签字）",
    "supporter_evidence": "赡养、抚养、扶养义务人情况说明",
    "danger_grading": "房屋危险等级鉴定",
    "one_house_proof": "村（居）委会出具的一户一宅证明",
    "land_use_approval": "用地批准文件",
    "construction_approval": "建设批准文件",
    "rebuild_approval": "旧房翻建审核批准文件",
    "property_title": "房屋合法产权证明或批建手续",
    "unemployment_registration": "就业创业证（失业登记证明）",
    "land_expropriation_proof": "被征地证明",
    "graduation_cert": "毕业证书",
    "business_licence": "营业执照",
    "veteran_cert": "退役军人证件",
    "poverty_exit_proof": "脱贫人口证明",
    "rural_entrepreneur_proof": "农村自主创业证明",
    "taiwan_permit": "台湾居民来往大陆通行证",
    "release_certificate": "释放证明书",
}
_GROUP_PROOF = {
    "veteran": "veteran_cert",
    "lifted_out_of_poverty": "poverty_exit_proof",
    "rural_entrepreneur": "rural_entrepreneur_proof",
    "taiwan_compatriot": "taiwan_permit",
    "released_prisoner": "release_certificate",
}


class _Checklist:
    def __init__(self):
        self.needs = {}  # id -> set of member positions, or None for one per household

    def once(self, document):
        self.needs.setdefault(document, None)

    def each(self, document, members):
        if members:
            self.needs[document] = (self.needs.get(document) or set()) | set(members)

    def entries(self):
        out = []
        for document, title in TITLES.items():
            if document not in self.needs:
                continue
            members = self.needs[document]
            if members is None:
                out.append({"id": document, "title": title, "count": 1})
            else:
                out.append({"id": document, "title": title, "count": len(members), "members": sorted(members)})
        return out


def documents(situation, programmes, assessed_on):
    """The checklist for one checked situation, its programmes' verdicts and the
    day (YYYY-MM-01) the rules are read on: for the programmes given only."""
    checklist = _Checklist()
    members = situation["members"]
    adult_age = cited("documents.adult_age", assessed_on)["value"]
    adults = [i for i, m in enumerate(members) if m["age"] >= adult_age]

    def family():
        # Applications made by the family as a whole.
        checklist.each("id_card", adults)
        checklist.once("hukou_book")

    # A programme not asked for brings no documents.
    def eligible(name):
        return name in programmes and programmes[name]["eligible"]

    def found(name, key):
        return programmes[name][key] if name in programmes else []

    if eligible("dibao") or eligible("dishouru"):
        family()
        checklist.each("income_proof", [i for i, m in enumerate(members) if m.get("employed")])
        checklist.each("disability_cert", [i for i, m in enumerate(members) if m.get("disability")])
        if situation.get("annual_medical_expense"):
            checklist.once("medical_receipts")
        checklist.each("enrolment_proof", [i for i, m in enumerate(members) if m.get("student_stage")])
        if situation.get("annual_education_expense"):
            checklist.once("education_receipts")
        checklist.once("property_declaration")
        checklist.once("econ_check_authorisation")

    tekun = found("tekun", "members")
    if tekun:
        checklist.each("id_card", [i for i in tekun if members[i]["age"] >= adult_age])
        checklist.once("hukou_book")
        checklist.each("disability_cert", [i for i in tekun if members[i].get("disability")])
        checklist.once("supporter_evidence")

    # Students found through a 低保 or 特困 household need no certificate: the
    # approval is shared with education aid (四㈢).
    for i in found("jiaoyu", "students"):
        checklist.each("enrolment_proof", [i])
        if members[i].get("disability"):
            checklist.each("disability_cert", [i])
        elif members[i].get("parent_disabled"):
            checklist.each("parent_disability_cert", [i])

    if eligible("weifang"):
        family()
        checklist.once("danger_grading")
        checklist.once("one_house_proof")
        plan = situation["housing"]["plan"]
        if plan == "new":
            checklist.once("land_use_approval")
            checklist.once("construction_approval")
        elif plan == "rebuild":
            checklist.once("rebuild_approval")
        else:
            checklist.once("property_title")

    for i in found("jiuye_kunnan", "members"):
        checklist.each("id_card", [i])
        checklist.each("unemployment_registration", [i])
        if members[i].get("disability"):
            checklist.each("disability_cert", [i])
        if members[i].get("land_expropriated"):
            checklist.each("land_expropriation_proof", [i])

    if eligible("daikuan"):
        applicant = programmes["daikuan"]["applicant"]
        checklist.each("id_card", [applicant])
        checklist.once("business_licence")
        group = situation["loan"].get("group")
        if group:
            checklist.each(_GROUP_PROOF[group], [applicant])
        elif members[applicant].get("registered_unemployed"):
            checklist.each("unemployment_registration", [applicant])
        else:
            checklist.each("graduation_cert", [applicant])
    return checklist.entries()
