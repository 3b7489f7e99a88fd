from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from parta.journal.models import Attendance, Lesson, WorkType
from parta.journal.services.attendance import ABSENCE_KINDS

#: The absences page opens on the last two weeks.
DEFAULT_SPAN_DAYS = 14
LONGEST_SPAN_DAYS = 366


class LessonForm(forms.Form):
    # Not stripped here: the service tells a topic of spaces only from an empty one.
    topic = forms.CharField(
        label=_("Topic"),
        required=False,
        strip=False,
        max_length=500,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    work_type = forms.ChoiceField(label=_("Kind of work"), choices=WorkType.choices)
    distance_format = forms.ChoiceField(
        label=_("Distance lesson"),
        required=False,
        choices=[("", _("no, in class")), *Lesson.DistanceFormat.choices],
    )
    distance_platform = forms.CharField(
        label=_("Platform"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. Сферум")}),
    )
    distance_time = forms.CharField(
        label=_("Time of the lesson"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 10:30–11:10")}),
    )

    @classmethod
    def for_lesson(cls, lesson: Lesson) -> "LessonForm":
        return cls(
            initial={
                "topic": lesson.topic,
                "work_type": lesson.work_type,
                "distance_format": lesson.distance_format,
                "distance_platform": lesson.distance_platform,
                "distance_time": lesson.distance_time,
            }
        )


class HomeworkForm(forms.Form):
    text = forms.CharField(
        label=_("Homework"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Empty text removes the homework and its files."),
    )
    student = forms.TypedChoiceField(
        label=_("For the student"), required=False, coerce=int, empty_value=None
    )
    #: Set by the individual homework form, so that a student left unchosen there is an error
    #: rather than a silent change of the common homework.
    individual = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, students=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["student"].choices = [
            ("", _("— choose a student —")),
            *((student.pk, student.person.full_name) for student in students),
        ]

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("individual") and cleaned.get("student") is None:
            self.add_error("student", _("Choose the student the homework is for."))
        return cleaned


class HomeworkFileForm(forms.Form):
    file = forms.FileField(label=_("File"))


class AbsenceSpanForm(forms.Form):
    """`?from=&to=` of the absences page."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # "from" is a Python keyword, so the fields are added here rather than declared.
        self.fields["from"] = forms.DateField(
            label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
        )
        self.fields["to"] = forms.DateField(
            label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
        )

    def span(self, today: date) -> tuple[date, date]:
        """The chosen dates; the last two weeks when none (or nonsense) are given."""
        data = self.cleaned_data if self.is_valid() else {}
        ends_on = data.get("to") or today
        starts_on = data.get("from") or ends_on - timedelta(days=DEFAULT_SPAN_DAYS - 1)
        if starts_on > ends_on:
            starts_on, ends_on = ends_on, starts_on
        if (ends_on - starts_on).days >= LONGEST_SPAN_DAYS:
            starts_on = ends_on - timedelta(days=LONGEST_SPAN_DAYS - 1)
        return starts_on, ends_on


class AbsenceReasonForm(forms.Form):
    attendance = forms.TypedMultipleChoiceField(coerce=int)
    kind = forms.ChoiceField(
        choices=[(kind, Attendance.Kind(kind).label) for kind in ABSENCE_KINDS]
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Which absences exist is the service's concern; here only their ids are read.
        self.fields["attendance"].valid_value = lambda value: str(value).isdigit()
