"""A school's current academic year for the demo and the benchmarks.

Quarters and the usual holidays, a bell schedule, the curriculum of the federal programmes,
classes with their students and parents, teaching assignments drawn from the school's teachers,
a timetable packed without double-booking, the lessons it generates and, for lessons that took
place, topics, homework, marks and attendance. Rows are written in bulk, one audit entry per
table, like any bulk import.
"""

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from django.db import models

from parta.core import audit, calendar
from parta.identity.models import Membership, Person
from parta.journal.models import WORK_WEIGHTS, Attendance, Homework, Lesson, Mark, WorkType
from parta.journal.services.lessons import sync_lessons
from parta.orgs.models import Organization, Subject
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
from parta.students.models import ClassEnrolment, Guardianship, Student
from parta.web.seed import names

SEED_ACTOR = audit.SystemActor("seed")
BATCH_SIZE = 5000
Log = Callable[[str], None]

PRIMARY = (
    ("Русский язык", 5),
    ("Литературное чтение", 4),
    ("Математика", 4),
    ("Окружающий мир", 2),
    ("Иностранный язык (английский)", 2),
    ("Музыка", 1),
    ("Изобразительное искусство", 1),
    ("Труд (технология)", 1),
    ("Физическая культура", 2),
)
BASIC_JUNIOR = (
    ("Русский язык", 5),
    ("Литература", 3),
    ("Математика", 5),
    ("Иностранный язык (английский)", 3),
    ("История", 2),
    ("Биология", 1),
    ("География", 1),
    ("Музыка", 1),
    ("Изобразительное искусство", 1),
    ("Труд (технология)", 2),
    ("Физическая культура", 2),
)
BASIC_SENIOR = (
    ("Русский язык", 4),
    ("Литература", 2),
    ("Алгебра", 3),
    ("Геометрия", 2),
    ("Вероятность и статистика", 1),
    ("Информатика", 1),
    ("Иностранный язык (английский)", 3),
    ("История", 2),
    ("Обществознание", 1),
    ("География", 2),
    ("Биология", 1),
    ("Физика", 2),
    ("Химия", 2),
    ("Физическая культура", 2),
)
SECONDARY = (
    ("Русский язык", 2),
    ("Литература", 3),
    ("Алгебра", 3),
    ("Геометрия", 2),
    ("Вероятность и статистика", 1),
    ("Информатика", 1),
    ("Иностранный язык (английский)", 3),
    ("История", 2),
    ("Обществознание", 2),
    ("География", 1),
    ("Биология", 1),
    ("Физика", 2),
    ("Химия", 1),
    ("Физическая культура", 2),
    ("Основы безопасности и защиты Родины", 1),
    ("Индивидуальный проект", 1),
)
BELLS = (
    ("08:30", "09:10"),
    ("09:20", "10:00"),
    ("10:20", "11:00"),
    ("11:20", "12:00"),
    ("12:10", "12:50"),
    ("13:00", "13:40"),
    ("13:50", "14:30"),
)
DAYS = 5
#: Marks a teacher puts in one lesson, and how often each value occurs.
MARK_VALUES = ("5", "4", "3", "2")
MARK_SHARES = (30, 42, 23, 5)
ABSENCE_KINDS = (
    Attendance.Kind.ABSENT,
    Attendance.Kind.ILL,
    Attendance.Kind.ILL,
    Attendance.Kind.EXCUSED,
    Attendance.Kind.LATE,
)


def curriculum_for(grade: int) -> tuple[tuple[str, int], ...]:
    if grade <= 4:
        return tuple(line for line in PRIMARY if grade > 1 or "английский" not in line[0])
    if grade <= 6:
        return BASIC_JUNIOR
    if grade <= 9:
        return tuple(line for line in BASIC_SENIOR if grade >= 8 or line[0] != "Химия")
    return SECONDARY


def year_start(today: date) -> date:
    """The 1st of September that began the academic year of `today`."""
    return date(today.year if today.month >= 8 else today.year - 1, 9, 1)


def _quarters(start: date) -> list[tuple[date, date]]:
    first, second = start.year, start.year + 1
    return [
        (start, date(first, 10, 25)),
        (date(first, 11, 5), date(first, 12, 28)),
        (date(second, 1, 12), date(second, 3, 21)),
        (date(second, 4, 1), date(second, 5, 31)),
    ]


