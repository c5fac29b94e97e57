"""Field submissions: what an officer sent from a site, its photos, and every review transition."""
from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from gis_service.geography.constants import WGS84


class Kind(models.TextChoices):
    NEW_SITE = "new_site", _("New site")
    INSPECTION = "inspection", _("Inspection of an existing site")


class ReviewState(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Returned for changes")


class DuplicateDecision(models.TextChoices):
    UNDECIDED = "", _("Not decided")
    SAME_SITE = "same_site", _("Same site: record as an inspection")
    DIFFERENT_SITE = "different_site", _("A different site")


class Submission(models.Model):
    """One submission from the field, keyed by the UUID the phone made (the idempotency key)."""

    client_uuid = models.UUIDField(unique=True, help_text="Made by the device; the same UUID is never stored twice")
    content_sha256 = models.CharField(max_length=64, help_text="Hash of what was sent, to tell a resend from a clash")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    # Not indexed: four values, and the one query filtering on it (pending duplicates) goes by the location
    # index; an index here led the planner to read every submission of the programme instead.
    programme = models.CharField(max_length=24)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="field_submissions")
    lao = models.ForeignKey("geography.LAO", on_delete=models.PROTECT, related_name="+")
    subdistrict = models.ForeignKey("geography.Subdistrict", on_delete=models.PROTECT, related_name="+")
    # Denormalised so the reviewer's queue for a province is one indexed filter.
    province = models.ForeignKey("geography.Province", on_delete=models.PROTECT, related_name="+")
    location = models.PointField(srid=WGS84, help_text="Where the device stood")
    line = models.MultiLineStringField(srid=WGS84, null=True, blank=True, help_text="A road's track, for roads")
    accuracy_m = models.FloatField()
    accuracy_note = models.TextField(blank=True, help_text="The officer's reason for sending with a weak fix")
    altitude_m = models.FloatField(null=True, blank=True)
    captured_at = models.DateTimeField(help_text="Time of capture on the device")
    attributes = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)
    site_uid = models.UUIDField(
        null=True, blank=True, db_index=True,
        help_text="For an inspection, the site inspected; after approval, the site created or updated",
    )
    flags = models.JSONField(default=list, blank=True, help_text="Reasons a reviewer must look closely")
    duplicate_candidates = models.JSONField(default=list, blank=True)
    duplicate_decision = models.CharField(max_length=16, choices=DuplicateDecision.choices, blank=True)
    state = models.CharField(max_length=12, choices=ReviewState.choices, default=ReviewState.SUBMITTED)
    received_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["received_at", "id"]
        indexes = [models.Index(fields=["province", "state"], name="field_queue_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(accuracy_m__gte=0), name="field_accuracy_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.client_uuid} {self.programme} {self.state}"


def photo_path(photo: "SubmissionPhoto", filename: str) -> str:
    """Photos are filed by submission UUID so a reviewer (or an operator) finds them together."""
    return f"field/{photo.submission.client_uuid}/{filename}"


class SubmissionPhoto(models.Model):
    """A photo sent with a submission, its thumbnail, and the position its EXIF gave (if any)."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="photos")
    position = models.PositiveSmallIntegerField(help_text="Order in which the photo was sent")
    image = models.FileField(upload_to=photo_path, max_length=200)
    thumbnail = models.FileField(upload_to=photo_path, max_length=200)
    content_type = models.CharField(max_length=32)
    size_bytes = models.PositiveIntegerField()
    width_px = models.PositiveIntegerField()
    height_px = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    exif_location = models.PointField(srid=WGS84, null=True, blank=True)
    exif_distance_m = models.FloatField(null=True, blank=True, help_text="From the submitted point")

    class Meta:
        ordering = ["submission", "position"]
        constraints = [models.UniqueConstraint(fields=["submission", "position"], name="field_photo_position")]


class SubmissionEvent(models.Model):
    """One transition of a submission: who moved it, when, from what to what, and why."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=24)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["submission", "at", "id"]
