"""How numbers residents type are found in free text and masked, and which spreadsheet cells
are made inert."""
import pytest

from review import privacy
from tests.review.fixtures import ID_NUMBER, PHONE


@pytest.mark.parametrize("typed, shown", [
    (f"身份证{ID_NUMBER}，电话{PHONE}", "身份证350***********1234，电话138****5678"),
    ("身份证35020319800101123X", "身份证350***********123X"),
    ("身份证35020319800101123x。", "身份证350***********123x。"),
    ("电话 138 1234 5678 谢谢", "电话 138****5678 谢谢"),
    ("电话138-1234-5678", "电话138****5678"),
    ("+86 13812345678", "138****5678"),
    ("电话8613812345678", "电话138****5678"),
    ("电话１３８１２３４５６７８", "电话１３８****５６７８"),  # typed on a full-width keyboard
    ("tel:13812345678,", "tel:138****5678,"),
    (f"{ID_NUMBER}{PHONE}", f"{ID_NUMBER}{PHONE}"),  # one 29-digit run is neither
])
def test_numbers_inside_text_are_masked(typed, shown):
    assert privacy.shown(typed, whole=False) == shown
    assert privacy.shown(typed, whole=True) == typed


@pytest.mark.parametrize("text", [
    "2026-03-05 走访，补助3000元", "订单号 12345678901", "银行卡6222021234567890123", "固话0592-5123456",
    "12812345678",  # not a mobile prefix
])
def test_other_numbers_are_left_alone(text):
    assert privacy.shown(text, whole=False) == text and not privacy.has_number(text)


def test_a_number_field_is_masked_whatever_its_format():
    assert privacy.shown("0592-5123456", whole=False, number=True) == "059*****3456"
    assert privacy.shown(None, whole=False) == ""


@pytest.mark.parametrize("cell, written", [
    ("=1+1", "'=1+1"), ("+86", "'+86"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("a=1", "a=1"), ("林晓", "林晓"), ("", ""), (None, ""), (7, "7"),
])
def test_csv_cells_never_start_a_formula(cell, written):
    assert privacy.csv_cell(cell) == written
