"""Photos sent with a submission: checked in memory first, written to storage only once all are good."""
import hashlib
import io
import math
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from gis_service.fieldwork.errors import Refused

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 10
THUMBNAIL_PX = 320
ALLOWED_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}
# A photo's own GPS position further than this from the submitted point needs a reviewer's eye.
EXIF_DISTANCE_FLAG_M = 100.0
EARTH_RADIUS_M = 6_371_008.8
GPS_IFD = 0x8825


@dataclass
class CheckedPhoto:
    """A photo that passed the checks, still in memory."""

    data: bytes
    content_type: str
    extension: str
    width_px: int
    height_px: int
    sha256: str
    exif_lon_lat: tuple[float, float] | None
    thumbnail: bytes


def check_photo(upload: UploadedFile, position: int) -> CheckedPhoto:
    """Refuse anything that is not a JPEG or PNG of at most 10 MB; read its EXIF position; make a thumbnail."""
    name = upload.name or f"photo {position + 1}"
    if upload.size > MAX_PHOTO_BYTES:
        raise Refused(
            format_lazy(_("Photo '{name}' is {size_mb:.1f} MB; the limit is {limit_mb} MB: "
                          "take it again at a lower resolution."),
                        name=name, size_mb=upload.size / 1024 / 1024, limit_mb=MAX_PHOTO_BYTES // 1024 // 1024),
            code="photo_too_large", field="photos",
        )
    data = upload.read()
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format
            probe.verify()
        if image_format not in ALLOWED_FORMATS:
            raise UnidentifiedImageError(image_format)
        with Image.open(io.BytesIO(data)) as image:
            width_px, height_px = image.size
            exif_lon_lat = exif_position(image)
            thumbnail = make_thumbnail(image)
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise Refused(format_lazy(_("File '{name}' is not a JPEG or PNG photo: attach photos from the camera only."),
                                  name=name),
                      code="photo_not_an_image", field="photos") from None
    content_type, extension = ALLOWED_FORMATS[image_format]
    return CheckedPhoto(
        data=data, content_type=content_type, extension=extension, width_px=width_px, height_px=height_px,
        sha256=hashlib.sha256(data).hexdigest(), exif_lon_lat=exif_lon_lat, thumbnail=thumbnail,
    )


def make_thumbnail(image: Image.Image) -> bytes:
    """A small JPEG, turned upright as the camera meant it, for the review queue."""
    small = ImageOps.exif_transpose(image)
    small.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
    out = io.BytesIO()
    small.convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue()


def exif_position(image: Image.Image) -> tuple[float, float] | None:
    """(lon, lat) from the photo's EXIF GPS block, or None when it has none (or a broken one)."""
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
        if not gps or 2 not in gps or 4 not in gps:
            return None
        lat = _degrees(gps[2]) * (-1 if str(gps.get(1, "N")).upper().startswith("S") else 1)
        lon = _degrees(gps[4]) * (-1 if str(gps.get(3, "E")).upper().startswith("W") else 1)
    except (KeyError, TypeError, ValueError, ZeroDivisionError, AttributeError):
        return None
    if not (-180 <= lon <= 180 and -90 <= lat <= 90) or (lon == 0 and lat == 0):
        return None
    return lon, lat


def _degrees(dms) -> float:
    degrees, minutes, seconds = (float(part) for part in dms)
    return degrees + minutes / 60 + seconds / 3600


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lon, lat) points; two points need no trip to PostGIS."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def store_photo(submission_uuid, position: int, photo: CheckedPhoto, stored: list[str]) -> tuple[str, str]:
    """Write the photo and its thumbnail; every name written is appended to `stored` for clean-up."""
    base = f"field/{submission_uuid}/{position:02d}-{photo.sha256[:12]}"
    image_name = default_storage.save(f"{base}.{photo.extension}", ContentFile(photo.data))
    stored.append(image_name)
    thumb_name = default_storage.save(f"{base}-thumb.jpg", ContentFile(photo.thumbnail))
    stored.append(thumb_name)
    return image_name, thumb_name


def remove_files(names: list[str]) -> None:
    """Delete files written for a submission that was then not saved."""
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            pass
