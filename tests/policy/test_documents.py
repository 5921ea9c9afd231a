"""The document checklist follows the answers and the verdicts."""

from policy import assess


def _checklist(situation):
    return {entry["id"]: entry for entry in assess(situation)["documents"]}


def test_worked_example_checklist(worked_example):
    documents = _checklist(worked_example)
    assert list(documents) == [
        "id_card", "hukou_book", "income_proof", "medical_receipts", "enrolment_proof",
        "property_declaration", "econ_check_authorisation", "danger_grading", "one_house_proof",
        "rebuild_approval",
    ]
    # the two adults' ID cards; the 15-year-old is on the 户口簿
    assert documents["id_card"] == {"id": "id_card", "title": "身份证", "count": 2, "members": [0, 1]}
    assert documents["hukou_book"] == {"id": "hukou_book", "title": "户口簿", "count": 1}
    assert documents["income_proof"]["members"] == [0]
    assert documents["enrolment_proof"]["members"] == [2]
    # no education spending claimed: no education receipts
    assert "education_receipts" not in documents


def test_nothing_to_bring_when_nothing_applies():
    assert assess({"date": "2019-08-01", "members": [{"age": 40, "employed": True, "monthly_income": 9000}]})[
        "documents"
    ] == []


def test_dibao_checklist_counts_per_member():
    documents = _checklist({
        "date": "2019-08-01", "hukou_xiamen": True, "annual_education_expense": 3000,
        "members": [
            {"age": 50, "employed": True, "monthly_income": 800},
            {"age": 48, "employed": True, "monthly_income": 600, "disability": {"kind": "physical", "grade": 3}},
            {"age": 19, "student_stage": "university"},
            {"age": 80, "disability": {"kind": "visual", "grade": 4}},
        ],
    })
    assert documents["id_card"]["members"] == [0, 1, 2, 3]
    assert documents["income_proof"] == {"id": "income_proof", "title": "收入证明", "count": 2, "members": [0, 1]}
    assert documents["disability_cert"]["members"] == [1, 3]
    assert documents["enrolment_proof"]["members"] == [2]
    assert documents["education_receipts"]["count"] == 1
    assert "medical_receipts" not in documents


def test_housing_permits_depend_on_the_plan():
    def permits(plan, grade):
        documents = _checklist({
            "date": "2019-08-01", "hukou_xiamen": True, "members": [{"age": 60}],
            "housing": {"grade": grade, "one_house": True, "plan": plan, "area_m2": 60, "repair_cost": 10000},
        })
        return {d for d in documents if d in {
            "land_use_approval", "construction_approval", "rebuild_approval", "property_title",
            "danger_grading", "one_house_proof"}}

    assert permits("new", "D") == {"land_use_approval", "construction_approval", "danger_grading", "one_house_proof"}
    assert permits("rebuild", "D") == {"rebuild_approval", "danger_grading", "one_house_proof"}
    assert permits("repair", "C") == {"property_title", "danger_grading", "one_house_proof"}


def test_tekun_checklist():
    documents = _checklist({
        "date": "2019-08-01", "hukou_xiamen": True,
        "members": [{"age": 82, "disability": {"kind": "physical", "grade": 1}}, {"age": 12, "student_stage": "primary"}],
    })
    assert documents["id_card"]["members"] == [0]
    assert documents["disability_cert"]["members"] == [0]
    assert "supporter_evidence" in documents and "hukou_book" in documents
    # the grandchild is found for education aid through the 特困 household
    assert documents["enrolment_proof"]["members"] == [1]


def test_education_aid_through_a_disabled_parent():
    documents = _checklist({
        "date": "2019-08-01",
        "members": [{"age": 44, "employed": True, "monthly_income": 9000},
                    {"age": 17, "student_stage": "vocational", "parent_disabled": True}],
    })
    assert set(documents) == {"enrolment_proof", "parent_disability_cert"}
    assert documents["parent_disability_cert"]["members"] == [1]


def test_jiuye_and_daikuan_checklists():
    documents = _checklist({
        "date": "2025-05-01", "hukou_xiamen": True, "financial_assets": 900000,
        "members": [
            {"age": 35, "registered_unemployed": True, "unemployed_months": 14, "land_expropriated": True},
            {"age": 30, "graduate": True},
        ],
        "loan": {"applicant": 1, "business_in_xiamen": True},
    })
    assert documents["unemployment_registration"]["members"] == [0]
    assert documents["land_expropriation_proof"]["members"] == [0]
    assert documents["graduation_cert"]["members"] == [1]
    assert documents["business_licence"]["count"] == 1
    assert documents["id_card"]["members"] == [0, 1]
