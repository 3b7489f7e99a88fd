"""One small region with a person for every role, built through the services.

Ministry (regional authority)
├── Северный район (municipal authority «УО Северного района»)
│   ├── school «Школа № 1» (director, admin, deputy head, teachers, HR, secretary, …)
│   │   └── branch «Школа № 1, дошкольное отделение»
│   └── school «Школа № 2» (its own admin and teacher)
└── Южный район (municipal authority «УО Южного района»)
    └── school «Школа № 3»
"""

from dataclasses import dataclass, field
from datetime import date

from django.test import Client

from parta.core.audit import SystemActor
from parta.identity.middleware import enter_cabinet
from parta.identity.models import Account, AuthorityRole, DerivedRole, Membership, OrgRole
from parta.identity.services.staff import add_staff_member
from parta.identity.validators import snils_check_digits
from parta.orgs.models import Authority, Municipality, Organization, Region, Subject

PASSWORD = "Persona-password-1"
SYSTEM = SystemActor("tests")


def valid_snils(number: int) -> str:
    """A СНИЛС with a correct checksum built from a nine-digit number."""
    first_nine = f"{number:09d}"
    return first_nine + snils_check_digits(first_nine)


@dataclass
class PersonaRegion:
    region: Region
    ministry: Authority
    north: Authority
    south: Authority
    school: Organization
    branch: Organization
    other_school: Organization
    south_school: Organization
    subjects: dict[str, Subject]
    members: dict[str, Membership] = field(default_factory=dict)
    roles: dict[str, str] = field(default_factory=dict)

    def member(self, persona: str) -> Membership:
        """The persona's membership, acting in its persona role."""
        membership = Membership.objects.select_related(
            "person__account", "organization", "authority"
        ).get(pk=self.members[persona].pk)
        return membership.acting_as(self.roles[persona])

    def account(self, persona: str) -> Account:
        return Account.objects.get(person_id=self.members[persona].person_id)

    def login(self, client: Client, persona: str) -> Membership:
        """Sign the client in as the persona, in the persona's cabinet and role."""
        return login_member(client, self.member(persona))


def login_member(client: Client, member: Membership) -> Membership:
    """Sign the client in as the member's person, in the member's cabinet and active role."""
    client.force_login(member.person.account)
    session = client.session
    enter_cabinet(session, member.pk, member.active_role)
    session.save()
    return member


#: persona → (unit attribute, roles ticked, role the persona acts in)
STAFF_PERSONAS: dict[str, tuple[str, list[str], str]] = {
    "admin": ("school", [OrgRole.ADMIN], OrgRole.ADMIN),
    "director": ("school", [OrgRole.TEACHER], DerivedRole.DIRECTOR),
    "deputy_head": ("school", [OrgRole.DEPUTY_HEAD, OrgRole.TEACHER], OrgRole.DEPUTY_HEAD),
    "teacher": ("school", [OrgRole.TEACHER], OrgRole.TEACHER),
    "hr": ("school", [OrgRole.HR], OrgRole.HR),
    "secretary": ("school", [OrgRole.SECRETARY], OrgRole.SECRETARY),
    "medical": ("school", [OrgRole.MEDICAL], OrgRole.MEDICAL),
    "psychologist": ("school", [OrgRole.PSYCHOLOGIST], OrgRole.PSYCHOLOGIST),
    "tech_staff": ("school", [OrgRole.TECH_STAFF], OrgRole.TECH_STAFF),
    "other_school_admin": ("other_school", [OrgRole.ADMIN], OrgRole.ADMIN),
    "other_school_teacher": ("other_school", [OrgRole.TEACHER], OrgRole.TEACHER),
    "municipal_admin": ("north", [AuthorityRole.ADMIN], AuthorityRole.ADMIN),
    "municipal_head": ("north", [AuthorityRole.HEAD], AuthorityRole.HEAD),
    "municipal_staff": ("north", [AuthorityRole.STAFF], AuthorityRole.STAFF),
    "municipal_operator": ("north", [AuthorityRole.OPERATOR], AuthorityRole.OPERATOR),
    "events_coordinator": (
        "north",
        [AuthorityRole.EVENTS_COORDINATOR],
        AuthorityRole.EVENTS_COORDINATOR,
    ),
    "gifted_coordinator": (
        "north",
        [AuthorityRole.GIFTED_COORDINATOR],
        AuthorityRole.GIFTED_COORDINATOR,
    ),
    "south_admin": ("south", [AuthorityRole.ADMIN], AuthorityRole.ADMIN),
    "regional_admin": ("ministry", [AuthorityRole.ADMIN], AuthorityRole.ADMIN),
}

