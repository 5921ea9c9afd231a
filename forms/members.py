"""How the chat names a household's members: "您本人", "您的妻子（43岁）", "第3位家庭成员".

One wording for the questions (the household's `member_label` calls `kin`) and for the
verdict, checklist and summary (bot/verdict.py), so a member is called the same everywhere.
"""
from __future__ import annotations

SELF = "您本人"
# By relation to the applicant (the household's `relation` question) and sex:
# (male, female, not said).
RELATION_WORDS = {
    "spouse": ("丈夫", "妻子", "爱人"),
    "child": ("孩子", "孩子", "孩子"),
    "parent": ("父亲", "母亲", "父母"),
    "sibling": ("兄弟", "姐妹", "兄弟姐妹"),
    "grandchild": ("孙子", "孙女", "孙辈"),
}
_SEXES = {"male": 0, "female": 1}


def kin(n: int, relation=None, sex=None, age=None) -> str:
    """The member numbered `n` (1 is the applicant) as the resident reads it. Until the
    relation is known the member is only a number: "您的家人" would not say which one."""
    if n == 1:
        return SELF
    if not relation:
        return f"第{n}位家庭成员"
    return _called(relation, sex, age)


def labels(members) -> list[str]:
    """Every member's name in a household's answers; members alike (twins) also say which
    one they are. A form about one person has only `您本人`."""
    if not isinstance(members, list) or not members:
        return [SELF]
    # Named even without a relation: in a verdict "您的家人（70岁）" reads better than a number.
    named = [SELF] + [_called((m or {}).get("relation"), (m or {}).get("sex"), (m or {}).get("age"))
                      for m in members[1:]]
    alike = {label for label in named if named.count(label) > 1}
    return [(f"{label.removesuffix('）')}，第{i + 1}位）" if label.endswith("）") else f"{label}（第{i + 1}位）")
            if label in alike else label for i, label in enumerate(named)]


def _called(relation, sex, age) -> str:
    word = RELATION_WORDS.get(relation, ("家人",) * 3)[_SEXES.get(sex, 2)]
    return f"您的{word}（{age}岁）" if age is not None else f"您的{word}"
