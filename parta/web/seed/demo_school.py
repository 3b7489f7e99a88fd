"""The demo schools' academic year: classes, students, parents, timetable and a filled journal,
and a few pages of the movement book.

МАОУ СОШ № 1 gets 1«А», 5«А», 5«Б», 9«А» and 11«А»; МБОУ СОШ № 2 gets 3«А», 5«А» and 7«А». One
student of 5«А» and a parent with a child in 5«А» and in 5«Б» of СОШ № 1 and one in 3«А» of СОШ
№ 2 can sign in (sch1.student, sch1.parent: one login, a cabinet in each school).
"""

import random
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

from parta.core import calendar
from parta.identity.models import Membership, Person
from parta.orgs.models import Organization, Region, Subject
from parta.school.models import Announcement, SchoolClass
from parta.students.models import MovementOrder, Student
from parta.students.services.enrolment import add_guardian, create_student, enrol_student
from parta.students.services.orders import LineInput, OrderHeader, apply_order, create_order
from parta.web.seed import school_year

#: The diary's demo logins: a student of 5«А» and her mother, who also has a son in 5«Б».
DIARY_LOGINS = ("sch1.student", "sch1.parent")
SCHOOLS = {
    "МАОУ СОШ № 1": {1: [22], 5: [25, 24], 9: [21], 11: [18]},
    "МБОУ СОШ № 2": {3: [20], 5: [21], 7: [22]},
}


def add_school_years(region: Region) -> None:
    """Give the demo schools their current academic year."""
    subjects = {subject.name: subject for subject in Subject.objects.all()}
    rng = random.Random(2026)
    for name, class_sizes in SCHOOLS.items():
        organization = Organization.objects.get(region=region, short_name=name)
        result = school_year.build_school_year(
            organization=organization,
            subjects=subjects,
            class_sizes=class_sizes,
            rng=rng,
        )
        if name == "МАОУ СОШ № 1":
            _diary_logins(result.classes)
            _announcements(organization, result.classes)
            first = result.classes
        else:
            _movement_book(first, result.classes)
        school_year.fill_journal(
            year=result.year,
            until=calendar.today() - timedelta(days=1),
            rng=rng,
            leave_unfilled_days=3,
        )


def _diary_logins(classes: list[SchoolClass]) -> None:
    class_5a = next(c for c in classes if (c.grade, c.letter) == (5, "А"))
    class_5b = next(c for c in classes if (c.grade, c.letter) == (5, "Б"))
    year = class_5a.year
    actor = school_year.SEED_ACTOR
    password = settings.PARTA_DEMO_PASSWORD
    student = enrol_student(
        actor=actor,
        school_class=class_5a,
        on=year.starts_on,
        person_fields={
            "last_name": "Соколова",
            "first_name": "Дарья",
            "middle_name": "Андреевна",
            "sex": "female",
            "birth_date": date(year.starts_on.year - 11, 3, 14),
        },
        login=DIARY_LOGINS[0],
        password=password,
    )
    brother = enrol_student(
        actor=actor,
        school_class=class_5b,
        on=year.starts_on,
        person_fields={
            "last_name": "Соколов",
            "first_name": "Максим",
            "middle_name": "Андреевич",
            "sex": "male",
            "birth_date": date(year.starts_on.year - 11, 3, 14),
        },
    )
    parent = add_guardian(
        actor=actor,
        student=student,
        relation="mother",
        person_fields={
            "last_name": "Соколова",
            "first_name": "Ирина",
            "middle_name": "Викторовна",
            "sex": "female",
            "birth_date": date(1986, 9, 2),
        },
        login=DIARY_LOGINS[1],
        password=password,
    )
    add_guardian(actor=actor, student=brother, relation="mother", person=parent.guardian)
    Student.objects.filter(pk=student.pk).update(
        registration_address="г. Петропавловск-Камчатский, ул. Ленинская, д. 12, кв. 5",
        residence_address="г. Петропавловск-Камчатский, ул. Ленинская, д. 12, кв. 5",
        health_group="2",
        physical_education_group="main",
        social_categories=["large_family"],
    )


