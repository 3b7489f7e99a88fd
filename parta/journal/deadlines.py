"""The regulation's deadlines for the journal (seed 004, 3.3.5).

Topics, homework, current marks and attendance go in "не позднее одного дня после проведения
уроков": a lesson is overdue once the working day after it has passed and its topic or marks are
still missing. Reasons of absence are corrected within two working days of the note.
"""

from datetime import date, timedelta

from parta.core import calendar

LESSON_FILL_WORKING_DAYS = 1
ABSENCE_REASON_WORKING_DAYS = 2


def lesson_fill_deadline(lesson_date: date) -> date:
    """The last day to enter a lesson's topic, homework, marks and attendance."""
    return calendar.add_working_days(lesson_date, LESSON_FILL_WORKING_DAYS)


def is_lesson_overdue(*, lesson_date: date, has_topic: bool, has_marks: bool, today: date) -> bool:
    """A lesson past its fill deadline that still lacks a topic or marks."""
    return today > lesson_fill_deadline(lesson_date) and not (has_topic and has_marks)


def overdue_cutoff(today: date) -> date:
    """The latest lesson date whose fill deadline has passed by `today`."""
    day = today - timedelta(days=1)
    while lesson_fill_deadline(day) >= today:
        day -= timedelta(days=1)
    return day