def _holidays(start: date) -> list[tuple[str, date, date]]:
    first, second = start.year, start.year + 1
    return [
        ("Осенние каникулы", date(first, 10, 26), date(first, 11, 4)),
        ("Зимние каникулы", date(first, 12, 29), date(second, 1, 11)),
        ("Весенние каникулы", date(second, 3, 22), date(second, 3, 31)),
    ]


@dataclass
class Pupil:
    """A student to enrol, with a parent."""

    name: names.FullName
    birth_date: date
    parent: names.FullName


@dataclass
class SchoolYearResult:
    year: AcademicYear
    classes: list[SchoolClass]
    students: list[Student] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)


def _bulk(model: type[models.Model], rows: list, *, target: models.Model) -> list:
    model.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    if rows:
        audit.record(
            actor=SEED_ACTOR,
            action="school.year_seeded",
            target=target,
            after={"table": model._meta.db_table, "count": len(rows)},
        )
    return rows


def _time(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def build_structure(
    *, organization: Organization, subjects: dict[str, Subject], today: date
) -> AcademicYear:
    """The year of `today` in quarters, with holidays, bells and the curriculum of 1–11."""
    start = year_start(today)
    year = AcademicYear.objects.create(
        organization=organization, starts_on=start, ends_on=date(start.year + 1, 5, 31)
    )
    Term.objects.bulk_create(
        Term(year=year, number=number, starts_on=first, ends_on=last)
        for number, (first, last) in enumerate(_quarters(start), start=1)
    )
    Holiday.objects.bulk_create(
        Holiday(year=year, name=name, starts_on=first, ends_on=last)
        for name, first, last in _holidays(start)
    )
    BellPeriod.objects.bulk_create(
        BellPeriod(year=year, number=number, starts_at=_time(first), ends_at=_time(last))
        for number, (first, last) in enumerate(BELLS, start=1)
    )
    CurriculumLine.objects.bulk_create(
        CurriculumLine(year=year, grade=grade, subject=subjects[name], hours_per_week=hours)
        for grade in range(1, 12)
        for name, hours in curriculum_for(grade)
    )
    return year


def random_pupils(rng: random.Random, count: int, grade: int, start: date) -> list[Pupil]:
    """Children of a parallel with one parent each, sharing the family name."""
    pupils = []
    for _index in range(count):
        family = rng.choice(names.SURNAMES)
        child = names.random_name(rng)
        parent = names.random_name(rng, female_share=0.7)
        born = date(start.year - 6 - grade, 1, 1) + timedelta(days=rng.randrange(365))
        pupils.append(
            Pupil(
                name=names.FullName(
                    names.surname_for(family, child.sex),
                    child.first_name,
                    child.middle_name,
                    child.sex,
                ),
                birth_date=born,
                parent=names.FullName(
                    names.surname_for(family, parent.sex),
                    parent.first_name,
                    parent.middle_name,
                    parent.sex,
                ),
            )
        )
    return pupils


def add_classes(
    *,
    year: AcademicYear,
    classes: list[tuple[int, str, list[Pupil]]],
    class_teachers: list[Membership],
) -> SchoolYearResult:
    """Classes with their whole-class groups, students enrolled from the year's start, parents."""
    organization = year.organization
    school_classes = SchoolClass.objects.bulk_create(
        SchoolClass(
            year=year,
            organization=organization,
            grade=grade,
            letter=letter,
            class_teacher=class_teachers[index % len(class_teachers)] if class_teachers else None,
        )
        for index, (grade, letter, _pupils) in enumerate(classes)
    )
    StudyGroup.objects.bulk_create(
        StudyGroup(school_class=school_class, is_whole_class=True)
        for school_class in school_classes
    )
    people: list[Person] = []
    for _grade, _letter, pupils in classes:
        for pupil in pupils:
            people.append(_person(pupil.name, pupil.birth_date))
            people.append(_person(pupil.parent, None))
    _bulk(Person, people, target=year)
    memberships = [
        Membership(
            person=person,
            organization=organization,
            kind=Membership.Kind.STUDENT if index % 2 == 0 else Membership.Kind.GUARDIAN,
        )
        for index, person in enumerate(people)
    ]
    _bulk(Membership, memberships, target=year)
    students = _bulk(
        Student,
        [
            Student(membership=membership, person=membership.person, organization=organization)
            for membership in memberships[::2]
        ],
        target=year,
    )
    _bulk(
        Guardianship,
        [
            Guardianship(
                guardian=parent.person,
                student=student,
                relation="mother" if parent.person.sex == names.FEMALE else "father",
            )
            for student, parent in zip(students, memberships[1::2], strict=True)
        ],
        target=year,
    )
    enrolments = []
    position = 0
    for school_class, (_grade, _letter, pupils) in zip(school_classes, classes, strict=True):
        for student in students[position : position + len(pupils)]:
            enrolments.append(
                ClassEnrolment(student=student, school_class=school_class, starts_on=year.starts_on)
            )
        position += len(pupils)
    _bulk(ClassEnrolment, enrolments, target=year)
    return SchoolYearResult(year=year, classes=school_classes, students=students)


def _person(name: names.FullName, birth_date: date | None) -> Person:
    return Person(
        last_name=name.last_name,
        first_name=name.first_name,
        middle_name=name.middle_name,
        sex=name.sex,
        birth_date=birth_date,
    )


def add_timetable(
    *,
    year: AcademicYear,
    classes: list[SchoolClass],
    teachers: list[Membership],
    subjects: dict[str, Subject],
    rng: random.Random,
) -> list[TeachingAssignment]:
    """Assignments from teachers who teach each subject, and a week packed without clashes."""
    by_subject: dict[int, list[Membership]] = {}
    for teacher in teachers:
        for subject in teacher.subjects.all():
            by_subject.setdefault(subject.pk, []).append(teacher)
    groups = {
        group.school_class_id: group
        for group in StudyGroup.objects.filter(school_class__in=classes, is_whole_class=True)
    }
    load: dict[int, int] = {}
    plan: list[tuple[TeachingAssignment, int]] = []
    for school_class in classes:
        for name, hours in curriculum_for(school_class.grade):
            candidates = by_subject.get(subjects[name].pk) or teachers
            teacher = min(candidates, key=lambda member: (load.get(member.pk, 0), member.pk))
            load[teacher.pk] = load.get(teacher.pk, 0) + hours
            assignment = TeachingAssignment(
                group=groups[school_class.pk], subject=subjects[name], teacher=teacher
            )
            plan.append((assignment, hours))
    assignments = TeachingAssignment.objects.bulk_create([a for a, _hours in plan])
    entries = _pack(year=year, plan=plan, rng=rng)
    _bulk(TimetableEntry, entries, target=year)
    return assignments


def _pack(
    *, year: AcademicYear, plan: list[tuple[TeachingAssignment, int]], rng: random.Random
) -> list[TimetableEntry]:
    """Place every weekly hour in a free slot of its class and its teacher, a subject once a day
    where possible."""
    busy_group: set[tuple[int, int, int]] = set()
    busy_teacher: set[tuple[int, int, int]] = set()
    subject_days: set[tuple[int, int, int]] = set()
    slots = [(day, period) for period in range(1, len(BELLS) + 1) for day in range(DAYS)]
    entries = []
    for assignment, hours in plan:
        group, teacher = assignment.group_id, assignment.teacher_id
        for _hour in range(hours):
            free = [
                (day, period)
                for day, period in slots
                if (group, day, period) not in busy_group
                and (teacher, day, period) not in busy_teacher
            ]
            if not free:
                break
            fresh = [
                slot for slot in free if (group, assignment.subject_id, slot[0]) not in subject_days
            ]
            day, period = min(fresh or free, key=lambda slot: (slot[1], rng.random()))
            busy_group.add((group, day, period))
            busy_teacher.add((teacher, day, period))
            subject_days.add((group, assignment.subject_id, day))
            entries.append(
                TimetableEntry(
                    assignment=assignment,
                    weekday=day,
                    period=period,
                    room=str(100 + teacher % 200),
                    starts_on=year.starts_on,
                    ends_on=year.ends_on,
                )
            )
    return entries


TOPIC_STEMS = (
    "Введение в тему",
    "Повторение изученного",
    "Решение задач",
    "Самостоятельная работа",
    "Работа с текстом",
    "Практикум",
    "Обобщение и систематизация",
    "Контрольная работа",
    "Анализ контрольной работы",
    "Проектная работа",
)


def fill_journal(
    *, year: AcademicYear, until: date, rng: random.Random, leave_unfilled_days: int = 0
) -> dict[str, int]:
    """Topics, homework, marks and attendance for the year's lessons up to `until`.

    The last `leave_unfilled_days` days before `until` stay partly empty, as a real journal
    looks on a weekday morning (and so the regulation's overdue lessons show).
    """
    sync_lessons(actor=SEED_ACTOR, year=year, starts_on=year.starts_on)
    lessons = list(
        Lesson.objects.filter(assignment__group__school_class__year=year, date__lte=until)
        .select_related("assignment")
        .order_by("date", "period")
    )
    rosters: dict[int, list[int]] = {}
    for group_class, student in ClassEnrolment.objects.filter(school_class__year=year).values_list(
        "school_class_id", "student_id"
    ):
        rosters.setdefault(group_class, []).append(student)
    class_of_group = dict(
        StudyGroup.objects.filter(school_class__year=year).values_list("pk", "school_class_id")
    )
    fresh_from = until - timedelta(days=leave_unfilled_days)
    counters: dict[tuple[int, int], int] = {}
    marks: list[Mark] = []
    absences: list[Attendance] = []
    homework: list[Homework] = []
    work_types = list(WorkType.values)
    for lesson in lessons:
        key = (lesson.assignment_id, 0)
        counters[key] = counters.get(key, 0) + 1
        number = counters[key]
        if lesson.date >= fresh_from and rng.random() < 0.5:
            continue
        lesson.topic = f"{TOPIC_STEMS[number % len(TOPIC_STEMS)]}. Урок {number}"
        lesson.work_type = (
            WorkType.CONTROL if number % 10 == 7 else rng.choice(work_types[:2] * 4 + work_types)
        )
        roster = rosters.get(class_of_group[lesson.assignment.group_id], [])
        if not roster:
            continue
        for student in rng.sample(roster, k=min(len(roster), rng.randint(2, 6))):
            marks.append(
                Mark(
                    student_id=student,
                    assignment_id=lesson.assignment_id,
                    lesson=lesson,
                    value=rng.choices(MARK_VALUES, MARK_SHARES)[0],
                    work_type=lesson.work_type,
                    weight=WORK_WEIGHTS[lesson.work_type],
                    author_id=lesson.teacher_id,
                )
            )
        for student in roster:
            if rng.random() < 0.04:
                absences.append(
                    Attendance(
                        lesson=lesson,
                        student_id=student,
                        kind=rng.choice(ABSENCE_KINDS),
                        author_id=lesson.teacher_id,
                    )
                )
        homework.append(
            Homework(lesson=lesson, text=f"§ {number}, упражнения {number}–{number + 2}")
        )
    Lesson.objects.bulk_update(
        [lesson for lesson in lessons if lesson.topic],
        ["topic", "work_type"],
        batch_size=BATCH_SIZE,
    )
    _bulk(Mark, marks, target=year)
    _bulk(Attendance, absences, target=year)
    _bulk(Homework, homework, target=year)
    return {"lessons": len(lessons), "marks": len(marks), "absences": len(absences)}


def teachers_of(organization: Organization) -> list[Membership]:
    """The school's active teachers with the subjects they teach."""
    return list(
        Membership.objects.filter(
            organization=organization,
            kind=Membership.Kind.STAFF,
            is_archived=False,
            role_rows__role="teacher",
        )
        .prefetch_related("subjects")
        .order_by("pk")
        .distinct()
    )


def letters(count: int) -> Iterable[str]:
    return "АБВГДЕЖИКЛ"[:count]


def build_school_year(
    *,
    organization: Organization,
    subjects: dict[str, Subject],
    class_sizes: dict[int, list[int]],
    rng: random.Random,
) -> SchoolYearResult:
    """The year of one school, its journal still empty: `class_sizes` maps a parallel to the
    sizes of its classes."""
    year = build_structure(organization=organization, subjects=subjects, today=calendar.today())
    teachers = teachers_of(organization)
    classes = [
        (grade, letter, random_pupils(rng, size, grade, year.starts_on))
        for grade, sizes in sorted(class_sizes.items())
        for letter, size in zip(letters(len(sizes)), sizes, strict=True)
    ]
    result = add_classes(year=year, classes=classes, class_teachers=teachers)
    add_timetable(year=year, classes=result.classes, teachers=teachers, subjects=subjects, rng=rng)
    return result
