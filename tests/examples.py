"""The household of interfaces.md and domain.md's worked example (assessed 2019-08), shared by
the tests of the rules and of the API."""

WORKED_EXAMPLE = {
    "date": "2019-08-15",
    "hukou_xiamen": True,
    "members": [
        {"age": 45, "sex": "male", "employed": True, "monthly_income": 2500,
         "disability": None, "student_stage": None, "scattered_tekun": False},
        {"age": 43, "sex": "female", "employed": False, "monthly_income": 0},
        {"age": 15, "sex": "female", "employed": False, "monthly_income": 0, "student_stage": "junior"},
    ],
    "monthly_support_received": 0,
    "annual_medical_expense": 3600, "annual_education_expense": 0,
    "prior_year_medical_aid": 0, "prior_year_education_aid": 0,
    "financial_assets": 20000, "owns_vehicle": False, "has_able_supporter": False,
    "housing": {"grade": "D", "one_house": True, "plan": "rebuild", "area_m2": 80, "repair_cost": 0},
}
