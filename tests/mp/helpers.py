"""The worked example's household as the mini-program sends it, and images to upload."""
import io

from PIL import Image

# domain.md's worked example, typed as interfaces.md says (yesno booleans, numbers, option values).
ANSWERS = {
    "hukou_xiamen": True, "any_tekun": False,
    "members": [
        {"age": 45, "sex": "male", "employed": True, "monthly_income": 2500, "disabled": False},
        {"age": 43, "sex": "female", "relation": "spouse", "employed": False,
         "monthly_income": 0, "disabled": False},
        {"age": 15, "sex": "female", "relation": "child", "student": True, "student_stage": "junior",
         "boarding": False, "parent_disabled": False, "disabled": False},
    ],
    "monthly_support_received": 0, "has_able_supporter": False, "annual_medical_expense": 3600,
    "annual_education_expense": 0, "prior_year_medical_aid": 0, "prior_year_education_aid": 0,
    "financial_assets": 20000, "owns_vehicle": False,
    "name": "陈明", "id_number": "11010519491231002X", "phone": "13812345678", "district": "思明区",
    "street": "鹭江街道", "address": "思明区鹭江道1号",
}
# The same household as POST /api/mp/precheck takes it.
SITUATION = {
    "hukou_xiamen": True,
    "members": [{"age": 45, "sex": "male", "employed": True, "monthly_income": 2500},
                {"age": 43, "sex": "female", "employed": False, "monthly_income": 0},
                {"age": 15, "sex": "female", "student_stage": "junior", "boarding": False}],
    "monthly_support_received": 0, "has_able_supporter": False, "annual_medical_expense": 3600,
    "annual_education_expense": 0, "prior_year_medical_aid": 0, "prior_year_education_aid": 0,
    "financial_assets": 20000, "owns_vehicle": False,
}


def png(colour=(200, 30, 30), size=(64, 48), exif: bool = False) -> bytes:
    image = Image.new("RGB", size, colour)
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x9286] = "GPS 24.47N 118.08E secret"  # UserComment
        image.save(out, "PNG", exif=data.tobytes())
    else:
        image.save(out, "PNG")
    return out.getvalue()


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (80, 60), (10, 120, 200))
    data = Image.Exif()
    data[0x010F] = "PhoneMaker"
    data[0x0110] = "Model X"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=data.tobytes())
    return out.getvalue()


def fill(mini, draft_id="dibao", answers=None):
    response = mini.patch(f"/api/mp/applications/{draft_id}", json={"answers": answers or ANSWERS})
    assert response.status_code == 200, response.get_json()
    return response.get_json()
