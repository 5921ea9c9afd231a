"""Files residents send (photos of documents), downloaded from WeChat through the queue.

A MediaFile row exists before the download starts: pending → stored | rejected (type, size)
| failed (gone at WeChat, or out of retries). Files are stored by content:
`uploads/<sha256[:2]>/<sha256>.<ext>`, so the same photo sent twice is one file.

Each record has at most one live job, under the id `media-<record id>`; a download can run
twice (RQ retrying a job whose worker died, the sweep) and decides once: the first run that
finds the record pending settles it. sweep.py queues again a record whose job Redis lost.
"""
from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from pathlib import Path

from redis import RedisError
from rq import Callback
from sqlalchemy import select

from models import MediaFile, Session, utcnow
from models.queues import enqueue_once

from .wechat_api import MEDIA_GONE, MediaTooLarge, WeChatAPI, WeChatError

log = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024

# Named, not imported: channels never import tasks (tasks.media calls into this module).
DOWNLOAD_JOB = "tasks.media.download"
ON_FAILURE = "tasks.media.on_failure"

# RQ's job_timeout for one download: the token and one streamed GET of at most MAX_BYTES,
# bounded by the client's HTTP timeouts (wechat_api.py). A worker that dies mid-download is
# noticed by RQ soon after this and the job retried (tasks/worker.py).
DOWNLOAD_JOB_TIMEOUT = 30

# What we accept, recognised by the file's first bytes rather than by the label WeChat (or
# the sender) put on it: staff open these files, so a page labelled image/jpeg stays out.
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"GIF87a", "image/gif", "gif"),
    (b"GIF89a", "image/gif", "gif"),
    (b"%PDF-", "application/pdf", "pdf"),
)


def sniff(content: bytes) -> tuple[str, str] | None:
    """(content type, extension) of an accepted file, None for anything else."""
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp", "webp"
    for magic, content_type, ext in SIGNATURES:
        if content.startswith(magic):
            return content_type, ext
    return None


def request_download(openid: str, media_id: str, inbound_id: int | None = None) -> MediaFile:
    """Record the file and queue its download; the same message handled again (its delivery
    died mid-turn) finds its record rather than making a second one."""
    if inbound_id is not None:
        known = Session.scalar(select(MediaFile).where(MediaFile.inbound_id == inbound_id,
                                                       MediaFile.media_id == media_id))
        if known is not None:
            return known
    media = MediaFile(openid=openid, media_id=media_id, inbound_id=inbound_id)
    Session.add(media)
    Session.commit()
    try:
        queue_download(media.id)
    except RedisError:
        # Kept `pending`: the sweep (channels/sweep.py) queues it once Redis is back.
        log.warning("media %s recorded; queueing waits for Redis", media.id)
        return media
    log.info("media %s queued", media.id)
    return media


def keep(openid: str, content: bytes, content_type: str, ext: str, uploads: Path, label: str) -> MediaFile:
    """A file that did not come through WeChat (a mini-program upload, a signed PDF), kept in
    the same storage as residents' photos, once per checksum; its record is flushed, the
    caller attaches it and commits. `label` says where it came from (the media_id column)."""
    digest = hashlib.sha256(content).hexdigest()
    record = MediaFile(openid=openid, media_id=label, state="stored", content_type=content_type,
                       size=len(content), sha256=digest, path=f"{digest[:2]}/{digest}.{ext}", stored_at=utcnow())
    store(uploads / record.path, content)
    Session.add(record)
    Session.flush()
    return record


def stored_file(media_file_id: int | None, uploads: Path) -> tuple[Path, str] | None:
    """(path, content type) of a stored file, only inside `uploads`; None when there is none."""
    media = Session.get(MediaFile, media_file_id) if media_file_id is not None else None
    if media is None or media.state != "stored":
        return None
    return file_of(media, uploads)


def file_of(media: MediaFile, uploads: Path) -> tuple[Path, str] | None:
    """(path, content type) of a media file's bytes, whatever its state, only inside `uploads`
    (a path in the record never reaches outside it)."""
    if not media.path:
        return None
    root = uploads.resolve()
    path = (root / media.path).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path, media.content_type


def job_id(media_file_id: int) -> str:
    return f"media-{media_file_id}"


def queue_download(media_file_id: int) -> bool:
    """Queue the record's download unless a job for it is already queued or running."""
    return enqueue_once(DOWNLOAD_JOB, media_file_id, job_id=job_id(media_file_id),
                        job_timeout=DOWNLOAD_JOB_TIMEOUT, on_failure=Callback(ON_FAILURE)) is not None


def download(media_file_id: int, api: WeChatAPI, uploads: Path, max_bytes: int = MAX_BYTES) -> MediaFile | None:
    """Fetch, check and store one file. Raises RetryableError (state stays pending, reason
    says why) when a later try may succeed."""
    media = Session.get(MediaFile, media_file_id)
    if media is None:
        log.warning("media %s: no such record", media_file_id)
        return None
    if media.state != "pending":
        return media  # a job run twice: the first run decided
    try:
        got = api.get_media(media.media_id, max_bytes)
    except MediaTooLarge as err:
        return _finish(media, "rejected", f"file {err}")
    except WeChatError as err:
        if err.retryable:
            _finish(media, "pending", f"will retry: {err}")
            raise
        if err.errcode == MEDIA_GONE:
            # Temporary media lives 3 days at WeChat; asking again cannot bring it back.
            return _finish(media, "failed", f"media no longer available at WeChat ({err})")
        return _finish(media, "failed", str(err))
    media.size = len(got.content)
    kind = sniff(got.content)
    if kind is None:
        media.content_type = got.content_type[:64] or None
        return _finish(media, "rejected",
                       f"unsupported file type (labelled {got.content_type or 'nothing'}); "
                       "accepted: JPEG, PNG, GIF, WebP images and PDF")
    media.content_type, ext = kind
    media.sha256 = hashlib.sha256(got.content).hexdigest()
    media.path = f"{media.sha256[:2]}/{media.sha256}.{ext}"
    store(uploads / media.path, got.content)
    media.stored_at = utcnow()
    earlier = Session.scalar(select(MediaFile.id).where(
        MediaFile.sha256 == media.sha256, MediaFile.state == "stored", MediaFile.id != media.id
    ).order_by(MediaFile.id).limit(1))
    return _finish(media, "stored", f"same file as media file {earlier}" if earlier else None)


def store(path: Path, content: bytes) -> None:
    if path.exists():
        return  # the name is the checksum: same name, same bytes
    path.parent.mkdir(parents=True, exist_ok=True)
    # Write aside then rename, so a reader (or a second worker with the same file) never
    # sees half a file.
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def give_up(media_file_id: int, error: BaseException) -> MediaFile | None:
    """Out of retries (or the job crashed): the record ends `failed`, never left pending."""
    Session.rollback()  # the failed job may have left the session mid-transaction
    media = Session.get(MediaFile, media_file_id)
    if media is None or media.state != "pending":
        return media
    return _finish(media, "failed", str(error) if isinstance(error, WeChatError)
                   else f"{type(error).__name__}: {error}")


def _finish(media: MediaFile, state: str, reason: str | None) -> MediaFile:
    media.state = state
    media.reason = reason[:255] if reason else None
    Session.commit()
    log.info("media %s %s", media.id, state)
    return media
