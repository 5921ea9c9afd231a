"""Media downloads through the queue against the fake WeChat server: stored by checksum,
duplicates recognised, wrong types and sizes rejected, vanished media failed, 5xx retried."""
import hashlib
import os

import pytest

from channels import media
from models import MediaFile

from .conftest import reload

OPENID = "o_resident_1"
MEDIA_GET = "cgi-bin/media/get"


def photo(kind: str = "jpeg") -> bytes:
    """A file of `kind` as its first bytes say, unique to the call."""
    heads = {"jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
             "gif": b"GIF89a\x01\x00\x01\x00", "webp": b"RIFF\x24\x00\x00\x00WEBPVP8 ",
             "pdf": b"%PDF-1.7\n"}
    return heads[kind] + os.urandom(256)


def record(media_file_id) -> MediaFile:
    return reload(MediaFile, media_file_id)


def test_downloaded_through_the_queue_and_stored_by_checksum(wx, run_worker, uploads):
    content = photo("jpeg")
    requested = media.request_download(OPENID, wx.add_media(content, "image/jpeg"))
    assert requested.state == "pending"
    run_worker()
    stored = record(requested.id)
    digest = hashlib.sha256(content).hexdigest()
    assert (stored.state, stored.sha256, stored.size) == ("stored", digest, len(content))
    assert stored.content_type == "image/jpeg" and stored.stored_at is not None
    assert stored.path == f"{digest[:2]}/{digest}.jpg"
    assert (uploads / stored.path).read_bytes() == content


@pytest.mark.parametrize("kind, content_type, ext", [
    ("png", "image/png", "png"), ("gif", "image/gif", "gif"),
    ("webp", "image/webp", "webp"), ("pdf", "application/pdf", "pdf"),
])
def test_accepted_types(wx, api, uploads, kind, content_type, ext):
    requested = media.request_download(OPENID, wx.add_media(photo(kind), content_type))
    stored = media.download(requested.id, api, uploads)
    assert (stored.state, stored.content_type) == ("stored", content_type)
    assert stored.path.endswith("." + ext)


def test_the_same_file_twice_is_one_file(wx, api, uploads):
    content = photo("png")
    first = media.download(media.request_download(OPENID, wx.add_media(content, "image/png")).id,
                           api, uploads)
    second = media.download(media.request_download(OPENID, wx.add_media(content, "image/png")).id,
                            api, uploads)
    assert second.state == "stored" and second.path == first.path
    assert second.reason == f"same file as media file {first.id}"
    assert [p.name for p in uploads.rglob("*") if p.is_file()] == [f"{first.sha256}.png"]


@pytest.mark.parametrize("content, label", [
    (b"PK\x03\x04" + os.urandom(64), "application/zip"),
    (b"<html><script>alert(1)</script></html>", "image/jpeg"),  # the label lies
])
def test_wrong_type_is_rejected_and_not_stored(wx, api, uploads, content, label):
    requested = media.request_download(OPENID, wx.add_media(content, label))
    rejected = media.download(requested.id, api, uploads)
    assert rejected.state == "rejected"
    assert "unsupported file type" in rejected.reason and label in rejected.reason
    assert rejected.reason.isascii()
    assert rejected.path is None and not uploads.exists()


def test_too_large_is_rejected(wx, api, uploads):
    requested = media.request_download(OPENID, wx.add_media(photo("jpeg"), "image/jpeg"))
    rejected = media.download(requested.id, api, uploads, max_bytes=100)
    assert rejected.state == "rejected" and rejected.reason == "file larger than 100 bytes"
    assert not uploads.exists()


def test_media_gone_at_wechat_fails_without_retry(wx, run_worker, uploads):
    requested = media.request_download(OPENID, "no-such-media-id")
    run_worker()
    failed = record(requested.id)
    assert failed.state == "failed" and "40007" in failed.reason
    assert len(wx.calls(MEDIA_GET)) == 1


def test_server_error_is_retried(wx, run_worker, uploads):
    wx.fail_next(MEDIA_GET, "http_502")
    requested = media.request_download(OPENID, wx.add_media(photo("jpeg"), "image/jpeg"))
    run_worker()
    assert record(requested.id).state == "stored"
    assert len(wx.calls(MEDIA_GET)) == 2


def test_refused_token_is_renewed_for_downloads_too(wx, api, uploads):
    api.access_token()
    wx.expire_tokens()
    requested = media.request_download(OPENID, wx.add_media(photo("gif"), "image/gif"))
    assert media.download(requested.id, api, uploads).state == "stored"
    assert wx.token_fetches == 2


def test_retries_exhausted_the_record_ends_failed(wx, run_worker, uploads):
    wx.fail_next(MEDIA_GET, "http_500", times=3)
    requested = media.request_download(OPENID, wx.add_media(photo("jpeg"), "image/jpeg"))
    run_worker()
    failed = record(requested.id)
    assert failed.state == "failed" and "HTTP 500" in failed.reason
    assert len(wx.calls(MEDIA_GET)) == 3
