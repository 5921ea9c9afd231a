"""The explanation's sentences tagged by what they are about, each with its short form for
residents: "2,600 元", no 待核实, members left for the chat to name."""

from policy import assess

TAGS = {"month", "income", "dibao", "dishouru", "tekun", "jiaoyu", "weifang", "yiliao", "jiuye_kunnan",
        "daikuan", "process"}


def items_of(answer):
    return answer["explanation_items"]


def test_the_items_are_the_explanation_tagged(worked_example):
    answer = assess(worked_example)
    items = items_of(answer)
    assert [item["text"] for item in items] == answer["explanation"]  # staff read the same sentences
    assert {item["programme"] for item in items} <= TAGS
    tagged = {item["programme"]: item for item in items}
    assert "563.33" in next(i["text"] for i in items if i["programme"] == "income" and "人均" in i["text"])
    assert "710.00" in tagged["dibao"]["text"]
    assert "120000.00" in tagged["weifang"]["text"]


def test_resident_sentences_read_plainly(worked_example):
    items = items_of(assess(worked_example))
    staff = " ".join(item["text"] for item in items)
    resident = " ".join(item["resident_text"] for item in items if item["resident_text"])
    assert "待核实" in staff  # the minimum wage awaits verification: staff see it
    assert "待核实" not in resident and ".00" not in resident
    for figure in ("2,500 元", "510 元", "300 元", "1,690 元", "563.33 元", "800 元", "710 元", "120,000 元"):
        assert figure in resident, figure
    assert "第1位成员" not in resident and "第3位成员" not in resident


def test_a_sentence_about_a_member_names_the_member_for_the_chat(worked_example):
    items = items_of(assess(worked_example))
    student = next(item for item in items if item["programme"] == "jiaoyu")
    assert student["member"] == 2
    assert student["resident_text"].startswith("{member}在读初中")
    assert student["text"].startswith("第3位成员在读初中")


def test_why_a_programme_is_not_met_is_marked():
    answer = assess({"date": "2019-08-01", "hukou_xiamen": False,
                     "members": [{"age": 40, "employed": True, "monthly_income": 3000}],
                     "financial_assets": 50000})
    reasons = [item for item in items_of(answer) if item["reason"]]
    dibao = [item["resident_text"] for item in reasons if item["programme"] == "dibao"]
    assert any("厦门户籍" in text for text in dibao)
    assert any("比低保标准高 1,690 元" in text for text in dibao)  # 3000 − 510 − 800
    assert any("比每人 38,400 元的上限多 11,600 元" in text for text in dibao)
    assert not any(item["reason"] for item in items_of(answer) if item["programme"] == "income")

