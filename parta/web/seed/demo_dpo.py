"""The demo region's further professional education: the institute, its programmes and groups,
the teachers' competency assessments and a few applications in every status.

ГАУ ДПО «Институт развития образования» (login iro.staff) offers seven programmes; each has a
«Предварительная запись на <next year> год» group open today, some a group starting soon too.
sch1.teacher, sch1.math, sch1.kuznetsova and sch2.teacher have deficits; sch1.teacher has not
applied to her best recommendation yet (the demo of issue 5 starts there), the others' applications
are new, confirmed by sch1.director, included in a group by iro.staff, or cancelled with a comment.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings

from parta.core import calendar
from parta.dpo import services
from parta.dpo.models import Assessment, Cohort, Competency, Programme
from parta.identity.models import DerivedRole, Membership, OrgRole
from parta.identity.services.staff import add_staff_member
from parta.orgs.models import Organization, Region, Subject
from parta.web.seed import numbers
from parta.web.seed.school_year import SEED_ACTOR

#: The ДПО staff login; its SNILS serial follows the demo staff's.
STAFF_LOGIN = "iro.staff"
STAFF_SNILS_SERIAL = 900
LOGINS = (STAFF_LOGIN,)

COMPETENCIES = {
    "subject": "Предметные знания",
    "methods": "Методические компетенции",
    "literacy": "Формирование функциональной грамотности",
    "digital": "Цифровые компетенции",
    "upbringing": "Воспитательная работа",
    "inclusion": "Инклюзивное образование",
}


@dataclass(frozen=True)
class DemoProgramme:
    title: str
    kind: str
    form: str
    hours: int
    competencies: tuple[str, ...]
    positions: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    #: A group besides the preliminary one, open for applications now: its study starts this many
    #: days from today.
    group_in: int | None = None
    summary: str = ""


K, FORM = Programme.Kind, Programme.Form
PROGRAMMES = (
    DemoProgramme("Формирование функциональной грамотности младших школьников", K.REFRESHER, FORM.DISTANCE, 36, ("literacy", "methods"), ("Учитель начальных классов",), ("Литературное чтение", "Математика"), group_in=40, summary="Читательская, математическая и естественно-научная грамотность в начальной школе: задания, приёмы, оценивание."),
    DemoProgramme("Методика преподавания математики в соответствии с обновлёнными ФГОС", K.REFRESHER, FORM.PART_TIME, 72, ("subject", "methods"), ("Учитель математики", "Учитель начальных классов"), ("Математика", "Алгебра", "Геометрия"), group_in=60, summary="Содержание и методика курса математики 5–11 классов, подготовка к ОГЭ и ЕГЭ."),
    DemoProgramme("Цифровые образовательные ресурсы в работе учителя", K.REFRESHER, FORM.DISTANCE, 24, ("digital",), summary="Электронный журнал, цифровые библиотеки, онлайн-тесты и безопасность в сети."),
    DemoProgramme("Воспитательная работа классного руководителя", K.REFRESHER, FORM.FULL_TIME, 36, ("upbringing",), summary="Рабочая программа воспитания, работа с родителями, профилактика."),
    DemoProgramme("Инклюзивное образование обучающихся с ОВЗ", K.REFRESHER, FORM.PART_TIME, 72, ("inclusion", "methods"), summary="Адаптированные программы, индивидуальный маршрут, взаимодействие с ППк."),
    DemoProgramme("Преподавание русского языка и литературы: трудные вопросы", K.REFRESHER, FORM.DISTANCE, 36, ("subject", "literacy"), ("Учитель русского языка и литературы", "Учитель начальных классов"), ("Русский язык", "Литература"), summary="Трудные темы орфографии и пунктуации, анализ художественного текста."),
    DemoProgramme("Педагогика и методика преподавания биологии и химии", K.RETRAINING, FORM.PART_TIME, 288, ("subject", "methods"), ("Учитель биологии", "Учитель химии"), ("Биология", "Химия"), group_in=30, summary="Профессиональная переподготовка с присвоением квалификации «Учитель биологии и химии»."),
)  # fmt: skip

#: Whose deficits the assessment found: login → competency codes with a deficit (others passed).
ASSESSED = {
    "sch1.teacher": ("literacy", "methods", "digital"),
    "sch1.math": ("methods",),
    "sch1.kuznetsova": ("subject", "upbringing"),
    "sch2.teacher": ("literacy",),
}

#: The demo applications: (login, index in PROGRAMMES, to the group starting soon rather than the
#: preliminary one, what happens).
APPLICATIONS = (
    ("sch1.teacher", 2, False, "new"),
    ("sch1.math", 1, True, "approved"),
    ("sch1.kuznetsova", 6, True, "enrolled"),
    ("sch2.teacher", 5, False, "new"),
    ("sch1.deputy", 3, False, "cancelled"),
)
CANCEL_COMMENT = "Прошла этот курс в прошлом году, запись ошибочная."


def add_dpo(region: Region) -> None:
    """The institute with its staff member, the catalogue, the assessments and the applications."""
    today = calendar.today()
    school = Organization.objects.get(region=region, short_name="МАОУ СОШ № 1")
    institute = Organization.objects.create(
        region=region,
        municipality=school.municipality,
        authority=school.authority.parent,
        kind=Organization.Kind.DPO,
        short_name="ГАУ ДПО «Институт развития образования»",
        full_name="Государственное автономное учреждение дополнительного профессионального "
        "образования Демонстрационной области «Институт развития образования»",
        inn=numbers.inn(f"{region.code}01", 90),
        ogrn=numbers.ogrn(
            year=1995, region_code=region.code, tax_office=f"{region.code}01", serial=90
        ),
        address="г. Заречный, ул. Университетская, д. 9",
        phone="+7 (343) 200-10-90",
        email="iro@demo.parta.example",
    )
    staff = _staff(institute)
    competencies = {
        code: Competency.objects.get_or_create(code=f"demo.{code}", defaults={"name": name})[0]
        for code, name in COMPETENCIES.items()
    }
    subjects = {subject.name: subject for subject in Subject.objects.all()}
    cohorts = [_programme(institute, item, competencies, subjects, today) for item in PROGRAMMES]
    members = _members(region)
    for login, deficits in ASSESSED.items():
        _assess(members[login], competencies, deficits, on=today - timedelta(days=45))
    director = members["sch1.director"].acting_as(DerivedRole.DIRECTOR)
    for login, number, soon, outcome in APPLICATIONS:
        preliminary, group = cohorts[number]
        applicant = members[login]
        application = services.apply(actor=applicant, cohort=group if soon else preliminary)
        if outcome == "cancelled":
            services.cancel(actor=applicant, application=application, comment=CANCEL_COMMENT)
        if outcome in ("approved", "enrolled"):
            application = services.approve(actor=director, application=application)
        if outcome == "enrolled":
            services.enrol(actor=staff, application=application)


def _staff(institute: Organization) -> Membership:
    member = add_staff_member(
        actor=SEED_ACTOR,
        unit=institute,
        person_fields={
            "last_name": "Белякова",
            "first_name": "Светлана",
            "middle_name": "Юрьевна",
            "birth_date": date(1981, 9, 15),
            "sex": "female",
            "snils": numbers.snils(111_000_000, STAFF_SNILS_SERIAL),
            "email": f"{STAFF_LOGIN}@demo.parta.example",
        },
        login=STAFF_LOGIN,
        password=settings.PARTA_DEMO_PASSWORD,
        must_change_password=False,
        roles=[OrgRole.ADMIN],
        position="Методист центра непрерывного повышения профессионального мастерства",
        starts_on=date(2020, 9, 1),
    )
    return member.acting_as(OrgRole.ADMIN)


def _programme(
    institute: Organization,
    item: DemoProgramme,
    competencies: dict[str, Competency],
    subjects: dict[str, Subject],
    today: date,
) -> tuple[Cohort, Cohort | None]:
    """The programme with its preliminary group for next year and, if any, a group of this year."""
    programme = Programme.objects.create(
        provider=institute,
        title=item.title,
        kind=item.kind,
        form=item.form,
        hours=item.hours,
        summary=item.summary,
        positions=list(item.positions),
    )
    programme.competencies.set([competencies[code] for code in item.competencies])
    programme.subjects.set([subjects[name] for name in item.subjects])
    year = today.year + 1
    preliminary = Cohort.objects.create(
        programme=programme,
        title=f"Предварительная запись на {year} год",
        is_preliminary=True,
        planned_year=year,
        capacity=60,
        applications_open_on=today - timedelta(days=20),
        applications_close_on=today + timedelta(days=25),
        approvals_close_on=today + timedelta(days=35),
    )
    group = None
    if item.group_in is not None:
        starts_on = today + timedelta(days=item.group_in)
        group = Cohort.objects.create(
            programme=programme,
            title=f"Группа № 1 ({starts_on.strftime('%d.%m.%Y')})",
            starts_on=starts_on,
            ends_on=starts_on + timedelta(days=item.hours // 6),
            capacity=25,
            applications_open_on=today - timedelta(days=10),
            applications_close_on=today + timedelta(days=15),
            approvals_close_on=today + timedelta(days=20),
        )
    return preliminary, group


def _members(region: Region) -> dict[str, Membership]:
    """The demo's school staff by login (their main job, in the organisation they were added to)."""
    rows = (
        Membership.objects.filter(
            organization__region=region,
            kind=Membership.Kind.STAFF,
            person__account__login__in=[
                *ASSESSED,
                *(row[0] for row in APPLICATIONS),
                "sch1.director",
            ],
        )
        .select_related("person__account", "organization")
        .order_by("pk")
    )
    members: dict[str, Membership] = {}
    for membership in rows:
        members.setdefault(membership.person.account.login, membership)
    return members


def _assess(
    member: Membership, competencies: dict[str, Competency], deficits: tuple[str, ...], *, on: date
) -> None:
    for code, competency in competencies.items():
        deficit = code in deficits
        Assessment.objects.create(
            person_id=member.person_id,
            competency=competency,
            score=Decimal("38.5") if deficit else Decimal("81"),
            is_deficit=deficit,
            assessed_on=on,
        )
