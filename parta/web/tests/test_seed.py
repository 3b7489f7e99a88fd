from collections import Counter
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Count
from django.test import RequestFactory
from django.urls import reverse

from parta.core.models import AuditEntry
from parta.dpo import policies as dpo_policies
from parta.dpo.models import Application
from parta.dpo.selectors.catalogue import recommended_programmes
from parta.identity.models import Account, Membership, MembershipRole, OrgRole, Person
from parta.identity.selectors import people as people_selectors
from parta.identity.validators import validate_snils
from parta.orgs.models import Authority, Municipality, Organization, Region, Subject
from parta.orgs.validators import validate_inn, validate_ogrn
from parta.web.seed import catalogue, demo, demo_dpo, demo_school, names, numbers
from parta.web.seed.scale import ScaleSpec, build_region, top_up_staff

TINY = ScaleSpec(
    code="96",
    name="Крошечная область",
    municipalities=1,
    organizations=3,
    staff=30,
    login_prefix="tiny.",
    snils_base=396_000_000,
    ministry_staff=6,
    authority_staff=6,
)
SMALL = ScaleSpec(
    code="95",
    name="Небольшая область",
    municipalities=2,
    organizations=12,
    staff=150,
    login_prefix="small.",
    snils_base=395_000_000,
    second_job_share=0.3,
    namesake_share=0.02,
    no_director_share=0.2,
)


def seed(scale: str = "demo") -> str:
    out = StringIO()
    call_command("seed", scale=scale, stdout=out)
    return out.getvalue()


def table_counts() -> dict[str, int]:
    models = (Region, Municipality, Authority, Organization, Subject, Person, Account)
    counts = {model.__name__: model.objects.count() for model in models}
    counts["Membership"] = Membership.objects.count()
    counts["MembershipRole"] = MembershipRole.objects.count()
    counts["AuditEntry"] = AuditEntry.objects.count()
    return counts


def assert_numbers_valid() -> None:
    snils = list(Person.objects.exclude(snils="").values_list("snils", flat=True))
    for value in snils:
        validate_snils(value)
    assert len(snils) == len(set(snils))
    for inn, ogrn in Organization.objects.values_list("inn", "ogrn"):
        validate_inn(inn)
        validate_ogrn(ogrn)


def test_numbers_have_valid_check_digits():
    for serial in range(2000):
        validate_snils(numbers.snils(111_000_000, serial))
        validate_inn(numbers.inn("6601", serial))
        validate_ogrn(numbers.ogrn(year=2002, region_code="66", tax_office="6601", serial=serial))
    block = {numbers.snils(111_000_000, serial) for serial in range(numbers.SNILS_BLOCK)}
    assert len(block) == numbers.SNILS_BLOCK


@pytest.mark.parametrize(
    ("male", "female"),
    [
        ("Иванов", "Иванова"),
        ("Ильин", "Ильина"),
        ("Соловьёв", "Соловьёва"),
        ("Островский", "Островская"),
        ("Толстой", "Толстая"),
        ("Шевченко", "Шевченко"),
        ("Черных", "Черных"),
    ],
)
def test_surnames_take_the_female_form(male, female):
    assert names.surname_for(male, names.FEMALE) == female
    assert names.surname_for(male, names.MALE) == male


def test_patronymics_follow_the_sex():
    assert names.patronymic_for("Илья", names.FEMALE) == "Ильинична"
    assert names.patronymic_for("Пётр", names.MALE) == "Петрович"


def test_demo_seed_twice_changes_nothing(db):
    first_output = seed()
    counts = table_counts()
    second_output = seed()
    assert table_counts() == counts
    assert first_output.splitlines()[2:] == second_output.splitlines()[2:]
    assert counts["Region"] == 1
    assert counts["Organization"] == 6
    assert counts["Subject"] >= 25


def test_demo_has_every_role_in_organisations_and_authorities(db):
    seed()
    org_roles = set(
        MembershipRole.objects.filter(membership__organization__isnull=False).values_list(
            "role", flat=True
        )
    )
    assert org_roles == set(OrgRole.values)
    for authority in Authority.objects.all():
        roles = set(
            MembershipRole.objects.filter(membership__authority=authority).values_list(
                "role", flat=True
            )
        )
        assert len(roles) == 6, authority


def test_demo_sets_up_the_cases_the_screens_show(db):
    seed()
    school1 = Organization.objects.get(short_name="МАОУ СОШ № 1")
    school2 = Organization.objects.get(short_name="МБОУ СОШ № 2")
    assert Membership.objects.filter(organization=school1, is_director=True).count() == 1
    assert not Membership.objects.filter(organization=school2, is_director=True).exists()
    branch = Organization.objects.get(parent=school1)
    assert "дошкольное отделение" in branch.short_name
    math = Person.objects.get(account__login="sch1.math")
    assert set(math.memberships.values_list("organization", flat=True)) == {school1.pk, school2.pk}
    admin = Membership.objects.get(person__account__login="sch1.admin")
    assert admin.role_codes == [OrgRole.ADMIN, OrgRole.TEACHER]
    assert list(
        Account.objects.filter(must_change_password=True).values_list("login", flat=True)
    ) == ["sch1.english"]
    viewer = Membership.objects.get(person__account__login="sch2.admin").acting_as(OrgRole.ADMIN)
    pairs = people_selectors.duplicate_people(viewer=viewer)
    assert {pair.first.account.login for pair in pairs} | {
        pair.second.account.login for pair in pairs
    } == {"sch1.kuznetsova", "sch2.kuznetsova"}
    assert_numbers_valid()


