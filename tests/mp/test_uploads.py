"""Uploads: the type from the first bytes, images re-encoded without EXIF, size and bomb limits,
nothing stored on refusal."""
import io
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select

from models import ApplicationDocument, MediaFile, Session
from tests.mp.helpers import fill, jpeg_with_exif, png


@pytest.fixture
def slot(resident):
    resident.post("/api/mp/applications", json={"form": "dibao"})
    fill(resident)
    return resident.post("/api/mp/applications/dibao/verdict").get_json()["missing"][0]


def stored_files(app) -> list[Path]:
    uploads = Path(app.config["APP_VAR_DIR"]) / "uploads"
    return sorted(p for p in uploads.rglob("*") if p.is_file()) if uploads.exists() else []


def counts():
    return Session.scalar(select(func.count()).select_from(MediaFile)), \
        Session.scalar(select(func.count()).select_from(ApplicationDocument))


@pytest.mark.parametrize("content, kind", [(png(exif=True), "PNG"), (jpeg_with_exif(), "JPEG")])
def test_an_image_comes_back_without_its_exif(app, resident, slot, content, kind):
    assert Image.open(io.BytesIO(content)).getexif()  # the phone's EXIF is there before
    response = resident.upload("dibao", slot, content)
    assert response.status_code == 201, response.get_json()
    record = Session.scalars(select(MediaFile)).one()
    saved = (Path(app.config["APP_VAR_DIR"]) / "uploads" / record.path).read_bytes()
    image = Image.open(io.BytesIO(saved))
    assert image.format == kind and not image.getexif()
    assert b"PhoneMaker" not in saved


def test_a_pdf_is_kept_as_it_is(app, resident, slot):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    assert resident.upload("dibao", slot, pdf, name="proof.pdf").status_code == 201
    record = Session.scalars(select(MediaFile)).one()
    assert record.content_type == "application/pdf"
    assert (Path(app.config["APP_VAR_DIR"]) / "uploads" / record.path).read_bytes() == pdf


def bomb() -> bytes:
    """A PNG that says 30000×30000 pixels in a few hundred kilobytes."""
    out = io.BytesIO()
    Image.new("1", (30000, 30000)).save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize("content, name, status", [
    (b"<html><script>alert(1)</script></html>", "photo.png", 400),  # says PNG, is not
    (b"\x89PNG\r\n\x1a\n" + b"not really a png" * 10, "photo.png", 400),  # PNG's magic, no image
    (bomb(), "bomb.png", 400),
    (b"\xff\xd8\xff" + b"\0" * (11 * 1024 * 1024), "big.jpg", 413),
])
def test_refused_uploads_store_nothing(app, resident, slot, content, name, status):
    before_files, before_rows = stored_files(app), counts()
    response = resident.upload("dibao", slot, content, name=name)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"]
    assert stored_files(app) == before_files and counts() == before_rows
    assert slot in resident.get("/api/mp/applications/dibao").get_json()["missing"]


def test_an_unknown_slot_or_a_missing_file_is_400(resident, slot):
    assert resident.upload("dibao", "no_such_item", png()).get_json()["field"] == "slot"
    response = resident.post("/api/mp/applications/dibao/documents", data={"slot": slot},
                             content_type="multipart/form-data")
    assert response.status_code == 400 and response.get_json()["field"] == "file"


def test_documents_before_the_verdict_are_409(resident):
    resident.post("/api/mp/applications", json={"form": "dibao"})
    assert resident.upload("dibao", "id_card", png()).status_code == 409
