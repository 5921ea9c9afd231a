"""Short plain-Chinese sentences a resident reads: each figure, where it comes
from, the value of each rule applied and since when, and when a test is not
met, by how much.

Works from the computed values of one household (the answer's rounded figures,
plus `facts`: the unrounded arrays of the computation at this household) and
the parameters' own dates and verify marks (params.cited).

Each sentence is also kept as an item tagged with what it is about, for a chat that shows a
resident only what their form is about (`explain` puts them in answer["explanation_items"]):

    {"programme": "dibao",        # or "month", "income" (the test 低保/低收入/特困 share), "process"
     "text": "…",                 # the sentence above, as staff read it
     "resident_text": "…" | None, # short, for residents: "2,600 元", never 待核实; None: not for them
     "member": 2 | None,          # the member the sentence names: "{member}" in resident_text
     "reason": bool}              # says why a programme is not met
"""

from policy.money import fen, yuan
from policy.params import cited
from policy.simulation import INCOME_TEST

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


def _since_resident(entry):
    """"2019年7月1日起" for residents: whether a value awaits verification is for staff."""
    year, month, day = entry["since"].split("-")
    return f"{year}年{int(month)}月{int(day)}日起"


def _money(value):
    """A sum for residents: "2,600", "563.33" (no ".00" for whole yuan)."""
    amount = float(fen(value))
    return f"{amount:,.0f}" if amount == int(amount) else f"{amount:,.2f}"


def _number(value):
    return f"{value:g}"


def _who(i):
    return f"第{i + 1}位成员"


