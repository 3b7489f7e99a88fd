"""The demo region of `parta seed --scale demo`, built through the services like real data.

Демонстрационная область
├── Министерство образования (every authority role)
└── Городской округ Заречный — Управление образования (every authority role)
    ├── МАОУ СОШ № 1: a head, every organisation role, a person who is administrator and teacher,
    │   an account that must change its password
    │   └── branch «МАОУ СОШ № 1, дошкольное отделение»
    ├── МБОУ СОШ № 2: no head chosen (for the report); a teacher of school 1 works here too;
    │   a second card of one of school 1's teachers (for the duplicate finder)
    ├── МБДОУ детский сад № 5 «Солнышко»
    └── МБУ ДО «Дом детского творчества»
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction

from parta.core import audit
from parta.identity.models import AuthorityRole, Membership, OrgRole
from parta.identity.services.directors import set_director
from parta.identity.services.staff import add_staff_member, import_staff_member, update_staff_member
from parta.orgs.models import Authority, Municipality, Organization, Region, Subject
from parta.web.seed import catalogue, demo_dpo, demo_school, numbers
from parta.web.seed.logins import LoginRow, login_rows, region_memberships

DEMO_CODE = "00"
DEMO_SNILS_BASE = 111_000_000
SEED_ACTOR = audit.SystemActor("seed")


@dataclass(frozen=True)
class DemoPerson:
    """One demo employee: where, who, and how they sign in."""

    unit: str
    login: str
    last_name: str
    first_name: str
    middle_name: str
    sex: str
    birth_date: date
    position: str
    roles: tuple[str, ...]
    subjects: tuple[str, ...] = ()
    is_director: bool = False
    must_change_password: bool = False
    has_snils: bool = True


M, F = "male", "female"
A, R = AuthorityRole, OrgRole

#: The demo staff, unit by unit (units are keys of the dictionary `_build_units` returns).
PEOPLE = (
    DemoPerson("ministry", "min.admin", "Фёдорова", "Анна", "Сергеевна", F, date(1984, 5, 17), "Консультант отдела информатизации", (A.ADMIN,)),
    DemoPerson("ministry", "min.head", "Громов", "Виктор", "Павлович", M, date(1968, 11, 2), "Министр образования", (A.HEAD,)),
    DemoPerson("ministry", "min.staff", "Лебедева", "Ирина", "Николаевна", F, date(1979, 2, 8), "Главный специалист отдела общего образования", (A.STAFF,)),
    DemoPerson("ministry", "min.operator", "Котов", "Денис", "Андреевич", M, date(1991, 7, 23), "Ведущий специалист", (A.OPERATOR,)),
    DemoPerson("ministry", "min.gifted", "Соловьёва", "Мария", "Игоревна", F, date(1987, 3, 30), "Координатор по работе с одарёнными детьми", (A.GIFTED_COORDINATOR,)),
    DemoPerson("ministry", "min.events", "Тарасов", "Илья", "Олегович", M, date(1990, 9, 14), "Координатор мероприятий", (A.EVENTS_COORDINATOR,)),
    DemoPerson("uo", "uo.admin", "Белова", "Ольга", "Викторовна", F, date(1982, 1, 19), "Главный специалист (администратор)", (A.ADMIN,)),
    DemoPerson("uo", "uo.head", "Медведев", "Сергей", "Николаевич", M, date(1971, 6, 5), "Начальник управления образования", (A.HEAD,)),
    DemoPerson("uo", "uo.staff", "Крылова", "Наталья", "Петровна", F, date(1976, 10, 27), "Ведущий специалист", (A.STAFF,)),
    DemoPerson("uo", "uo.operator", "Журавлёва", "Екатерина", "Юрьевна", F, date(1993, 4, 11), "Специалист", (A.OPERATOR,)),
    DemoPerson("uo", "uo.gifted", "Романова", "Светлана", "Андреевна", F, date(1985, 12, 3), "Методист по работе с одарёнными детьми", (A.GIFTED_COORDINATOR,)),
    DemoPerson("uo", "uo.events", "Карпов", "Андрей", "Дмитриевич", M, date(1988, 8, 21), "Методист по воспитательной работе", (A.EVENTS_COORDINATOR,)),
    DemoPerson("school1", "sch1.director", "Орлова", "Татьяна", "Михайловна", F, date(1970, 4, 9), "Директор", (R.TEACHER,), ("История", "Обществознание"), is_director=True),
    DemoPerson("school1", "sch1.admin", "Никитин", "Павел", "Евгеньевич", M, date(1986, 2, 14), "Учитель информатики", (R.ADMIN, R.TEACHER), ("Информатика", "Индивидуальный проект")),
    DemoPerson("school1", "sch1.deputy", "Смирнова", "Елена", "Владимировна", F, date(1975, 9, 1), "Заместитель директора по УВР", (R.DEPUTY_HEAD, R.TEACHER), ("Русский язык", "Литература")),
    DemoPerson("school1", "sch1.teacher", "Иванова", "Мария", "Александровна", F, date(1989, 12, 12), "Учитель начальных классов", (R.TEACHER,), ("Русский язык", "Литературное чтение", "Математика", "Окружающий мир")),
    DemoPerson("school1", "sch1.math", "Волков", "Алексей", "Сергеевич", M, date(1983, 3, 25), "Учитель математики", (R.TEACHER,), ("Математика", "Алгебра", "Геометрия")),
    DemoPerson("school1", "sch1.english", "Павлова", "Юлия", "Олеговна", F, date(1998, 6, 30), "Учитель английского языка", (R.TEACHER,), ("Иностранный язык (английский)",), must_change_password=True),
    DemoPerson("school1", "sch1.kuznetsova", "Кузнецова", "Ольга", "Петровна", F, date(1985, 3, 12), "Учитель биологии", (R.TEACHER,), ("Биология",)),
    DemoPerson("school1", "sch1.secretary", "Зайцева", "Галина", "Ивановна", F, date(1966, 8, 8), "Секретарь", (R.SECRETARY,)),
    DemoPerson("school1", "sch1.hr", "Комарова", "Людмила", "Васильевна", F, date(1972, 1, 28), "Специалист по кадрам", (R.HR,)),
    DemoPerson("school1", "sch1.medical", "Егорова", "Вера", "Николаевна", F, date(1969, 10, 10), "Медицинская сестра", (R.MEDICAL,)),
    DemoPerson("school1", "sch1.psychologist", "Антонова", "Ксения", "Дмитриевна", F, date(1994, 5, 5), "Педагог-психолог", (R.PSYCHOLOGIST,)),
    DemoPerson("school1", "sch1.tech", "Степанов", "Николай", "Фёдорович", M, date(1963, 2, 2), "Заведующий хозяйством", (R.TECH_STAFF,)),
    DemoPerson("branch", "sch1do.teacher", "Макарова", "Анна", "Викторовна", F, date(1992, 11, 18), "Воспитатель", (R.TEACHER,)),
    DemoPerson("school2", "sch2.admin", "Сорокин", "Дмитрий", "Игоревич", M, date(1980, 7, 7), "Заместитель директора по ИКТ", (R.ADMIN,)),
    DemoPerson("school2", "sch2.teacher", "Белоусова", "Надежда", "Александровна", F, date(1978, 4, 22), "Учитель русского языка и литературы", (R.TEACHER,), ("Русский язык", "Литература")),
    DemoPerson("school2", "sch2.kuznetsova", "Кузнецова", "Ольга", "Петровна", F, date(1985, 3, 12), "Учитель химии", (R.TEACHER,), ("Химия",), has_snils=False),
    DemoPerson("kindergarten", "ds5.head", "Виноградова", "Лариса", "Геннадьевна", F, date(1974, 3, 3), "Заведующий", (R.ADMIN,), is_director=True),
    DemoPerson("kindergarten", "ds5.teacher", "Полякова", "Дарья", "Сергеевна", F, date(1995, 1, 9), "Воспитатель", (R.TEACHER,)),
    DemoPerson("supplementary", "ddt.director", "Тихонов", "Георгий", "Борисович", M, date(1977, 12, 25), "Директор", (R.ADMIN,), is_director=True),
    DemoPerson("supplementary", "ddt.teacher", "Голубева", "Алина", "Романовна", F, date(1990, 10, 16), "Педагог дополнительного образования", (R.TEACHER,)),
)  # fmt: skip

#: The teacher of school 1 who also teaches in school 2 (a second membership, one person).
SECOND_JOB = ("sch1.math", "school2", "sch2.admin")


#: Parts of the demo beyond the staff (classes, students, marks); each one gets the region after
#: the staff exist, inside the same transaction.
PARTS: list[Callable[[Region], None]] = [demo_school.add_school_years, demo_dpo.add_dpo]


@dataclass(frozen=True)
class DemoResult:
    region: Region
    created: bool
    logins: list[LoginRow]


def build_demo() -> DemoResult:
    """Create the demo region, or leave the existing one as it is; either way list its logins."""
    region = Region.objects.filter(code=DEMO_CODE).first()
    created = region is None
    if region is None:
        with transaction.atomic():
            region = _build()
    return DemoResult(region=region, created=created, logins=login_rows(region_memberships(region)))


def _build() -> Region:
    subjects = catalogue.ensure_subjects(actor=SEED_ACTOR)
    region = Region.objects.create(name="Демонстрационная область", code=DEMO_CODE)
    units = _build_units(region)
    audit.record(
        actor=SEED_ACTOR,
        action="orgs.region_seeded",
        target=region,
        after={"region": region.name, "units": [str(unit) for unit in units.values()]},
    )
    members: dict[str, Membership] = {}
    for serial, person in enumerate(PEOPLE):
        members[person.login] = _add(person, units[person.unit], subjects, serial)
    for person in PEOPLE:
        if person.is_director:
            organization = units[person.unit]
            admin = next(
                members[other.login]
                for other in PEOPLE
                if other.unit == person.unit and R.ADMIN in other.roles
            )
            set_director(
                actor=admin.acting_as(R.ADMIN),
                organization=organization,
                membership=members[person.login],
            )
    teacher_login, unit_key, admin_login = SECOND_JOB
    admin = members[admin_login].acting_as(R.ADMIN)
    teacher = members[teacher_login]
    second = import_staff_member(actor=admin, unit=units[unit_key], person=teacher.person)
    update_staff_member(
        actor=admin,
        membership=second,
        person_fields={},
        membership_fields={"position": "Учитель математики (совместитель)"},
        roles=[R.TEACHER],
        subjects=[subjects["Математика"], subjects["Вероятность и статистика"]],
    )
    for part in PARTS:
        part(region)
    return region


def _add(
    person: DemoPerson, unit: Organization | Authority, subjects: dict[str, Subject], serial: int
) -> Membership:
    return add_staff_member(
        actor=SEED_ACTOR,
        unit=unit,
        person_fields={
            "last_name": person.last_name,
            "first_name": person.first_name,
            "middle_name": person.middle_name,
            "birth_date": person.birth_date,
            "sex": person.sex,
            "snils": numbers.snils(DEMO_SNILS_BASE, serial) if person.has_snils else "",
            "email": f"{person.login}@demo.parta.example",
        },
        login=person.login,
        password=settings.PARTA_DEMO_PASSWORD,
        must_change_password=person.must_change_password,
        roles=list(person.roles),
        subjects=[subjects[name] for name in person.subjects],
        position=person.position,
        starts_on=date(2020, 9, 1),
        confirm_namesake=not person.has_snils,
    )


def _build_units(region: Region) -> dict[str, Organization | Authority]:
    municipality = Municipality.objects.create(
        region=region, name="Городской округ Заречный", kind=Municipality.Kind.URBAN_OKRUG
    )
    ministry = Authority.objects.create(
        region=region,
        level=Authority.Level.REGION,
        short_name="Министерство образования",
        full_name="Министерство образования Демонстрационной области",
    )
    uo = Authority.objects.create(
        region=region,
        municipality=municipality,
        parent=ministry,
        level=Authority.Level.MUNICIPALITY,
        short_name="Управление образования г. о. Заречный",
        full_name="Управление образования Администрации городского округа Заречный",
    )

    def organization(
        serial: int,
        kind: str,
        short_name: str,
        full_name: str,
        parent: Organization | None = None,
    ) -> Organization:
        tax_office = f"{DEMO_CODE}01"
        street = ("Ленина", "Школьная", "Мира", "Садовая", "Советская")[serial % 5]
        return Organization.objects.create(
            region=region,
            municipality=municipality,
            authority=uo,
            parent=parent,
            kind=kind,
            short_name=short_name,
            full_name=full_name,
            # a branch has no registration of its own: it shows its head organisation's numbers
            inn=parent.inn if parent else numbers.inn(tax_office, serial),
            ogrn=parent.ogrn
            if parent
            else numbers.ogrn(
                year=1990 + serial * 3, region_code=DEMO_CODE, tax_office=tax_office, serial=serial
            ),
            address=f"г. Заречный, ул. {street}, д. {serial * 7}",
            phone=f"+7 (343) 200-10-{serial:02d}",
            email=f"org{serial}@demo.parta.example",
        )

    school1 = organization(
        1,
        Organization.Kind.SCHOOL,
        "МАОУ СОШ № 1",
        "Муниципальное автономное общеобразовательное учреждение «Средняя общеобразовательная школа № 1»",
    )
    return {
        "ministry": ministry,
        "uo": uo,
        "school1": school1,
        "branch": organization(
            2,
            Organization.Kind.KINDERGARTEN,
            "МАОУ СОШ № 1, дошкольное отделение",
            "Дошкольное отделение МАОУ СОШ № 1",
            parent=school1,
        ),
        "school2": organization(
            3,
            Organization.Kind.SCHOOL,
            "МБОУ СОШ № 2",
            "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 2»",
        ),
        "kindergarten": organization(
            4,
            Organization.Kind.KINDERGARTEN,
            "МБДОУ детский сад № 5 «Солнышко»",
            "Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад № 5 «Солнышко»»",
        ),
        "supplementary": organization(
            5,
            Organization.Kind.SUPPLEMENTARY,
            "МБУ ДО «Дом детского творчества»",
            "Муниципальное бюджетное учреждение дополнительного образования «Дом детского творчества»",
        ),
    }
