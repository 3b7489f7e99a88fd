"""The persona school's year: classes, students, parents, a timetable and its lessons.

Школа № 1, 2026/2027 in quarters. 5«А» (class teacher: the teacher persona) has three students
and an English subgroup; 5«Б» has two. The parent persona has a child in each class. Tests that
depend on the date run on `TODAY`, a Wednesday of the second quarter (see the `today` fixture).
"""

from dataclasses import dataclass, field
from datetime import date, time

from parta.core.testing.personas import PASSWORD, SYSTEM, PersonaRegion
from parta.identity.models import DerivedRole
from parta.journal.models import Lesson
from parta.journal.services.lessons import sync_lessons
from parta.orgs.models import Subject
from parta.school.models import (
    AcademicYear,
    BellPeriod,
    CurriculumLine,
    Holiday,
    SchoolClass,
    StudyGroup,
    TeachingAssignment,
    Term,
    TimetableEntry,
)
from parta.students.models import Student
from parta.students.services.enrolment import add_guardian, enrol_student, set_group_members

TODAY = date(2026, 11, 25)
YEAR_START = date(2026, 9, 1)
YEAR_END = date(2027, 5, 31)
QUARTERS = [
    (date(2026, 9, 1), date(2026, 10, 24)),
    (date(2026, 11, 5), date(2026, 12, 27)),
    (date(2027, 1, 12), date(2027, 3, 21)),
    (date(2027, 4, 1), date(2027, 5, 31)),
]
HOLIDAYS = [
    ("Осенние каникулы", date(2026, 10, 25), date(2026, 11, 4)),
    ("Зимние каникулы", date(2026, 12, 28), date(2027, 1, 11)),
    ("Весенние каникулы", date(2027, 3, 22), date(2027, 3, 31)),
]
BELLS = [(1, "08:30", "09:15"), (2, "09:25", "10:10"), (3, "10:30", "11:15"), (4, "11:35", "12:20")]


@dataclass
class PersonaSchool:
    year: AcademicYear
    terms: list[Term]
    class_5a: SchoolClass
    class_5b: SchoolClass
    english_group: StudyGroup
    assignments: dict[str, TeachingAssignment]
    students: dict[str, Student] = field(default_factory=dict)

    def group(self, school_class: SchoolClass) -> StudyGroup:
        return school_class.groups.get(is_whole_class=True)

    def lessons(self, assignment: str):
        return Lesson.objects.filter(assignment=self.assignments[assignment]).order_by(
            "date", "period"
        )

    def last_lesson_before(self, assignment: str, day: date = TODAY) -> Lesson:
        return self.lessons(assignment).filter(date__lt=day).last()


def _time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def _class(year: AcademicYear, grade: int, letter: str, teacher) -> SchoolClass:
    school_class = SchoolClass.objects.create(
        year=year, organization=year.organization, grade=grade, letter=letter, class_teacher=teacher
    )
    StudyGroup.objects.create(school_class=school_class, is_whole_class=True)
    return school_class


