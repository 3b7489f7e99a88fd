"""Writes to the organisation tree."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parta.core import audit
from parta.orgs.models import Authority, Region


@transaction.atomic
def create_region(
    *, actor: audit.SystemActor, name: str, code: str, ministry_name: str
) -> Authority:
    """A new deployment's region with its ministry of education (done once, by the system)."""
    name, code, ministry_name = name.strip(), code.strip(), ministry_name.strip()
    if not (name and code and ministry_name):
        raise ValidationError(
            _("Give the region's name, its code and the name of its ministry."), code="required"
        )
    if Region.objects.filter(code=code).exists():
        raise ValidationError(
            _("A region with code %(code)s already exists.") % {"code": code}, code="exists"
        )
    region = Region.objects.create(name=name, code=code)
    ministry = Authority.objects.create(
        region=region,
        level=Authority.Level.REGION,
        short_name=ministry_name,
        full_name=ministry_name,
    )
    audit.record(
        actor=actor,
        action="orgs.region_created",
        target=region,
        after={"name": name, "code": code, "ministry": ministry_name},
        authority_id=ministry.pk,
    )
    return ministry
