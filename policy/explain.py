"""Short plain-Chinese sentences a resident reads: each figure, where it comes
from, the value of each rule applied and since when, and when a test is not
met, by how much.

Works from the computed values of one household (the answer's rounded figures,
plus `facts`: the unrounded arrays of the computation at this household) and
the parameters' own dates and verify marks (params.cited).
"""

from policy.money import yuan
from policy.params import cited

STAGE_NAMES = {
    "preschool": "学前教育",
    "primary": "小学",
    "junior": "初中",
    "senior": "普通高中",
    "vocational": "中等职业学校",
    "university": "高等院校",
}
# stage -> parameter of its yearly amount
STAGE_AMOUNTS = {
    "preschool": "jiaoyu.amount.preschool",
    "primary": "jiaoyu.amount.primary_boarding",
    "junior": "jiaoyu.amount.junior_boarding",
    "senior": "jiaoyu.amount.senior",
    "vocational": "jiaoyu.amount.vocational",
    "university": "jiaoyu.amount.university",
}
PLAN_NAMES = {"new": "新建", "rebuild": "原址翻建", "repair": "维修加固"}


def _since(entry):
    """"2019年7月1日起" (", 待核实" when the value awaits verification)."""
    year, month, day = entry["since"].split("-")
    text = f"{year}年{int(month)}月{int(day)}日起"
    return text + "，待核实" if entry["verify"] else text


def _number(value):
    return f"{value:g}"


def _who(i):
    return f"第{i + 1}位成员"


