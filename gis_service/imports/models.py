"""An import batch: who brought which file in, what it created or updated, and enough to undo it."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """One committed import of one file into one programme."""

    programme = models.CharField(_("programme"), max_length=32)
    file_name = models.CharField(_("file name"), max_length=255)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64, db_index=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="import_batches", verbose_name=_("imported by"))
    created_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    rolled_back_at = models.DateTimeField(_("rolled back at"), null=True, blank=True)
    rolled_back_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+", verbose_name=_("rolled back by"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"{self.id} {self.file_name} ({self.programme})"


class ImportedRow(models.Model):
    """A row of a batch that wrote a site: created it, or updated it (its earlier values kept to restore)."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    line = models.PositiveIntegerField(_("line in the file"))
    site_code = models.CharField(_("site code"), max_length=32)
    action = models.CharField(_("action"), max_length=8, choices=Action.choices)
    # The site as it was before an update (Django's serialised form), restored on rollback.
    previous = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "line"]
        constraints = [models.UniqueConstraint(fields=["batch", "line"], name="one_imported_row_per_line")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.line} {self.action} {self.site_code}"
