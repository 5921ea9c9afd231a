"""The walk: questions in order, groups expanded per member, conditions applied, and answers
that stop applying dropped when an earlier answer changes."""

import copy

import pytest

import forms
from forms import AnswerError, answer, back, next_question, skip, walk

FIELDS = """
- {id: hukou, type: yesno, prompt: 户口在厦门吗？, required: true}
- id: members
  type: group
  prompt: 几口人？
  required: true
  min: 1
  max: 5
  member_label: "{% if n == 1 %}您本人{% else %}第{{ n }}位{% endif %}"
  fields:
    - {id: age, type: integer, prompt: '{{ member }}多大？', required: true, min: 0, max: 120}
    - {id: employed, type: yesno, prompt: '{{ member }}有工作吗？', required: true, when: age >= 16}
    - {id: income, type: money, prompt: '第{{ n }}位每月收入？', required: true, when: employed}
    - {id: local, type: yesno, prompt: 常住本地吗？, required: false, when: hukou}
- id: edu
  type: money
  prompt: 教育花费？
  required: true
  when: members | selectattr('employed') | list | length > 0
- {id: note, type: text, prompt: 备注？, required: false, help: '{{ members | length }}口人的备注'}
- {id: long_note, type: yesno, prompt: 备注很长吗？, required: true, when: note | length > 3}
"""


@pytest.fixture
def form(make_form):
    return make_form(FIELDS)


def fill(form, answers, *replies):
    """Answer the next questions with these replies, as a chat would."""
    for reply in replies:
        question = next_question(form, answers)
        answers = skip(form, answers, question.path) if reply is None else answer(
            form, answers, question.path, reply)
    return answers


def paths(form, answers):
    return [q.path for q in walk(form, answers)]


def test_the_walk_stops_at_the_first_unanswered_question(form):
    assert paths(form, {}) == [("hukou",)]
    assert next_question(form, {}).prompt == "户口在厦门吗？"
    answers = fill(form, {}, "是", "2")
    assert answers == {"hukou": True, "members": [{}, {}]}
    questions = list(walk(form, answers))
    assert [q.path for q in questions] == [("hukou",), ("members",), ("members", 0, "age")]
    assert [q.answered for q in questions] == [True, True, False]
    assert questions[1].is_count and questions[1].value == 2
    assert questions[2].n == 1 and not questions[2].is_count


def test_groups_ask_their_fields_once_per_member_with_the_members_label(form):
    answers = fill(form, {}, "是", "2", "45", "是", "2500", "是", "10")
    questions = list(walk(form, answers))
    assert [(q.path, q.prompt) for q in questions[2:]] == [
        (("members", 0, "age"), "您本人多大？"),
        (("members", 0, "employed"), "您本人有工作吗？"),
        (("members", 0, "income"), "第1位每月收入？"),
        (("members", 0, "local"), "常住本地吗？"),
        (("members", 1, "age"), "第2位多大？"),
        # age 10: not asked whether employed, nor income (employed is None, so false).
        (("members", 1, "local"), "常住本地吗？"),
    ]
    assert questions[-1].n == 2 and not questions[-1].answered


def test_a_member_is_named_by_their_answers_once_given(make_form):
    form = make_form("""
        - id: members
          type: group
          prompt: 几口人？
          required: true
          min: 1
          max: 5
          member_label: "{{ kin(n, relation, sex, age) }}"
          fields:
            - {id: age, type: integer, prompt: '{{ member }}多大？', required: true, min: 0, max: 120}
            - {id: sex, type: choice, prompt: '{{ member }}的性别？', required: true,
               options: [{value: male, label: 男}, {value: female, label: 女}]}
            - {id: relation, type: choice, prompt: '{{ member }}是您的什么人？', required: false, when: n > 1,
               options: [{value: child, label: 子女}, {value: parent, label: 父母}]}
            - {id: employed, type: yesno, prompt: '{{ member }}有工作吗？', required: true}
        """)
    answers = fill(form, {}, "3", "45", "男", "否", "12", "女", "子女", "否", "70", "男", None)
    prompts = [q.prompt for q in walk(form, answers)][1:]
    assert prompts == [
        "您本人多大？", "您本人的性别？", "您本人有工作吗？",
        # a number until the relation is known, then as the verdict will say it
        "第2位家庭成员多大？", "第2位家庭成员的性别？", "第2位家庭成员是您的什么人？", "您的孩子（12岁）有工作吗？",
        # the relation skipped: the number stays
        "第3位家庭成员多大？", "第3位家庭成员的性别？", "第3位家庭成员是您的什么人？", "第3位家庭成员有工作吗？",
    ]