class _Explainer:
    def __init__(self, situation, answer, facts, day):
        self.situation = situation
        self.members = situation["members"]
        self.answer = answer
        self.income = answer["income"]
        self.programmes = answer["programmes"]
        self.facts = facts
        self.mine = facts["members"]
        self.day = day
        self.lines = []

    def rule(self, name):
        return cited(name, self.day)

    def say(self, text):
        self.lines.append(text)

    # --- the income test ---------------------------------------------------

    def month(self):
        year, month = self.day[:4], int(self.day[5:7])
        self.say(f"按{year}年{month}月评估，采用{year}年{month}月1日有效的标准。")

    def gross(self):
        support = self.situation["monthly_support_received"]
        gross = self.income["gross"]
        if support:
            self.say(
                f"家庭月收入合计{yuan(gross)}元：成员收入{yuan(gross - support)}元，"
                f"加家庭以外的义务人每月给付{yuan(support)}元。"
            )
        else:
            self.say(f"家庭月收入合计{yuan(gross)}元。")

    def deduction(self):
        workers = [i for i, member in enumerate(self.members) if member["employed"]]
        if not workers:
            self.say("家中没有在工作的成员，不做就业成本扣除。")
            return
        rate = self.rule("income.employment_deduction_rate")
        wage = self.rule("income.minimum_wage")
        self.say(
            f"就业成本扣除：每位有工作的成员扣除最低工资{yuan(wage['value'])}元（{_since(wage)}）"
            f"的{_number(rate['value'] * 100)}%（{_since(rate)}），即{yuan(rate['value'] * wage['value'])}元，"
            "但不超过本人收入。"
        )
        for i in workers:
            income = self.members[i]["monthly_income"]
            self.say(f"{_who(i)}月收入{yuan(income)}元，扣除{yuan(self.mine['member_employment_deduction'][i])}元。")
        if len(workers) > 1:
            self.say(f"就业成本扣除合计{yuan(self.income['employment_deduction'])}元。")

    def rigid(self):
        s = self.situation
        parts = [
            (s["annual_medical_expense"], "自付医疗费"),
            (s["annual_education_expense"], "自付教育费"),
            (s["prior_year_medical_aid"] + s["prior_year_education_aid"], "上年获得的医疗、教育救助（视同家庭支出）"),
        ]
        given = [f"{name}{yuan(amount)}元" for amount, name in parts if amount]
        if not given:
            self.say("没有申报医疗、教育等刚性支出。")
            return
        self.say(f"刚性支出：近12个月{'、'.join(given)}，按12个月平均每月{yuan(self.income['rigid_spending'])}元。")

    def net(self):
        income = self.income
        size = len(self.members)
        figures = f"{yuan(income['gross'])} − {yuan(income['employment_deduction'])} − {yuan(income['rigid_spending'])}"
        if self.facts["gross_income"] - self.facts["employment_deduction"] - self.facts["rigid_spending"] < 0:
            self.say(f"家庭月净收入 = {figures}，不足0元，按0元计。")
        else:
            self.say(f"家庭月净收入 = {figures} = {yuan(income['net'])}元。")
        self.say(f"家中{size}人，人均月收入{yuan(income['per_capita'])}元。")

    # --- 低保, 低收入 --------------------------------------------------------

    def dibao(self):
        standard = self.rule("dibao.standard")
        months = self.rule("dibao.asset_months")
        per_capita = self.facts["income_per_capita"]
        self.say(f"低保标准为每人每月{yuan(standard['value'])}元（{_since(standard)}）。")
        if not self.situation["hukou_xiamen"]:
            self.say("低保要求厦门户籍；按填写的情况，家庭不是厦门户籍。")
        if per_capita < standard["value"]:
            self.say(f"人均月收入{yuan(per_capita)}元，低于低保标准。")
        else:
            self.say(f"人均月收入比低保标准高{yuan(per_capita - standard['value'])}元，不低于标准。")
        assets = self.facts["assets_per_capita"]
        limit = self.facts["dibao_asset_limit"]
        rule = f"上限{yuan(limit)}元（{_number(months['value'])}个月的低保标准，{_since(months)}）"
        if self.facts["dibao_assets_ok"]:
            self.say(f"人均金融资产{yuan(assets)}元，未超过{rule}。")
        else:
            self.say(f"人均金融资产{yuan(assets)}元，超过{rule}，高出{yuan(assets - limit)}元。")
        dibao = self.programmes["dibao"]
        if dibao["eligible"]:
            self.say(
                f"可以申请低保。每月差额补助 = 低保标准{yuan(dibao['standard'])}元 × {len(self.members)}人"
                f" − 家庭月净收入{yuan(self.income['net'])}元 = {yuan(dibao['monthly_benefit'])}元。"
            )
        else:
            self.say("暂不符合低保条件。")

    def dishouru(self):
        if self.programmes["dibao"]["eligible"]:
            return
        multiple = self.rule("dishouru.income_multiple")
        line = self.facts["dishouru_income_line"]
        self.say(f"低收入家庭收入线为每人每月{yuan(line)}元（低保标准的{_number(multiple['value'])}倍，{_since(multiple)}）。")
        per_capita = self.facts["income_per_capita"]
        if self.programmes["dishouru"]["eligible"]:
            self.say("人均月收入在低保标准和这条收入线之间，可以申请低收入家庭认定。")
        elif per_capita >= line:
            self.say(f"人均月收入比低收入家庭收入线高{yuan(per_capita - line)}元，暂不符合低收入家庭条件。")
        else:
            self.say("户籍或金融资产条件不符，暂不符合低收入家庭条件。")

    # --- 特困 -------------------------------------------------------------

    def tekun(self):
        tekun = self.programmes["tekun"]
        multiple = self.rule("tekun.support_multiple")
        for i in tekun["members"]:
            self.say(
                f"{_who(i)}符合特困人员条件，基本生活标准每月{yuan(tekun['monthly_support'])}元"
                f"（低保标准的{_number(multiple['value'])}倍，{_since(multiple)}）。"
            )
        unable = [i for i, flag in enumerate(self.mine["unable_to_work"]) if flag and i not in tekun["members"]]
        if not tekun["members"] and not unable:
            self.say("家中没有无劳动能力的成员，不涉及特困人员认定。")
        for i in unable:
            self.say(f"{_who(i)}属于无劳动能力的情形，但{'；'.join(self.tekun_obstacles(i))}，暂不符合特困人员条件。")

    def tekun_obstacles(self, i):
        obstacles = []
        if self.members[i]["monthly_income"] >= self.facts["dibao_standard"]:
            obstacles.append("本人月收入不低于低保标准")
        if self.mine["supporter_at_home"][i]:
            obstacles.append("家中有其他能劳动的成员可以扶养")
        if self.situation["has_able_supporter"]:
            obstacles.append("有能够履行义务的赡养、扶养人")
        limit = self.facts["tekun_asset_limit"]
        if self.facts["assets_per_capita"] > limit:
            years = self.rule("tekun.asset_years")
            obstacles.append(
                f"人均金融资产超过上限{yuan(limit)}元（{_number(years['value'])}年的低保标准，{_since(years)}），"
                f"高出{yuan(self.facts['assets_per_capita'] - limit)}元"
            )
        if self.situation["owns_vehicle"]:
            obstacles.append("家庭有机动车")
        return obstacles

    # --- the other programmes -------------------------------------------------

    def jiaoyu(self):
        jiaoyu = self.programmes["jiaoyu"]
        amounts = dict(zip(jiaoyu["students"], jiaoyu["amounts"]))
        for i, member in enumerate(self.members):
            stage = member["student_stage"]
            if stage is None:
                continue
            school = f"{_who(i)}在读{STAGE_NAMES[stage]}"
            if i not in amounts:
                self.say(f"{school}，但家庭不是低保、没有特困人员，本人和父母也没有残疾人证，暂不符合教育救助条件。")
                continue
            if amounts[i]:
                amount = self.rule(STAGE_AMOUNTS[stage])
                money = f"每年资助{yuan(amounts[i])}元（{_since(amount)}）"
            else:
                money = "义务教育免学杂费，生活补助只发给寄宿生"
            self.say(f"{school}，{self.jiaoyu_reason(i)}，符合教育救助条件，{money}。不用另行申请，会主动资助。")

    def jiaoyu_reason(self, i):
        if self.programmes["dibao"]["eligible"]:
            return "家庭符合低保"
        if self.programmes["tekun"]["members"]:
            return "家中有特困人员"
        if self.members[i]["disability"]:
            return "本人持残疾人证"
        return "父亲或母亲持残疾人证"

    def weifang(self):
        housing = self.situation["housing"]
        if housing is None:
            return
        weifang = self.programmes["weifang"]
        plan = housing["plan"]
        if not weifang["eligible"]:
            self.say(f"危房改造：{'；'.join(self.weifang_obstacles(housing))}，暂不符合条件。")
        elif plan == "repair":
            cap = self.rule("weifang.repair_cap")
            self.say(
                f"危房改造：维修加固按实际费用补助，最多{yuan(cap['value'])}元（{_since(cap)}），"
                f"可补助{yuan(weifang['subsidy'])}元。"
            )
        elif self.rule("weifang.build.per_m2") is not None:
            per_m2 = self.rule("weifang.build.per_m2")
            area_cap = self.rule("weifang.build.area_cap")
            area = min(housing["area_m2"], area_cap["value"])
            self.say(
                f"危房改造：{PLAN_NAMES[plan]}每平方米补助{yuan(per_m2['value'])}元（{_since(per_m2)}），"
                f"面积最多按{_number(area_cap['value'])}平方米计（{_since(area_cap)}）："
                f"{yuan(per_m2['value'])} × {_number(area)} = {yuan(weifang['subsidy'])}元。"
            )
        else:
            lump = self.rule("weifang.build.lump_sum_max")
            self.say(
                f"危房改造：{PLAN_NAMES[plan]}当时实行一次性补助，最多{yuan(lump['value'])}元"
                f"（{_since(lump)}），按最高额计为{yuan(weifang['subsidy'])}元。"
            )

    def weifang_obstacles(self, housing):
        obstacles = []
        dibao = self.programmes["dibao"]["eligible"]
        tekun = self.programmes["tekun"]["members"] or any(m["scattered_tekun"] for m in self.members)
        if not (dibao or tekun):
            obstacles.append("危房改造面向低保家庭和分散供养特困人员")
        if not housing["one_house"]:
            obstacles.append("需要符合一户一宅")
        grade, plan = housing["grade"], housing["plan"]
        if grade is None:
            obstacles.append("住房需经鉴定为C级或D级危房")
        elif grade == "C" and plan != "repair":
            obstacles.append("C级危房应选择维修加固")
        elif grade == "D" and plan not in ("new", "rebuild"):
            obstacles.append("D级危房应选择新建或原址翻建")
        return obstacles

    def yiliao(self):
        total = self.situation["medical_total_cost"]
        if not total:
            return
        y = self.programmes["yiliao"]
        self.say(
            f"医疗费用估算（示例参数，待核实，仅供参考）：一年医疗费用{yuan(total)}元，"
            f"基本医保报销{yuan(y['basic_insurance'])}元，大病保险报销{yuan(y['critical_illness'])}元，"
            f"医疗救助{yuan(y['assistance'])}元，个人自付约{yuan(y['out_of_pocket'])}元。"
        )

    def jiuye(self):
        found = self.programmes["jiuye_kunnan"]["members"]
        for i, member in enumerate(self.members):
            if i in found:
                self.say(f"{_who(i)}符合就业困难人员条件，可以优先安排公益性岗位。")
            elif member["registered_unemployed"]:
                self.say(
                    f"{_who(i)}已办理失业登记，但暂不符合就业困难人员条件（需厦门户籍、处于劳动年龄，并属于大龄失业、"
                    "持残疾人证、低保家庭成员、连续失业一年以上或被征地农民之一）。"
                )

    def daikuan(self):
        loan = self.situation["loan"]
        if loan is None:
            return
        daikuan = self.programmes["daikuan"]
        who = _who(daikuan["applicant"])
        if not daikuan["covered"]:
            self.say("创业担保贷款：目前只收录了2025年的规定，评估月份不在覆盖范围内，请向人社部门咨询。")
        elif daikuan["eligible"]:
            amount = self.rule("daikuan.chuangye.max_amount")
            self.say(
                f"创业担保贷款：{who}可以申请，个人最高{yuan(daikuan['max_amount'])}元，"
                f"期限最长{daikuan['max_years']}年（{_since(amount)}）。"
            )
        else:
            self.say(
                f"创业担保贷款：{who}暂不符合条件（需年龄在规定范围内、属于扶持对象、创业项目在厦门登记经营，"
                "且除助学、住房、汽车贷款外的其他贷款不超过规定额度）。"
            )

    def process(self):
        p = self.programmes
        applying = p["dibao"]["eligible"] or p["dishouru"]["eligible"] or p["tekun"]["members"] or p["weifang"]["eligible"]
        if not applying:
            return
        days = self.rule("process.deadlines.decision_working_days")
        extension = self.rule("process.deadlines.extension_working_days")
        publicity = self.rule("process.deadlines.publicity_days")
        self.say(
            f"材料齐全后，一般在{_number(days['value'])}个工作日内作出决定（特殊情况可延长"
            f"{_number(extension['value'])}个工作日），需要公示的公示{_number(publicity['value'])}天"
            f"（{_since(days)}）。这是预先评估，最终以审核结果为准。"
        )


def explain(situation, answer, facts, day):
    """The sentences for one household: `situation` complete, `day` = YYYY-MM-01."""
    e = _Explainer(situation, answer, facts, day)
    for step in (
        e.month,
        e.gross,
        e.deduction,
        e.rigid,
        e.net,
        e.dibao,
        e.dishouru,
        e.tekun,
        e.jiaoyu,
        e.weifang,
        e.yiliao,
        e.jiuye,
        e.daikuan,
        e.process,
    ):
        step()
    return e.lines
