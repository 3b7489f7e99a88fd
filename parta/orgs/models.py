from django.db import models
from django.utils.translation import gettext_lazy as _

from parta.orgs.validators import validate_inn, validate_ogrn


class Region(models.Model):
    """The region a deployment serves (ГИС «Образование»)."""

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=10, unique=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    """A municipal district or urban okrug of the region."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("municipal district")
        URBAN_OKRUG = "urban_okrug", _("urban okrug")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="municipalities")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.DISTRICT)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="municipality_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Authority(models.Model):
    """An education authority: the regional ministry or a municipal education department."""

    class Level(models.TextChoices):
        REGION = "region", _("regional")
        MUNICIPALITY = "municipality", _("municipal")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="authorities")
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="authorities",
        verbose_name=_("municipality"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("superior authority"),
    )
    level = models.CharField(_("level"), max_length=20, choices=Level)
    short_name = models.CharField(_("short name"), max_length=200)
    full_name = models.CharField(_("full name"), max_length=500)

    class Meta:
        verbose_name = _("education authority")
        verbose_name_plural = _("education authorities")
        ordering = ["level", "short_name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level="region", municipality__isnull=True)
                | models.Q(level="municipality", municipality__isnull=False),
                name="authority_level_matches_municipality",
            )
        ]

    def __str__(self) -> str:
        return self.short_name


class Organization(models.Model):
    """An educational organisation (ОО), possibly a branch of another one."""

    class Kind(models.TextChoices):
        SCHOOL = "school", _("school")
        KINDERGARTEN = "kindergarten", _("kindergarten")
        COLLEGE = "college", _("college")
        SUPPLEMENTARY = "supplementary", _("supplementary education")
        DPO = "dpo", _("professional development")

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="organizations")
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="organizations",
        verbose_name=_("municipality"),
    )
    authority = models.ForeignKey(
        Authority,
        on_delete=models.PROTECT,
        related_name="organizations",
        verbose_name=_("supervising authority"),
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="branches",
        verbose_name=_("head organisation"),
        help_text=_("Filled in for a branch or a structural unit."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    short_name = models.CharField(_("short name"), max_length=200)
    full_name = models.CharField(_("full name"), max_length=500)
    inn = models.CharField(_("INN"), max_length=10, blank=True, validators=[validate_inn])
    ogrn = models.CharField(_("OGRN"), max_length=13, blank=True, validators=[validate_ogrn])
    address = models.CharField(_("address"), max_length=500, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["short_name"]
        indexes = [models.Index(fields=["municipality", "kind"], name="org_municipality_kind")]

    def __str__(self) -> str:
        return self.short_name


class Subject(models.Model):
    """A subject of the regional catalogue (Преподаваемые предметы draw on it)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