def test_a_whole_walk_and_its_answers(form):
    answers = fill(form, {}, "否", "2", "45", "是", "2500", "10", "0", "x")
    assert next_question(form, answers) is None
    assert answers == {
        "hukou": False,
        "members": [{"age": 45, "employed": True, "income": 2500}, {"age": 10}],
        "edu": 0, "note": "x",
    }
    # Every question is answered and `long_note` does not apply ("x" is short).
    assert all(q.answered for q in walk(form, answers))
    assert ("long_note",) not in paths(form, answers)
    assert dict((q.path, q.help) for q in walk(form, answers))[("note",)] == "2口人的备注"


def test_a_top_level_condition_over_the_members(form):
    nobody_works = fill(form, {}, "否", "1", "10")
    assert next_question(form, nobody_works).path == ("note",)
    someone_works = fill(form, {}, "否", "2", "10", "30", "是", "100")
    assert next_question(form, someone_works).path == ("edu",)


def test_a_condition_over_a_skipped_answer_is_false(form):
    answers = fill(form, {}, "否", "1", "10", None)
    assert answers["note"] is None
    assert next_question(form, answers) is None
    answers = answer(form, answers, ("note",), "很长很长的备注")
    assert next_question(form, answers).path == ("long_note",)


def test_fewer_members_drop_the_last_members_answers(form):
    answers = fill(form, {}, "否", "3", "45", "否", "43", "否", "15", "0")
    assert len(answers["members"]) == 3
    fewer = answer(form, answers, ("members",), "2")
    assert fewer["members"] == [{"age": 45, "employed": False}, {"age": 43, "employed": False}]
    assert fewer["note"] == "0" and next_question(form, fewer) is None
    more = answer(form, fewer, ["members"], "3")
    assert more["members"] == [{"age": 45, "employed": False}, {"age": 43, "employed": False}, {}]
    assert next_question(form, more).path == ("members", 2, "age")
    assert next_question(form, more).prompt == "第3位多大？"


def test_changing_an_answer_drops_the_answers_it_no_longer_asks_for(form):
    answers = fill(form, {}, "是", "2", "45", "是", "2500", "是", "30", "是", "100", None, "300")
    assert answers["members"][0] == {"age": 45, "employed": True, "income": 2500, "local": True}
    assert answers["edu"] == 300
    # Not employed: no income. Nobody employed: no education spending either.
    changed = answer(form, answers, ("members", 0, "employed"), "否")
    changed = answer(form, changed, ("members", 1, "employed"), "否")
    assert changed["members"] == [{"age": 45, "employed": False, "local": True},
                                  {"age": 30, "employed": False, "local": None}]
    assert "edu" not in changed
    # Not from Xiamen: nobody is asked `local` any more.
    changed = answer(form, changed, ("hukou",), "否")
    assert all("local" not in m for m in changed["members"])
    # A younger age drops `employed` with it.
    changed = answer(form, changed, ("members", 0, "age"), "12")
    assert changed["members"][0] == {"age": 12}


def test_answering_is_pure_and_refuses_bad_answers_and_paths(form):
    answers = fill(form, {}, "是", "2")
    before = copy.deepcopy(answers)
    answer(form, answers, ("members", 0, "age"), "45")
    assert answers == before
    with pytest.raises(AnswerError, match="请填一个数字"):
        answer(form, answers, ("members", 0, "age"), "很大了")
    with pytest.raises(AnswerError, match="请填1到5之间"):
        answer(form, answers, ("members",), "6")
    # Not a question now: beyond the next one, a member that does not exist, a typo.
    for path in [("members", 1, "age"), ("members", 2, "age"), ("edu",), ("hukuo",)]:
        with pytest.raises(KeyError):
            answer(form, answers, path, "1")
    assert answers == before


