from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One change: who made it, when, to what, and the values before and after.

    The actor and the target are kept as plain ids and labels: the audit log sits below every
    other app and must outlive the rows it speaks of.
    """

    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor_account_id = models.BigIntegerField(_("actor account"), null=True, blank=True)
    actor_label = models.CharField(_("who"), max_length=300, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.CharField(_("object type"), max_length=100)
    target_id = models.BigIntegerField(_("object id"), null=True, blank=True)
    target_label = models.CharField(_("object"), max_length=300, blank=True)
    organization_id = models.BigIntegerField(_("organisation"), null=True, blank=True)
    authority_id = models.BigIntegerField(_("authority"), null=True, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization_id", "-created_at"], name="audit_org_time"),
            models.Index(fields=["authority_id", "-created_at"], name="audit_authority_time"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%d.%m.%Y %H:%M} {self.actor_label}: {self.action}"
