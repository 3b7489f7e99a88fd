"""The demo schools' academic year: classes, students, parents, timetable and a filled journal.

МАОУ СОШ № 1 gets 1«А», 5«А», 5«Б», 9«А» and 11«А»; МБОУ СОШ № 2 gets 3«А» and 7«А». One student
of 5«А» and a parent with a child in 5«А» and in 5«Б» can sign in (sch1.student, sch1.parent).
"""

import random
from datetime import date, timedelta

from django.conf import settings

from parta.core import calendar
from parta.identity.models import Membership
from parta.orgs.models import Organization, Region, Subject
from parta.school.models import Announcement, SchoolClass
from parta.students.services.enrolment import add_guardian, enrol_student
from parta.web.seed import school_year

#: The diary's demo logins: a student of 5«А» and her mother, who also has a son in 5«Б».
DIARY_LOGINS = ("sch1.student", "sch1.parent")
SCHOOLS = {
    "МАОУ СОШ № 1": {1: [22], 5: [25, 24], 9: [21], 11: [18]},
    "МБОУ СОШ № 2": {3: [20], 7: [22]},
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
