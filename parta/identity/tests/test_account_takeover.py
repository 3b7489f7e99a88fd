"""A password opens all of a person's cabinets: only someone with rights in all may set it."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from parta.core.testing.personas import PASSWORD
from parta.identity.services.accounts import set_password
from parta.identity.services.staff import import_staff_member


def test_school_admin_cannot_set_the_password_of_an_imported_regional_admin(client, region):
    admin = region.member("admin")
    imported = import_staff_member(
        actor=admin, unit=region.school, person=region.members["regional_admin"].person
    )
    with pytest.raises(PermissionDenied):
        set_password(
            actor=admin, membership=imported, password="Vzlom-parolya-1", must_change_password=False
        )
    region.login(client, "admin")
    card = client.get(reverse("identity:staff-card", args=[imported.pk]))
    assert card.context["can_set_password"] is False
    assert card.context["password_set_elsewhere"] is True
    page = client.post(
        reverse("identity:staff-password", args=[imported.pk]),
        {"password": "Vzlom-parolya-1", "password_again": "Vzlom-parolya-1"},
    )
    assert page.status_code == 403
    assert region.account("regional_admin").check_password(PASSWORD)


def test_municipal_admin_sets_the_password_of_a_teacher_of_two_of_its_schools(region):
    teacher = region.members["teacher"]
    second = import_staff_member(
        actor=region.member("other_school_admin"), unit=region.other_school, person=teacher.person
    )
    with pytest.raises(PermissionDenied):
        set_password(
            actor=region.member("other_school_admin"),
            membership=second,
            password="Novyj-parol-2026",
            must_change_password=True,
        )
    set_password(
        actor=region.member("municipal_admin"),
        membership=second,
        password="Novyj-parol-2026",
        must_change_password=True,
    )
    assert region.account("teacher").check_password("Novyj-parol-2026")
