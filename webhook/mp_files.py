"""Documents uploaded from the mini-program: checked, cleaned and stored like the chat's photos.

The type comes from the first bytes (channels.media.sniff), never from the name or the label.
Images are decoded and encoded again with Pillow: what staff open is pixels we wrote, without
the EXIF block (GPS position, device) and without anything hidden after the image data; a
picture whose size would take more memory to decode than Image.MAX_IMAGE_PIXELS allows (a
decompression bomb) is refused before it is decoded. PDFs are kept as they are. Nothing is
stored for a refused file.
"""
from __future__ import annotations

import io
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from channels import media
from models import MediaFile

MAX_BYTES = media.MAX_BYTES  # 10 MB, as for photos sent in the chat


class Refused(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


def clean(content: bytes) -> tuple[bytes, str, str]:
    """(bytes to store, content type, extension); Refused for anything else."""
    if len(content) > MAX_BYTES:
        raise Refused("文件太大了：每份材料最大 10 MB。", 413)
    kind = media.sniff(content)
    if kind is None:
        raise Refused("只能上传 JPEG、PNG、GIF、WebP 图片或 PDF 文件；这个文件不是其中一种。")
    content_type, ext = kind
    if content_type == "application/pdf":
        return content, content_type, ext
    return _reencode(content)


def _reencode(content: bytes) -> tuple[bytes, str, str]:
    limit = Image.MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size
                if limit and width * height > limit:
                    raise Refused(f"图片尺寸太大（{width}×{height}），请拍照后直接上传。")
                fmt = image.format
                image.load()
                image = ImageOps.exif_transpose(image)  # keep it upright once the EXIF is gone
                out = io.BytesIO()
                if fmt == "JPEG":
                    if image.mode not in ("RGB", "L"):
                        image = image.convert("RGB")
                    image.save(out, "JPEG", quality=90, optimize=True)
                    return out.getvalue(), "image/jpeg", "jpg"
                if image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA"):
                    image = image.convert("RGBA")
                image.save(out, "PNG", optimize=True)  # GIF and WebP too: one frame, plain PNG
                return out.getvalue(), "image/png", "png"
    except Refused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Refused("图片尺寸太大，请拍照后直接上传。") from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise Refused("无法读取这张图片，请重新拍照上传。") from None


def store(openid: str, content: bytes, content_type: str, ext: str, uploads: Path) -> MediaFile:
    """The upload kept in channels.media's storage; the caller attaches it and commits."""
    return media.keep(openid, content, content_type, ext, uploads, "mp-upload")
