"""Merging two cards of one person into one (the clean-up seed 000, приложение 3, asks for)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from parta.core import audit
from parta.identity.models import Account, Membership, MembershipRole, Person
from parta.identity.policies import Action, can
from parta.identity.selectors import people as people_selectors
from parta.identity.services.staff import PERSON_FIELDS, person_snapshot


def _repoint(model: type[models.Model], old: models.Model, new: models.Model, skip: set) -> None:
    """Point every row that refers to `old` through a foreign key at `new` instead.

    Walks the model's reverse relations, so links added by apps above identity (classes,
    journals, guardianships…) move too without identity knowing of them.
    """
    for relation in model._meta.related_objects:
        if relation.related_model in skip or relation.many_to_many:
            continue
        field_name = relation.field.name
        relation.related_model._base_manager.filter(**{field_name: old}).update(**{field_name: new})


def _absorb_membership(*, keep: Membership, drop: Membership) -> None:
    """Fold a second membership of the same person in the same unit into the first."""
    existing = set(keep.role_rows.values_list("role", flat=True))
    MembershipRole.objects.bulk_create(
        [
            MembershipRole(membership=keep, role=role)
            for role in drop.role_rows.values_list("role", flat=True)
            if role not in existing
        ]
    )
    keep.subjects.add(*drop.subjects.all())
    keep.position = keep.position or drop.position
    starts = [day for day in (keep.starts_on, drop.starts_on) if day]
    keep.starts_on = min(starts) if starts else None
    keep.is_archived = keep.is_archived and drop.is_archived
    was_director = drop.is_director
    if was_director:
        drop.is_director = False
        drop.save(update_fields=["is_director"])
    keep.is_director = keep.is_director or was_director
    keep.save()
    _repoint(Membership, drop, keep, skip={MembershipRole})
    drop.delete()


@transaction.atomic
def merge_people(*, actor: Membership, survivor: Person, duplicate: Person) -> Person:
    """Move every membership and link of `duplicate` to `survivor`, keep one account, delete the
    duplicate card. Empty fields of the survivor are filled from the duplicate; nothing is lost:
    the duplicate's full card goes to the audit log."""
    if survivor.pk == duplicate.pk:
        raise ValidationError(_("Choose two different cards."), code="same_person")
    if duplicate.pk == actor.person_id:
        raise ValidationError(
            _("Your own card cannot be merged away: keep it and merge the other card into it."),
            code="own_card",
        )
    survivor, duplicate = (
        Person.objects.select_for_update().get(pk=survivor.pk),
        Person.objects.select_for_update().get(pk=duplicate.pk),
    )
    duplicate_memberships = list(
        Membership.objects.select_related("organization", "authority").filter(person=duplicate)
    )
    if not duplicate_memberships or not all(
        can(actor, Action.MERGE_PEOPLE, membership.unit) for membership in duplicate_memberships
    ):
        raise PermissionDenied
    # Merging hands the duplicate's cabinets to the survivor's login: two unrelated people must
    # never be merged by a mistyped or forged id.
    if survivor.birth_date is None or people_selectors.same_person_key(
        survivor
    ) != people_selectors.same_person_key(duplicate):
        raise ValidationError(
            _(
                "Only cards with the same full name and date of birth are merged. "
                "Correct the card with the mistake first."
            ),
            code="not_same_person",
        )
    if survivor.snils and duplicate.snils and survivor.snils != duplicate.snils:
        raise ValidationError(
            _("The cards have different SNILS: these are two different people."),
            code="different_snils",
        )
    duplicate_account = Account.objects.filter(person=duplicate).first()
    duplicate_card = {
        **person_snapshot(duplicate),
        "id": duplicate.pk,
        "login": duplicate_account.login if duplicate_account else None,
        "memberships": [
            {
                "unit": str(membership.unit),
                "kind": membership.kind,
                "position": membership.position,
                "roles": membership.role_codes,
                "subjects": sorted(membership.subjects.values_list("name", flat=True)),
                "is_director": membership.is_director,
                "is_archived": membership.is_archived,
            }
            for membership in duplicate_memberships
        ],
    }
    survivor_before = person_snapshot(survivor)
    for name in PERSON_FIELDS:
        if getattr(survivor, name) in ("", None) and getattr(duplicate, name) not in ("", None):
            setattr(survivor, name, getattr(duplicate, name))
    if survivor.middle_name:
        survivor.has_no_middle_name = False
    snils = duplicate.snils
    duplicate.snils = ""
    duplicate.save(update_fields=["snils"])
    survivor.snils = survivor.snils or snils

    for membership in duplicate_memberships:
        twin = Membership.objects.filter(
            person=survivor,
            kind=membership.kind,
            organization_id=membership.organization_id,
            authority_id=membership.authority_id,
        ).first()
        if twin is None:
            membership.person = survivor
            membership.save(update_fields=["person"])
        else:
            _absorb_membership(keep=twin, drop=membership)

    survivor_account = Account.objects.filter(person=survivor).first()
    dropped_login = None
    if duplicate_account is not None:
        if survivor_account is None:
            duplicate_account.person = survivor
            duplicate_account.save(update_fields=["person"])
        else:
            dropped_login = duplicate_account.login
            _repoint(Account, duplicate_account, survivor_account, skip=set())
            duplicate_account.delete()
    _repoint(Person, duplicate, survivor, skip={Membership, Account})
    survivor.save()
    before, after = audit.changed(survivor_before, person_snapshot(survivor))
    audit.record(
        actor=actor,
        action="identity.people_merged",
        target=survivor,
        before={"duplicate": duplicate_card, **before},
        after={**after, "dropped_login": dropped_login},
        organization_id=duplicate_memberships[0].organization_id,
        authority_id=duplicate_memberships[0].authority_id,
    )
    duplicate.delete()
    return survivor