class _Explainer:
    def __init__(self, situation, answer, facts, day):
        self.situation = situation
        self.members = situation["members"]
        self.answer = answer
        self.income = answer.get("income")  # with the programmes of the income test
        self.programmes = answer["programmes"]
        self.facts = facts
        self.mine = facts["members"]
        self.day = day
        self.lines = []
        self.items = []
        self.tag = None  # what the step being run is about (see explain)

    # What the programmes explained rest on, read from the computation: the answer
    # holds only the programmes asked for.
    @property
    def tekun_members(self):
        return [i for i, found in enumerate(self.mine["tekun_eligible"]) if found]

    @property
    def dibao_eligible(self):
        return bool(self.facts["dibao_eligible"])

    def rule(self, name):
        return cited(name, self.day)

    def say(self, text, resident=None, member=None, reason=False):
        """A sentence for staff and, when `resident` is given, its short form for residents
        ("{member}" there stands for the member's name, which the chat knows)."""
        self.lines.append(text)
        self.items.append({"programme": self.tag, "text": text, "resident_text": resident,
                           "member": member, "reason": reason})

    # --- the income test ---------------------------------------------------

    def month(self):
        year, month = self.day[:4], int(self.day[5:7])
        self.say(f"按{year}年{month}月评估，采用{year}年{month}月1日有效的标准。",
                 f"以下按{year}年{month}月的标准计算。")

    def gross(self):
        support = self.situation["monthly_support_received"]
        gross = self.income["gross"]
        if support:
            self.say(
                f"家庭月收入合计{yuan(gross)}元：成员收入{yuan(gross - support)}元，"
                f"加家庭以外的义务人每月给付{yuan(support)}元。",
                f"全家每月收入共 {_money(gross)} 元，其中不住在一起的亲属每月给 {_money(support)} 元。",
            )
        else:
            self.say(f"家庭月收入合计{yuan(gross)}元。", f"全家每月收入共 {_money(gross)} 元。")

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
            "但不超过本人收入。",
            f"上班的人每人可扣除 {_money(rate['value'] * wage['value'])} 元工作开销："
            f"最低工资 {_money(wage['value'])} 元（{_since_resident(wage)}）的 {_number(rate['value'] * 100)}%"
            f"（{_since_resident(rate)}），最多扣到本人收入。",
        )
        for i in workers:
            income = self.members[i]["monthly_income"]
            deducted = self.mine["member_employment_deduction"][i]
            self.say(f"{_who(i)}月收入{yuan(income)}元，扣除{yuan(deducted)}元。",
                     f"{{member}}每月收入 {_money(income)} 元，扣除 {_money(deducted)} 元。", member=i)
        if len(workers) > 1:
            self.say(f"就业成本扣除合计{yuan(self.income['employment_deduction'])}元。",
                     f"工作开销合计扣除 {_money(self.income['employment_deduction'])} 元。")

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
        told = [f"{name} {_money(amount)} 元" for amount, name in parts if amount]
        self.say(f"刚性支出：近12个月{'、'.join(given)}，按12个月平均每月{yuan(self.income['rigid_spending'])}元。",
                 f"看病、上学自己花的钱也从收入里扣除：近12个月{'、'.join(told)}，"
                 f"平均每月 {_money(self.income['rigid_spending'])} 元。")

    def net(self):
        income = self.income
        size = len(self.members)
        figures = f"{yuan(income['gross'])} − {yuan(income['employment_deduction'])} − {yuan(income['rigid_spending'])}"
        told = f"{_money(income['gross'])} − {_money(income['employment_deduction'])} − {_money(income['rigid_spending'])}"
        if self.facts["gross_income"] - self.facts["employment_deduction"] - self.facts["rigid_spending"] < 0:
            self.say(f"家庭月净收入 = {figures}，不足0元，按0元计。",
                     f"扣除后每月收入：{told}，不到 0 元，按 0 元算。")
        else:
            self.say(f"家庭月净收入 = {figures} = {yuan(income['net'])}元。",
                     f"扣除后每月收入：{told} = {_money(income['net'])} 元。")
        self.say(f"家中{size}人，人均月收入{yuan(income['per_capita'])}元。",
                 f"{size} 个人平均，每人每月 {_money(income['per_capita'])} 元。")

    # --- 低保, 低收入 --------------------------------------------------------

    def dibao(self):
        standard = self.rule("dibao.standard")
        months = self.rule("dibao.asset_months")
        per_capita = self.facts["dibao_income_per_capita"]  # of the members left for 低保
        self.say(f"低保标准为每人每月{yuan(standard['value'])}元（{_since(standard)}）。",
                 f"低保标准是每人每月 {_money(standard['value'])} 元（{_since_resident(standard)}）。")
        if not self.situation["hukou_xiamen"]:
            self.say("低保要求厦门户籍；按填写的情况，家庭不是厦门户籍。",
                     "低保要求厦门户籍，您填的是户口不在厦门。", reason=True)
        if not self.tekun_first():
            return
        if per_capita < standard["value"]:
            self.say(f"人均月收入{yuan(per_capita)}元，低于低保标准。",
                     f"您家每人每月 {_money(per_capita)} 元，低于低保标准。")
        else:
            self.say(f"人均月收入比低保标准高{yuan(per_capita - standard['value'])}元，不低于标准。",
                     f"您家每人每月收入比低保标准高 {_money(per_capita - standard['value'])} 元。", reason=True)
        assets = self.facts["assets_per_capita"]
        limit = self.facts["dibao_asset_limit"]
        rule = f"上限{yuan(limit)}元（{_number(months['value'])}个月的低保标准，{_since(months)}）"
        if self.facts["dibao_assets_ok"]:
            self.say(f"人均金融资产{yuan(assets)}元，未超过{rule}。",
                     f"存款等每人平均 {_money(assets)} 元，没有超过每人 {_money(limit)} 元的上限。")
        else:
            self.say(f"人均金融资产{yuan(assets)}元，超过{rule}，高出{yuan(assets - limit)}元。",
                     f"存款等每人平均 {_money(assets)} 元，比每人 {_money(limit)} 元的上限多 {_money(assets - limit)} 元。",
                     reason=True)
        dibao = self.programmes["dibao"]
        if dibao["eligible"]:
            size, net = self.facts["dibao_household_size"], self.facts["dibao_net_income"]
            whose = ("其余成员", "他们") if self.tekun_members else ("家庭", "家里")
            self.say(
                f"可以申请低保。每月差额补助 = 低保标准{yuan(dibao['standard'])}元 × {size}人"
                f" − {whose[0]}月净收入{yuan(net)}元 = {yuan(dibao['monthly_benefit'])}元。",
                f"每月补助 = 低保标准 {_money(dibao['standard'])} 元 × {size} 人"
                f" − {whose[1]}每月收入 {_money(net)} 元 = {_money(dibao['monthly_benefit'])} 元。",
            )
        else:
            self.say("暂不符合低保条件。")

    def dishouru(self):
        if self.dibao_eligible or not self.facts["dibao_household_size"]:
            return
        multiple = self.rule("dishouru.income_multiple")
        line = self.facts["dishouru_income_line"]
        self.say(f"低收入家庭收入线为每人每月{yuan(line)}元（低保标准的{_number(multiple['value'])}倍，{_since(multiple)}）。",
                 f"低收入家庭的收入线是每人每月 {_money(line)} 元（低保标准的 {_number(multiple['value'])} 倍）。")
        per_capita = self.facts["dibao_income_per_capita"]
        if self.programmes["dishouru"]["eligible"]:
            self.say("人均月收入在低保标准和这条收入线之间，可以申请低收入家庭认定。",
                     "您家每人收入在低保标准和这条线之间，可以申请低收入家庭认定。")
        elif per_capita >= line:
            self.say(f"人均月收入比低收入家庭收入线高{yuan(per_capita - line)}元，暂不符合低收入家庭条件。",
                     f"您家每人每月收入比这条线高 {_money(per_capita - line)} 元。", reason=True)
        else:
            self.say("户籍或金融资产条件不符，暂不符合低收入家庭条件。",
                     "户籍或存款条件不符合，暂不符合低收入家庭条件。", reason=True)

    # --- 特困 before 低保, and the declared flag ------------------------------

    def tekun_first(self):
        """Who is supported as 特困 instead of 低保, and the figures of the members left
        for 低保 (variables/dibao.py); False when nobody is left."""
        tekun = self.tekun_members
        for i in tekun:
            self.say(f"{_who(i)}符合特困人员条件，按特困人员供养（特困优先于低保，标准更高），不再同时领取低保。",
                     "{member}符合特困人员条件，按特困人员供养，比低保多，不再同时领低保。", member=i, reason=True)
        f = self.facts
        size = f["dibao_household_size"]
        if not tekun or not size:
            return bool(size)
        support = "（含按人数分摊的家外赡养扶养费）" if self.situation["monthly_support_received"] else ""
        self.say(
            f"其余{size}人按低保审核：月收入{yuan(f['dibao_gross_income'])}元{support}"
            f" − 就业成本扣除{yuan(f['dibao_employment_deduction'])}元"
            f" − 按人数分摊的刚性支出{yuan(f['dibao_rigid_spending'])}元，"
            f"月净收入{yuan(f['dibao_net_income'])}元，人均{yuan(f['dibao_income_per_capita'])}元。",
            f"其他 {size} 个人按低保算：每月收入 {_money(f['dibao_gross_income'])} 元"
            f" − 工作开销 {_money(f['dibao_employment_deduction'])} 元"
            f" − 分摊的看病上学开销 {_money(f['dibao_rigid_spending'])} 元"
            f" = {_money(f['dibao_net_income'])} 元，每人 {_money(f['dibao_income_per_capita'])} 元。",
        )
        return True

    def claims(self):
        """A declared 分散供养特困 flag the rules do not confirm: said, never counted."""
        for claim in self.answer["claims"]:
            if not claim["confirmed"]:
                self.say(
                    f"{_who(claim['member'])}申报为已认定的分散供养特困人员，但按填写的情况不符合特困人员条件，"
                    "本次不按特困人员计算，请工作人员核实。",
                    "{member}说已被认定为分散供养特困人员，但按您填的情况不符合特困条件，"
                    "本次不按特困人员算，工作人员会再核实。",
                    member=claim["member"], reason=True,
                )

    # --- 特困 -------------------------------------------------------------

    def tekun(self):
        tekun = self.programmes["tekun"]
        multiple = self.rule("tekun.support_multiple")
        for i in tekun["members"]:
            self.say(
                f"{_who(i)}符合特困人员条件，基本生活标准每月{yuan(tekun['monthly_support'])}元"
                f"（低保标准的{_number(multiple['value'])}倍，{_since(multiple)}）。",
                f"{{member}}符合特困人员条件，每月基本生活费 {_money(tekun['monthly_support'])} 元"
                f"（低保标准的 {_number(multiple['value'])} 倍）。",
                member=i,
            )
        unable = [i for i, flag in enumerate(self.mine["unable_to_work"]) if flag and i not in tekun["members"]]
        if not tekun["members"] and not unable:
            self.say("家中没有无劳动能力的成员，不涉及特困人员认定。")
        for i in unable:
            self.say(f"{_who(i)}属于无劳动能力的情形，但{'；'.join(self.tekun_obstacles(i))}，暂不符合特困人员条件。",
                     f"{{member}}按规定属于没有劳动能力的人，但{'；'.join(self.tekun_obstacles(i, True))}，"
                     "暂不符合特困人员条件。", member=i, reason=True)
        self.claims()

    def tekun_obstacles(self, i, resident=False):
        """What keeps member i from 特困; `resident`: in residents' words."""
        obstacles = []
        if not self.situation["hukou_xiamen"]:
            obstacles.append("特困人员须是厦门户籍" if resident else "特困人员须是厦门户籍（向户籍所在地街道申请）")
        if self.members[i]["monthly_income"] >= self.facts["dibao_standard"]:
            obstacles.append("本人月收入不低于低保标准")
        if self.mine["supporter_at_home"][i]:
            obstacles.append("家里有能工作的人可以扶养" if resident else "家中有其他能劳动的成员可以扶养")
        if self.situation["has_able_supporter"]:
            obstacles.append("有能力赡养、扶养的亲属" if resident else "有能够履行义务的赡养、扶养人")
        limit = self.facts["tekun_asset_limit"]
        if self.facts["assets_per_capita"] > limit:
            years = self.rule("tekun.asset_years")
            over = self.facts["assets_per_capita"] - limit
            obstacles.append(
                f"存款等每人比 {_money(limit)} 元的上限多 {_money(over)} 元" if resident else
                f"人均金融资产超过上限{yuan(limit)}元（{_number(years['value'])}年的低保标准，{_since(years)}），"
                f"高出{yuan(over)}元"
            )
        if self.situation["owns_vehicle"]:
            obstacles.append("家里有汽车等机动车" if resident else "家庭有机动车")
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
            told = f"{{member}}在读{STAGE_NAMES[stage]}"
            if i not in amounts:
                rest = "，但家庭不是低保、没有特困人员，本人和父母也没有残疾人证，暂不符合教育救助条件。"
                self.say(school + rest, told + rest, member=i, reason=True)
                continue
            if amounts[i]:
                amount = self.rule(STAGE_AMOUNTS[stage])
                money = f"每年资助{yuan(amounts[i])}元（{_since(amount)}）"
                given = f"每年资助 {_money(amounts[i])} 元（{_since_resident(amount)}）"
            else:
                money = given = "义务教育免学杂费，生活补助只发给寄宿生"
            self.say(f"{school}，{self.jiaoyu_reason(i)}，符合教育救助条件，{money}。不用另行申请，会主动资助。",
                     f"{told}，{self.jiaoyu_reason(i)}，符合教育救助条件，{given}。不用另外申请，会主动资助。",
                     member=i)

    def jiaoyu_reason(self, i):
        if self.dibao_eligible:
            return "家庭符合低保"
        if self.tekun_members:
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
            because = '；'.join(self.weifang_obstacles(housing))
            self.say(f"危房改造：{because}，暂不符合条件。", f"{because}。", reason=True)
        elif plan == "repair":
            cap = self.rule("weifang.repair_cap")
            self.say(
                f"危房改造：维修加固按实际费用补助，最多{yuan(cap['value'])}元（{_since(cap)}），"
                f"可补助{yuan(weifang['subsidy'])}元。",
                f"危房改造：维修加固按实际费用补助，最多 {_money(cap['value'])} 元（{_since_resident(cap)}），"
                f"您家可补助 {_money(weifang['subsidy'])} 元。",
            )
        elif self.rule("weifang.build.per_m2") is not None:
            per_m2 = self.rule("weifang.build.per_m2")
            area_cap = self.rule("weifang.build.area_cap")
            area = min(housing["area_m2"], area_cap["value"])
            self.say(
                f"危房改造：{PLAN_NAMES[plan]}每平方米补助{yuan(per_m2['value'])}元（{_since(per_m2)}），"
                f"面积最多按{_number(area_cap['value'])}平方米计（{_since(area_cap)}）："
                f"{yuan(per_m2['value'])} × {_number(area)} = {yuan(weifang['subsidy'])}元。",
                f"危房改造：{PLAN_NAMES[plan]}每平方米补助 {_money(per_m2['value'])} 元（{_since_resident(per_m2)}），"
                f"面积最多按 {_number(area_cap['value'])} 平方米算："
                f"{_money(per_m2['value'])} 元 × {_number(area)} 平方米 = {_money(weifang['subsidy'])} 元。",
            )
        else:
            lump = self.rule("weifang.build.lump_sum_max")
            self.say(
                f"危房改造：{PLAN_NAMES[plan]}当时实行一次性补助，最多{yuan(lump['value'])}元"
                f"（{_since(lump)}），按最高额计为{yuan(weifang['subsidy'])}元。",
                f"危房改造：{PLAN_NAMES[plan]}当时实行一次性补助，最多 {_money(lump['value'])} 元，"
                f"按最高额算 {_money(weifang['subsidy'])} 元。",
            )

    def weifang_obstacles(self, housing):
        obstacles = []
        # 特困 as the rules find it: a declared flag alone never counts (see claims).
        if not (self.dibao_eligible or self.tekun_members):
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
            f"医疗救助{yuan(y['assistance'])}元，个人自付约{yuan(y['out_of_pocket'])}元。",
            f"一年看病费用 {_money(total)} 元：基本医保约报销 {_money(y['basic_insurance'])} 元，"
            f"大病保险约 {_money(y['critical_illness'])} 元，医疗救助约 {_money(y['assistance'])} 元，"
            f"自己约付 {_money(y['out_of_pocket'])} 元。这是估算，以医保结算为准。",
        )

    def jiuye(self):
        found = self.programmes["jiuye_kunnan"]["members"]
        for i, member in enumerate(self.members):
            if i in found:
                self.say(f"{_who(i)}符合就业困难人员条件，可以优先安排公益性岗位。",
                         "{member}符合就业困难人员条件，可以优先安排公益性岗位。", member=i)
            elif member["registered_unemployed"]:
                rest = ("已办理失业登记，但暂不符合就业困难人员条件（需厦门户籍、处于劳动年龄，并属于大龄失业、"
                        "持残疾人证、低保家庭成员、连续失业一年以上或被征地农民之一）。")
                self.say(_who(i) + rest, "{member}" + rest, member=i, reason=True)

    def daikuan(self):
        loan = self.situation["loan"]
        if loan is None:
            return
        daikuan = self.programmes["daikuan"]
        applicant = daikuan["applicant"] or 0
        who = _who(applicant)
        if not daikuan["covered"]:
            told = "创业担保贷款：目前只收录了2025年的规定，评估月份不在覆盖范围内，请向人社部门咨询。"
            self.say(told, told, reason=True)
        elif daikuan["eligible"]:
            amount = self.rule("daikuan.chuangye.max_amount")
            self.say(
                f"创业担保贷款：{who}可以申请，个人最高{yuan(daikuan['max_amount'])}元，"
                f"期限最长{daikuan['max_years']}年（{_since(amount)}）。",
                f"创业担保贷款：{{member}}可以申请，个人最高 {_money(daikuan['max_amount'])} 元，"
                f"期限最长 {daikuan['max_years']} 年（{_since_resident(amount)}）。",
                member=applicant,
            )
        else:
            rest = ("暂不符合条件（需年龄在规定范围内、属于扶持对象、创业项目在厦门登记经营，"
                    "且除助学、住房、汽车贷款外的其他贷款不超过规定额度）。")
            self.say(f"创业担保贷款：{who}{rest}", f"创业担保贷款：{{member}}{rest}", member=applicant, reason=True)

    def process(self):
        # How long review takes, where a programme explained is one to apply for.
        p = self.programmes
        if not any(p[name]["eligible"] for name in APPLIED_FOR if name in p):
            return
        days = self.rule("process.deadlines.decision_working_days")
        extension = self.rule("process.deadlines.extension_working_days")
        publicity = self.rule("process.deadlines.publicity_days")
        self.say(
            f"材料齐全后，一般在{_number(days['value'])}个工作日内作出决定（特殊情况可延长"
            f"{_number(extension['value'])}个工作日），需要公示的公示{_number(publicity['value'])}天"
            f"（{_since(days)}）。这是预先评估，最终以审核结果为准。",
            f"材料齐全后，一般 {_number(days['value'])} 个工作日内给出结果。这是预先评估，以审核结果为准。",
        )


