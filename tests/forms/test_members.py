"""How members are named: the same words in the questions and in the verdict."""
from forms.members import kin, labels


def test_a_member_is_a_number_until_the_relation_is_known():
    assert kin(1) == kin(1, "spouse", "female", 43) == "您本人"
    assert kin(2, None, "female", 43) == "第2位家庭成员"
    assert kin(2, "spouse", "female", 43) == "您的妻子（43岁）"
    assert kin(2, "spouse", "male") == "您的丈夫"
    assert kin(3, "parent", None, 0) == "您的父母（0岁）"  # a baby's age 0 still shows
    assert kin(4, "other", "male", 30) == "您的家人（30岁）"


def test_the_verdict_names_everyone_and_tells_twins_apart():
    assert labels(None) == labels([]) == ["您本人"]
    members = [{"age": 45}, {"age": 43, "sex": "female", "relation": "spouse"},
               {"age": 8, "sex": "male", "relation": "child"}, {"age": 8, "sex": "female", "relation": "child"},
               {"age": 70}]
    assert labels(members) == ["您本人", "您的妻子（43岁）", "您的孩子（8岁，第3位）", "您的孩子（8岁，第4位）",
                               "您的家人（70岁）"]
