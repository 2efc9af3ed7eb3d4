"""Company logos as files: checked by their content, fitted into a small box, re-encoded without
their metadata, and kept outside static/ under random names (a view serves them to those who may
see the company).

The use cases that call these functions are in services.py; this module knows images and
folders, nothing of companies or permissions.
"""
import io
import secrets
from pathlib import Path

from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_BYTES = 2 * 1024 * 1024  # config.MAX_CONTENT_LENGTH leaves room for this plus the form
MAX_PIXELS = 25_000_000  # a small file can unpack into gigabytes: refused before decoding
BOX = (400, 400)
# Pillow's format -> (file extension, media type). Anything else is refused, whatever its name.
FORMATS = {"PNG": ("png", "image/png"), "JPEG": ("jpg", "image/jpeg"),
           "WEBP": ("webp", "image/webp")}
MEDIA_TYPES = dict(FORMATS.values())


class InvalidImage(Exception):
    """An upload that cannot be a logo; `reason` is "empty", "size", "pixels" or "type"."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def read_limited(stream, limit=MAX_BYTES):
    """The bytes of an upload; refuses one larger than `limit` without reading more of it."""
    data = stream.read(limit + 1) if stream is not None else b""
    if not data:
        raise InvalidImage("empty")
    if len(data) > limit:
        raise InvalidImage("size")
    return data


def normalise(data):
    """(bytes, extension) of the image in `data` fitted into BOX and encoded again in its own
    format. Only the pixels are copied, so EXIF (camera, GPS), ICC and text chunks stay behind;
    the EXIF orientation is applied first, so a phone photo stays upright."""
    try:
        with Image.open(io.BytesIO(data), formats=list(FORMATS)) as image:
            if image.width * image.height > MAX_PIXELS:
                raise InvalidImage("pixels")
            kind = image.format
            upright = ImageOps.exif_transpose(image)  # a loaded copy
        upright = upright.convert("RGB" if kind == "JPEG" else "RGBA")
        upright.thumbnail(BOX, Image.Resampling.LANCZOS)
    except Image.DecompressionBombError:
        raise InvalidImage("pixels") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        # Not one of the three formats, or broken inside (a truncated or forged file).
        raise InvalidImage("type") from None
    clean = Image.new(upright.mode, upright.size)
    clean.paste(upright)
    out = io.BytesIO()
    if kind == "PNG":
        clean.save(out, "PNG", optimize=True)
    else:
        clean.save(out, kind, quality=85)
    extension, _media_type = FORMATS[kind]
    return out.getvalue(), extension


def folder():
    return Path(current_app.config["UPLOAD_DIR"]) / "logos"


def store(data, extension):
    """Write a logo under a new random name and return the name; written whole or not at all."""
    target = folder()
    target.mkdir(parents=True, exist_ok=True)
    name = f"{secrets.token_hex(16)}.{extension}"
    partial = target / f"{name}.part"
    partial.write_bytes(data)
    partial.replace(target / name)
    return name


def delete(name):
    """Remove a stored logo; a missing file is no error (it is gone either way)."""
    if name and Path(name).name == name:
        (folder() / name).unlink(missing_ok=True)


def media_type(name):
    return MEDIA_TYPES[name.rsplit(".", 1)[-1]]