# The steps in the order they are said, each with what its sentences are about: a programme,
# or "month" (always said), "income" (the test of 低保, 低收入 and 特困: said with any of
# them), "process" (said with any programme one applies for).
STEPS = (
    ("month", "month"),
    ("gross", "income"),
    ("deduction", "income"),
    ("rigid", "income"),
    ("net", "income"),
    ("dibao", "dibao"),
    ("dishouru", "dishouru"),
    ("tekun", "tekun"),
    ("jiaoyu", "jiaoyu"),
    ("weifang", "weifang"),
    ("yiliao", "yiliao"),
    ("jiuye", "jiuye_kunnan"),
    ("daikuan", "daikuan"),
    ("process", "process"),
)
APPLIED_FOR = ("dibao", "dishouru", "tekun", "weifang")


def explain(situation, answer, facts, day):
    """The sentences for one household about the programmes of its answer: `situation`
    complete, `day` = YYYY-MM-01. The same sentences, tagged, go to
    answer["explanation_items"] (see the top of this module)."""
    e = _Explainer(situation, answer, facts, day)
    said = set(answer["programmes"]) | {"month"}
    if said & set(INCOME_TEST):
        said.add("income")
    if said & set(APPLIED_FOR):
        said.add("process")
    for step, tag in STEPS:
        if tag in said:
            e.tag = tag
            getattr(e, step)()
    answer["explanation_items"] = e.items
    return e.lines