SURNAMES = [
    "Иванов", "Петров", "Сидоров", "Кузнецов", "Смирнов", "Попов", "Васильев", "Соколов",
    "Михайлов", "Новиков", "Фёдоров", "Морозов", "Волков", "Алексеев", "Лебедев", "Семёнов",
    "Егоров", "Павлов", "Козлов", "Степанов",
]  # fmt: skip


def build_region() -> PersonaRegion:
    """The persona region: every role of seed 000 in one school, one authority and one ministry."""
    region = Region.objects.create(name="Тестовая область", code="99")
    north_m = Municipality.objects.create(region=region, name="Северный район")
    south_m = Municipality.objects.create(region=region, name="Южный район")
    ministry = Authority.objects.create(
        region=region,
        level=Authority.Level.REGION,
        short_name="Министерство образования",
        full_name="Министерство образования Тестовой области",
    )
    north = Authority.objects.create(
        region=region,
        municipality=north_m,
        parent=ministry,
        level=Authority.Level.MUNICIPALITY,
        short_name="УО Северного района",
        full_name="Управление образования администрации Северного района",
    )
    south = Authority.objects.create(
        region=region,
        municipality=south_m,
        parent=ministry,
        level=Authority.Level.MUNICIPALITY,
        short_name="УО Южного района",
        full_name="Управление образования администрации Южного района",
    )

    def school(
        name: str, municipality: Municipality, authority: Authority, **extra
    ) -> Organization:
        return Organization.objects.create(
            region=region,
            municipality=municipality,
            authority=authority,
            kind=Organization.Kind.SCHOOL,
            short_name=name,
            full_name=f"Муниципальное общеобразовательное учреждение «{name}»",
            **extra,
        )

    first = school("Школа № 1", north_m, north)
    subjects = {
        name: Subject.objects.create(name=name)
        for name in ("Математика", "Русский язык", "Физика", "История")
    }
    personas = PersonaRegion(
        region=region,
        ministry=ministry,
        north=north,
        south=south,
        school=first,
        branch=school("Школа № 1, дошкольное отделение", north_m, north, parent=first),
        other_school=school("Школа № 2", north_m, north),
        south_school=school("Школа № 3", south_m, south),
        subjects=subjects,
    )
    for index, (persona, (unit_name, roles, acting)) in enumerate(STAFF_PERSONAS.items()):
        membership = add_staff_member(
            actor=SYSTEM,
            unit=getattr(personas, unit_name),
            person_fields={
                "last_name": SURNAMES[index % len(SURNAMES)],
                "first_name": "Мария" if index % 2 else "Алексей",
                "middle_name": "Ивановна" if index % 2 else "Петрович",
                "birth_date": date(1970 + index, 1 + index % 12, 1 + index),
                "sex": "female" if index % 2 else "male",
                "snils": valid_snils(200_000_000 + index * 7919),
            },
            login=persona.replace("_", "."),
            password=PASSWORD,
            must_change_password=False,
            roles=roles,
            position="Учитель" if OrgRole.TEACHER in roles else "",
        )
        if acting == DerivedRole.DIRECTOR:
            membership.is_director = True
            membership.save(update_fields=["is_director"])
        personas.members[persona] = membership
        personas.roles[persona] = acting
    return personas
