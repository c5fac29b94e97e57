"""Who belongs where: field officers to LAOs, reviewers to provinces."""
from django.conf import settings
from django.db import models


class LaoMembership(models.Model):
    """A field officer works for this LAO and may register sites in its area."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lao_memberships")
    lao = models.ForeignKey("geography.LAO", on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "lao"], name="unique_lao_membership")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.lao.code}"


class ReviewerProvince(models.Model):
    """A reviewer reviews field submissions for this province."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviewer_provinces")
    province = models.ForeignKey("geography.Province", on_delete=models.CASCADE, related_name="reviewers")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "province"], name="unique_reviewer_province")]

    def __str__(self) -> str:
        return f"{self.user} reviews {self.province.code}"