def test_only_questions_that_are_not_required_can_be_skipped(form):
    answers = fill(form, {}, "是", "1", "45", "否")
    assert next_question(form, answers).path == ("members", 0, "local")
    skipped = skip(form, answers, ("members", 0, "local"))
    assert skipped["members"][0]["local"] is None
    assert next_question(form, skipped).path == ("note",)
    with pytest.raises(AnswerError, match="不能跳过"):
        skip(form, answers, ("hukou",))


def test_back_undoes_the_last_answer_one_at_a_time(form):
    answers = fill(form, {}, "是", "2", "45", "否")
    answers = back(form, answers)
    assert answers == {"hukou": True, "members": [{"age": 45}, {}]}
    assert next_question(form, answers).path == ("members", 0, "employed")
    answers = back(form, back(form, answers))
    # Back over the count takes the (now empty) members with it.
    assert answers == {"hukou": True}
    assert next_question(form, answers).path == ("members",)
    assert back(form, back(form, answers)) == {}


def test_back_from_a_complete_form_reopens_its_last_question(form):
    answers = fill(form, {}, "否", "1", "10", "备注")
    assert next_question(form, answers) is None
    assert next_question(form, back(form, answers)).path == ("note",)


def test_dibao_asks_students_and_tekun_only_where_they_apply():
    dibao = forms.get("dibao")
    answers = fill(dibao, {}, "是", "否", "2", "40", "女", "是", "3000", "否", "70", "男", "父母", "否", "1500", "否")
    asked = [q.path[-1] for q in walk(dibao, answers)]
    assert "student" not in asked  # ages 40 and 70
    assert "scattered_tekun" not in asked
    assert next_question(dibao, answers).path == ("monthly_support_received",)
    assert "annual_education_expense" not in [q.path[0] for q in forms.applicable(dibao, answers)]

    # A tekun household is asked about each member; a student brings her school questions
    # and the household's education spending.
    answers = fill(dibao, {}, "是", "是", "2", "70", "男", "否", "800", "否", "是", "12", "女", "孙子女", "是", "小学")
    question = next_question(dibao, answers)
    assert (question.path, question.prompt) == (
        ("members", 1, "boarding"), "您的孙女（12岁）在学校寄宿（住校）吗？")
    assert ("members", 0, "scattered_tekun") in paths(dibao, answers)
    answers = fill(dibao, answers, "否", "否", "否", "否")
    assert next_question(dibao, answers).path == ("monthly_support_received",)
    applicable = [q.path[0] for q in forms.applicable(dibao, answers)]
    assert "annual_education_expense" in applicable


def test_a_condition_reading_part_of_a_skipped_answer_is_false(make_form):
    form = make_form("""
        - {id: spot, type: location, prompt: 位置？, required: false}
        - {id: island, type: yesno, prompt: 在岛内吗？, required: true, when: spot.lat > 24.4}
        - {id: done, type: yesno, prompt: 好了吗？, required: true}
        """)
    skipped = skip(form, {}, ("spot",))
    assert next_question(form, skipped).path == ("done",)
    given = answer(form, {}, ("spot",), {"lat": 24.48, "lng": 118.09})
    assert next_question(form, given).path == ("island",)


def test_weifang_asks_about_the_house_only_once_it_is_graded():
    weifang = forms.get("weifang")
    not_graded = fill(weifang, {}, "否")
    assert next_question(weifang, not_graded).path == ("hukou_xiamen",)
    grade_c = fill(weifang, {}, "是", "C级（局部危险）", "是")
    question = next_question(weifang, grade_c)
    assert (question.path, question.help) == (("plan",), "C级危房的补助只用于维修加固。")
    repair = fill(weifang, grade_c, "维修加固")
    assert next_question(weifang, repair).path == ("repair_cost",)
    # Ungrading drops every answer about the house.
    assert answer(weifang, fill(weifang, repair, "3万"), ("graded",), "否") == {"graded": False}