def test_every_demo_login_authenticates_with_the_demo_password(db):
    seed()
    request = RequestFactory().post("/login/")
    logins = list(Account.objects.values_list("login", flat=True))
    assert len(logins) == len(demo.PEOPLE) + len(demo_school.DIARY_LOGINS) + len(demo_dpo.LOGINS)
    for login in logins:
        assert authenticate(request, username=login, password=settings.PARTA_DEMO_PASSWORD)


def test_every_row_of_the_login_table_logs_in_where_it_says(client, db):
    seed()
    result = demo.build_demo()
    assert not result.created
    units = {str(unit): unit for unit in [*Organization.objects.all(), *Authority.objects.all()]}
    for row in result.logins:
        unit = units[row.unit]
        target = "authority" if isinstance(unit, Authority) else "org"
        field = "authority" if target == "authority" else "organization"
        response = client.post(
            reverse("identity:login"),
            {"target": target, field: unit.pk, "login": row.login, "password": row.password},
        )
        assert response.status_code == 302, row
        client.logout()
    # one line per role: the administrator who also teaches has two
    assert Counter(row.login for row in result.logins)["sch1.admin"] == 2


def test_login_table_is_printed(db):
    output = seed()
    assert "sch1.admin" in output
    assert settings.PARTA_DEMO_PASSWORD in output
    assert "МАОУ СОШ № 1" in output


def test_catalogue_keeps_existing_subjects(db):
    Subject.objects.create(name="Математика")
    subjects = catalogue.ensure_subjects(actor=demo.SEED_ACTOR)
    assert len(subjects) == len(catalogue.SUBJECTS)
    assert Subject.objects.filter(name="Математика").count() == 1


def test_tiny_region_has_the_promised_shape(db):
    result = build_region(TINY)
    assert result.created
    region = result.region
    organizations = Organization.objects.filter(region=region)
    assert organizations.count() == 3
    staff = Membership.objects.filter(organization__region=region)
    assert 27 <= staff.count() <= 33
    assert Membership.objects.filter(authority__region=region).count() == 12
    for organization in organizations:
        roles = set(
            MembershipRole.objects.filter(membership__organization=organization).values_list(
                "role", flat=True
            )
        )
        assert OrgRole.ADMIN in roles
        assert Membership.objects.filter(organization=organization, is_director=True).count() <= 1
    assert Person.objects.count() == Account.objects.count()
    assert all(
        login.startswith("tiny.") for login in Account.objects.values_list("login", flat=True)
    )
    assert Account.objects.values("password").distinct().count() == 1
    assert Account.objects.first().check_password(settings.PARTA_DEMO_PASSWORD)
    assert AuditEntry.objects.filter(action="identity.people_seeded").count() == 1
    assert AuditEntry.objects.get(action="identity.people_seeded").after["count"] == (
        Person.objects.count()
    )
    assert result.logins
    assert_numbers_valid()


def test_tiny_region_is_built_once(db):
    build_region(TINY)
    counts = table_counts()
    again = build_region(TINY)
    assert not again.created
    assert table_counts() == counts


def test_tiny_region_is_the_same_every_time(db):
    build_region(TINY)
    first = list(Person.objects.order_by("pk").values_list("last_name", "first_name", "snils"))
    Membership.objects.all().delete()
    Account.objects.all().delete()
    Person.objects.all().delete()
    Organization.objects.all().delete()
    Authority.objects.filter(parent__isnull=False).delete()
    Authority.objects.all().delete()
    Municipality.objects.all().delete()
    Region.objects.all().delete()
    build_region(TINY)
    assert list(Person.objects.order_by("pk").values_list("last_name", "first_name", "snils")) == (
        first
    )


def test_small_region_has_branches_second_jobs_namesakes_and_no_director_cases(db):
    result = build_region(SMALL)
    region = result.region
    assert Municipality.objects.filter(region=region).count() == 2
    assert Organization.objects.filter(region=region, parent__isnull=False).exists()
    assert result.counts["second_jobs"] > 0
    doubled = Person.objects.annotate(places=Count("memberships")).filter(places__gt=1).count()
    assert doubled == result.counts["second_jobs"]
    assert result.counts["namesakes"] > 0
    assert Membership.objects.filter(organization__region=region, is_director=True).count() < (
        Organization.objects.filter(region=region).count()
    )
    assert_numbers_valid()


def test_top_up_adds_teachers_up_to_the_total(db):
    build_region(TINY)
    school = Organization.objects.filter(kind=Organization.Kind.SCHOOL).order_by("pk").first()
    added = top_up_staff(spec=TINY, organization=school, total=40)
    assert added > 0
    assert Membership.objects.filter(organization=school).count() == 40
    assert top_up_staff(spec=TINY, organization=school, total=40) == 0
    assert_numbers_valid()
    logins = list(Account.objects.values_list("login", flat=True))
    assert len(logins) == len(set(logins))


def test_demo_has_a_dpo_campaign_in_every_status(db):
    seed()
    assert set(Application.objects.values_list("status", flat=True)) == set(
        Application.Status.values
    )
    staff = Membership.objects.get(person__account__login=demo_dpo.STAFF_LOGIN)
    assert dpo_policies.is_dpo_staff(staff)
    teacher = Membership.objects.get(person__account__login="sch1.teacher")
    best = recommended_programmes(teacher).items[0].programme
    assert [cohort.is_preliminary for cohort in best.open_cohorts] == [True, False]
    assert not Application.objects.filter(applicant=teacher, cohort__programme=best).exists()
