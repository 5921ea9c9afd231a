"""The two entities of the rules: a person, and the household they live in.

Household membership follows co-residence and the duty of support (domain.md), so
the household is the unit of the income test; persons carry what is personal
(age, income, disability, schooling, employment).
"""

from openfisca_core.entities import build_entity

Household = build_entity(
    key="household",
    plural="households",
    label="家庭（共同生活、相互负有赡养扶养抚养义务的成员）",
    roles=[{"key": "member", "plural": "members", "label": "家庭成员"}],
)

Person = build_entity(
    key="person",
    plural="persons",
    label="家庭成员",
    is_person=True,
)

entities = [Household, Person]