def _class(classes: list[SchoolClass], grade: int, letter: str = "А") -> SchoolClass:
    return next(c for c in classes if (c.grade, c.letter) == (grade, letter))


def _student_of(school_class: SchoolClass, index: int) -> Student:
    return Student.objects.filter(enrolments__school_class=school_class).order_by("pk")[index]


def _movement_book(first: list[SchoolClass], second: list[SchoolClass]) -> None:
    """Orders of both schools: a transfer between classes, a withdrawal out of the region, a draft
    enrolment, and a student leaving СОШ № 2 for СОШ № 1 who waits among «Прибывающие» there;
    the sister of the diary's children in 3«А» of СОШ № 2. Two orders were entered late."""
    actor = school_year.SEED_ACTOR
    today = calendar.today()
    school, other = first[0].organization, second[0].organization
    sister = enrol_student(
        actor=actor,
        school_class=_class(second, 3),
        on=_class(second, 3).year.starts_on,
        person_fields={
            "last_name": "Соколова",
            "first_name": "Вера",
            "middle_name": "Андреевна",
            "sex": "female",
            "birth_date": date(today.year - 9, 5, 20),
        },
    )
    mother = Person.objects.get(account__login=DIARY_LOGINS[1])
    add_guardian(actor=actor, student=sister, relation="mother", person=mother)
    moved = _student_of(_class(first, 5), 3)
    leaving = _student_of(_class(first, 9), 2)
    arriving = _student_of(_class(second, 5), 1)
    newcomer = create_student(
        actor=actor,
        organization=school,
        person_fields={
            "last_name": "Морозов",
            "first_name": "Кирилл",
            "middle_name": "Павлович",
            "sex": "male",
            "birth_date": date(today.year - 11, 2, 8),
        },
    )
    orders = [
        (
            school,
            MovementOrder.Kind.TRANSFER,
            OrderHeader(
                "45-у",
                today - timedelta(days=2),
                today + timedelta(days=1),
                today - timedelta(days=3),
            ),
            LineInput(moved, from_class=_class(first, 5), to_class=_class(first, 5, "Б")),
            today - timedelta(days=2),
        ),
        (
            school,
            MovementOrder.Kind.WITHDRAW,
            OrderHeader(
                "52-у",
                today - timedelta(days=12),
                today,
                today - timedelta(days=14),
            ),
            LineInput(leaving, from_class=_class(first, 9), destination="Переезд в г. Хабаровск"),
            today - timedelta(days=5),
        ),
        (
            other,
            MovementOrder.Kind.WITHDRAW,
            OrderHeader(
                "17-у",
                today - timedelta(days=6),
                today - timedelta(days=6),
                today - timedelta(days=7),
            ),
            LineInput(arriving, from_class=_class(second, 5), destination_organization=school),
            today - timedelta(days=6),
        ),
    ]
    for organization, kind, header, line, entered_on in orders:
        order = create_order(
            actor=actor, organization=organization, kind=kind, header=header, lines=[line]
        )
        apply_order(actor=actor, order=order)
        MovementOrder.objects.filter(pk=order.pk).update(
            created_at=timezone.make_aware(datetime.combine(entered_on, time(10)))
        )
    create_order(
        actor=actor,
        organization=school,
        kind=MovementOrder.Kind.ENROL,
        header=OrderHeader("58-у", today, today + timedelta(days=1), today - timedelta(days=1)),
        lines=[LineInput(newcomer, to_class=_class(first, 5))],
    )


def _announcements(organization: Organization, classes: list[SchoolClass]) -> None:
    author = Membership.objects.filter(organization=organization, is_director=True).first()
    if author is None:
        return
    today = calendar.today()
    class_5a = next(c for c in classes if (c.grade, c.letter) == (5, "А"))
    Announcement.objects.bulk_create(
        [
            Announcement(
                organization=organization,
                author=author,
                title="Родительское собрание",
                text="Общешкольное родительское собрание состоится в пятницу в 18:00 в актовом зале.",
                published_on=today,
            ),
            Announcement(
                organization=organization,
                school_class=class_5a,
                author=author,
                title="Экскурсия 5«А»",
                text="В субботу класс едет в краеведческий музей. Сбор у школы в 9:30.",
                published_on=today,
            ),
        ]
    )