def build_school(region: PersonaRegion) -> PersonaSchool:
    """Add the school year of Школа № 1 to the persona region, with its lessons generated."""
    year = AcademicYear.objects.create(
        organization=region.school, starts_on=YEAR_START, ends_on=YEAR_END
    )
    terms = [
        Term.objects.create(year=year, number=number, starts_on=start, ends_on=end)
        for number, (start, end) in enumerate(QUARTERS, start=1)
    ]
    for name, start, end in HOLIDAYS:
        Holiday.objects.create(year=year, name=name, starts_on=start, ends_on=end)
    for number, start, end in BELLS:
        BellPeriod.objects.create(
            year=year, number=number, starts_at=_time(start), ends_at=_time(end)
        )
    english, _created = Subject.objects.get_or_create(name="Английский язык")
    region.subjects["Английский язык"] = english
    subjects = region.subjects
    for subject, hours in (("Математика", 5), ("Русский язык", 5), ("История", 2)):
        CurriculumLine.objects.create(
            year=year, grade=5, subject=subjects[subject], hours_per_week=hours
        )
    CurriculumLine.objects.create(year=year, grade=5, subject=english, hours_per_week=3)
    teacher = region.members["teacher"]
    class_5a = _class(year, 5, "А", teacher)
    class_5b = _class(year, 5, "Б", region.members["deputy_head"])
    english_group = StudyGroup.objects.create(school_class=class_5a, name="Английский, группа 1")
    whole_5a = class_5a.groups.get(is_whole_class=True)
    whole_5b = class_5b.groups.get(is_whole_class=True)

    def assign(group: StudyGroup, subject: str, persona: str) -> TeachingAssignment:
        return TeachingAssignment.objects.create(
            group=group, subject=subjects[subject], teacher=region.members[persona]
        )

    assignments = {
        "math_5a": assign(whole_5a, "Математика", "teacher"),
        "russian_5a": assign(whole_5a, "Русский язык", "deputy_head"),
        "history_5a": assign(whole_5a, "История", "director"),
        "english_5a": assign(english_group, "Английский язык", "teacher"),
        "math_5b": assign(whole_5b, "Математика", "teacher"),
    }
    timetable = {
        "math_5a": [(0, 1, "21"), (1, 2, "21"), (2, 1, "21"), (3, 2, "21"), (4, 1, "21")],
        "russian_5a": [(0, 2, "12"), (1, 1, "12"), (2, 2, "12"), (3, 1, "12"), (4, 2, "12")],
        "history_5a": [(1, 3, "14"), (3, 3, "14")],
        "english_5a": [(0, 3, "31"), (2, 3, "31"), (4, 3, "31")],
        "math_5b": [(0, 2, "21"), (1, 1, "21"), (2, 2, "21"), (3, 1, "21"), (4, 2, "21")],
    }
    for key, slots in timetable.items():
        for weekday, period, room in slots:
            TimetableEntry.objects.create(
                assignment=assignments[key],
                weekday=weekday,
                period=period,
                room=room,
                starts_on=YEAR_START,
                ends_on=YEAR_END,
            )
    school = PersonaSchool(
        year=year,
        terms=terms,
        class_5a=class_5a,
        class_5b=class_5b,
        english_group=english_group,
        assignments=assignments,
    )
    pupils = [
        ("student", class_5a, "Алексеева", "Анна", "Сергеевна", "female"),
        ("pupil_2", class_5a, "Борисов", "Борис", "Андреевич", "male"),
        ("pupil_3", class_5a, "Васильева", "Вера", "Олеговна", "female"),
        ("pupil_5b", class_5b, "Алексеев", "Антон", "Сергеевич", "male"),
        ("pupil_5b_2", class_5b, "Григорьев", "Глеб", "Ильич", "male"),
    ]
    for index, (key, school_class, last, first, middle, sex) in enumerate(pupils):
        school.students[key] = enrol_student(
            actor=SYSTEM,
            school_class=school_class,
            on=YEAR_START,
            person_fields={
                "last_name": last,
                "first_name": first,
                "middle_name": middle,
                "sex": sex,
                "birth_date": date(2015, 1 + index, 10),
            },
            login=key.replace("_", "."),
            password=PASSWORD,
        )
    set_group_members(
        actor=SYSTEM,
        group=english_group,
        students=[school.students["student"], school.students["pupil_2"]],
    )
    parent = add_guardian(
        actor=SYSTEM,
        student=school.students["student"],
        relation="mother",
        person_fields={
            "last_name": "Алексеева",
            "first_name": "Ольга",
            "middle_name": "Викторовна",
            "sex": "female",
            "birth_date": date(1988, 4, 2),
        },
        login="parent",
        password=PASSWORD,
    )
    add_guardian(
        actor=SYSTEM,
        student=school.students["pupil_5b"],
        relation="mother",
        person=parent.guardian,
    )
    add_guardian(
        actor=SYSTEM,
        student=school.students["pupil_2"],
        relation="father",
        person_fields={
            "last_name": "Борисов",
            "first_name": "Андрей",
            "middle_name": "Петрович",
            "sex": "male",
            "birth_date": date(1985, 7, 9),
        },
        login="other.parent",
        password=PASSWORD,
    )
    guardian_memberships = {
        "parent": parent.guardian.memberships.get(organization=region.school),
        "other_parent": school.students["pupil_2"]
        .guardianships.get()
        .guardian.memberships.get(organization=region.school),
    }
    for persona, membership in guardian_memberships.items():
        region.members[persona] = membership
        region.roles[persona] = DerivedRole.GUARDIAN
    for key in ("student", "pupil_2"):
        region.members[key] = school.students[key].membership
        region.roles[key] = DerivedRole.STUDENT
    sync_lessons(actor=SYSTEM, year=year, starts_on=YEAR_START)
    return school
