"""Модуль «Организация ДПО»: programmes, their groups, competency assessments and applications.

People come from identity (one Person, their memberships): a listener is a staff membership of a
school, the director is the membership flagged `is_director`, ДПО staff are the staff of an
organisation of kind `dpo`. Nothing about a person is copied here.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parta.identity.models import Membership, Person
from parta.orgs.models import Organization, Region, Subject


class Competency(models.Model):
    """A professional competency assessed by the assessment centre (e.g. «Предметные знания»)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=300)

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Programme(models.Model):
    """A further professional education programme (ДПП) of a provider."""

    class Kind(models.TextChoices):
        REFRESHER = "refresher", _("professional development course")
        RETRAINING = "retraining", _("professional retraining")

    class Form(models.TextChoices):
        FULL_TIME = "full_time", _("full-time")
        PART_TIME = "part_time", _("part-time")
        DISTANCE = "distance", _("distance")

    provider = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="dpo_programmes"
    )
    title = models.CharField(_("title"), max_length=500)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.REFRESHER)
    hours = models.PositiveIntegerField(_("hours"))
    form = models.CharField(_("form"), max_length=10, choices=Form, default=Form.DISTANCE)
    summary = models.TextField(_("summary"), blank=True)
    positions = models.JSONField(
        _("target positions"), default=list, blank=True, help_text=_("Empty: any position.")
    )
    subjects = models.ManyToManyField(
        Subject, blank=True, related_name="dpo_programmes", verbose_name=_("subjects")
    )
    competencies = models.ManyToManyField(
        Competency, blank=True, related_name="programmes", verbose_name=_("competencies")
    )
    is_published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class Cohort(models.Model):
    """A group of a programme: dates, capacity and the campaign's deadlines (teachers apply until
    one date, directors confirm until a later one). A preliminary group («Предварительная запись
    на <год>») plans next year's training and has no dates of study yet."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cohorts")
    title = models.CharField(_("title"), max_length=200)
    is_preliminary = models.BooleanField(_("preliminary enrolment"), default=False)
    planned_year = models.PositiveIntegerField(_("year of study"), null=True, blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"))
    applications_open_on = models.DateField(_("applications from"))
    applications_close_on = models.DateField(_("applications until"))
    approvals_close_on = models.DateField(_("director confirms until"))

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["programme", "applications_open_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(applications_close_on__gte=models.F("applications_open_on"))
                & models.Q(approvals_close_on__gte=models.F("applications_close_on")),
                name="cohort_deadlines_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.title}"


class Assessment(models.Model):
    """A result of the competency assessment of a person: a score, and whether it is a deficit."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="dpo_assessments")
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="assessments")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    is_deficit = models.BooleanField(_("deficit"), default=False)
    assessed_on = models.DateField(_("assessed on"))

    class Meta:
        verbose_name = _("assessment result")
        verbose_name_plural = _("assessment results")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "competency", "assessed_on"], name="assessment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.competency}"


class Application(models.Model):
    """Заявка of a listener to a group. Its status moves only through `dpo.states`."""

    class Status(models.TextChoices):
        NEW = "new", _("Not processed")
        APPROVED = "approved_by_head", _("Confirmed by the head of the organisation")
        ENROLLED = "enrolled", _("Included in the group")
        CANCELLED = "cancelled", pgettext_lazy("application status", "Cancelled")

    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="applications")
    applicant = models.ForeignKey(
        Membership, on_delete=models.PROTECT, related_name="dpo_applications"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="dpo_applications"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.NEW)
    cancelled_by = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "applicant"],
                condition=~models.Q(status="cancelled"),
                name="application_once_per_group",
            ),
        ]
        indexes = [
            models.Index(fields=["cohort", "status"], name="application_cohort_status"),
            models.Index(fields=["organization", "status"], name="application_school_status"),
        ]

    def __str__(self) -> str:
        return f"№ {self.pk}"


class ApplicationEvent(models.Model):
    """One step of an application's history: who moved it from which status to which, when."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        Membership, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_role = models.CharField(_("role"), max_length=30, blank=True)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.application}: {self.from_status} → {self.to_status}"


class Comment(models.Model):
    """«Комментарии» of an application: seen by the applicant, their director and ДПО staff."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("text"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:50]


class Notification(models.Model):
    """An in-app notice to a person (a status of their application changed, say)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="dpo_notifications")
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.text


class Reminder(models.Model):
    """«Напомнить»: ДПО staff reminded those who have not acted in a campaign (the groups sharing
    the deadlines): the directors with unconfirmed applications and the assessed teachers with
    deficits who have not applied."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    applications_close_on = models.DateField(_("applications until"))
    approvals_close_on = models.DateField(_("director confirms until"))
    sent_by = models.ForeignKey(Membership, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    directors = models.PositiveIntegerField(_("directors reminded"))
    teachers = models.PositiveIntegerField(_("teachers reminded"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.region}: {self.sent_at:%d.%m.%Y}"
