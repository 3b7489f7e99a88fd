"""The organisation card («Управление» → «Карточка ОО» → «Основные сведения»)."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parta.core import audit
from parta.identity.models import Membership
from parta.identity.policies import Action, can
from parta.orgs.models import Organization

#: What the card's «Основные сведения» tab edits. The municipality, the supervising authority and
#: the head organisation of a branch place the organisation in the region's tree and who sees it:
#: they are not part of the card an administrator keeps.
CARD_FIELDS = ("kind", "short_name", "full_name", "inn", "ogrn", "address", "phone", "email")


@transaction.atomic
def update_organization_card(
    *, actor: Membership, organization: Organization, fields: dict[str, Any]
) -> Organization:
    """Save the organisation's main data; ИНН and ОГРН must pass their checksums."""
    if not can(actor, Action.EDIT_CARD, organization):
        raise PermissionDenied
    unknown = sorted(set(fields) - set(CARD_FIELDS))
    if unknown:
        raise ValidationError(
            _("The card has no field «%(field)s».") % {"field": unknown[0]}, code="unknown_field"
        )
    card = Organization.objects.select_for_update().get(pk=organization.pk)
    before = audit.snapshot(card, CARD_FIELDS)
    for name, value in fields.items():
        setattr(card, name, value.strip() if isinstance(value, str) else value)
    card.full_clean()
    before, after = audit.changed(before, audit.snapshot(card, CARD_FIELDS))
    if not after:
        return card
    card.save(update_fields=list(after))
    audit.record(
        actor=actor,
        action="orgs.card_updated",
        target=card,
        before=before,
        after=after,
        organization_id=card.pk,
    )
    return card
