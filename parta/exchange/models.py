from django.db import models
from django.utils.translation import gettext_lazy as _

from parta.identity.models import Membership
from parta.orgs.models import Organization


class ImportRun(models.Model):
    """An uploaded file on its way in: checked as a whole, shown as a dry run, then applied in one
    transaction or refused with its diagnostics. The file is kept until it is applied."""

    class Kind(models.TextChoices):
        BATCH_UPDATE = "batch_update", _("batch update")
        ONEROSTER = "oneroster", _("OneRoster")

    class Status(models.TextChoices):
        REFUSED = "refused", _("refused")
        CHECKED = "checked", _("checked")
        APPLIED = "applied", _("applied")

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    status = models.CharField(_("status"), max_length=10, choices=Status)
    file = models.FileField(_("file"), upload_to="exchange/%Y/%m/", blank=True)
    filename = models.CharField(_("file name"), max_length=255)
    scope = models.JSONField(_("scope"), default=dict, blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.filename}"


class ExternalId(models.Model):
    """The identifier another system gave one of our rows (a OneRoster sourcedId, say), so that
    a file coming back from it updates the same rows instead of creating new ones."""

    system = models.CharField(_("system"), max_length=30)
    kind = models.CharField(_("kind"), max_length=30)
    external_id = models.CharField(_("external identifier"), max_length=255)
    object_id = models.PositiveBigIntegerField()

    class Meta:
        verbose_name = _("external identifier")
        verbose_name_plural = _("external identifiers")
        constraints = [
            models.UniqueConstraint(
                fields=["system", "kind", "external_id"], name="external_id_unique"
            ),
            models.UniqueConstraint(
                fields=["system", "kind", "object_id"], name="external_object_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.system}:{self.kind}:{self.external_id}"
