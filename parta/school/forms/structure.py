"""Forms of «Планирование»: they parse input; the services check the rules of the calendar."""

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parta.orgs.models import Subject
from parta.school.models import (
    TERM_COUNT,
    AcademicYear,
    BellPeriod,
    CurriculumLine,
    DayTransfer,
    Holiday,
    Term,
    Weekday,
)
from parta.school.services.structure import CurriculumInput

DATE_FORMAT = "%Y-%m-%d"


def _date_field(label: str, **extra) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=forms.DateInput(attrs={"type": "date"}, format=DATE_FORMAT),
        **extra,
    )


def _time_field(label: str) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )


class YearForm(forms.Form):
    """A new academic year: its dates and the kind of its periods."""

    starts_on = _date_field(_("Start of the year"))
    ends_on = _date_field(_("End of the year"))
    term_kind = forms.ChoiceField(
        label=_("Kind of periods"),
        choices=AcademicYear.TermKind.choices,
        initial=AcademicYear.TermKind.QUARTER,
    )


@dataclass(frozen=True)
class TermRow:
    term: Term
    start: forms.BoundField | None = None
    end: forms.BoundField | None = None


class TermsForm(forms.Form):
    """The first and last day of each period of the year, `start_1`, `end_1`, …"""

    def __init__(self, *args, year: AcademicYear, terms: list[Term], **kwargs) -> None:
        initial = {}
        for term in terms:
            initial[f"start_{term.number}"] = term.starts_on
            initial[f"end_{term.number}"] = term.ends_on
        super().__init__(*args, initial=initial, prefix="terms", **kwargs)
        self.year, self.terms = year, terms
        self.count = TERM_COUNT[AcademicYear.TermKind(year.term_kind)]
        for number in range(1, self.count + 1):
            self.fields[f"start_{number}"] = _date_field(_("First day"))
            self.fields[f"end_{number}"] = _date_field(_("Last day"))

    def boundaries(self) -> list[tuple[date, date]]:
        data = self.cleaned_data
        return [(data[f"start_{n}"], data[f"end_{n}"]) for n in range(1, self.count + 1)]

    @property
    def rows(self) -> list[TermRow]:
        known = {term.number: term for term in self.terms}
        return [
            TermRow(
                term=known.get(number) or Term(year=self.year, number=number),
                start=self[f"start_{number}"],
                end=self[f"end_{number}"],
            )
            for number in range(1, self.count + 1)
        ]


def term_rows(terms: list[Term], form: TermsForm | None) -> list[TermRow]:
    """The rows of the terms table: with date inputs for a manager, plain dates otherwise."""
    return form.rows if form is not None else [TermRow(term=term) for term in terms]


class HolidayForm(forms.Form):
    """Каникулы or a public holiday."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Holiday.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    starts_on = _date_field(_("First day"))
    ends_on = _date_field(_("Last day"))

    @classmethod
    def for_holiday(cls, holiday: Holiday | None, data: dict | None = None) -> "HolidayForm":
        initial = {}
        if holiday is not None:
            initial = {name: getattr(holiday, name) for name in cls.base_fields}
        return cls(data, initial=initial, prefix="holiday")


class TransferForm(forms.Form):
    """Перенос учебного дня: a date and the weekday whose timetable runs on it."""

    on = _date_field(_("Date"))
    works_as = forms.TypedChoiceField(
        label=_("Works by the timetable of"), choices=Weekday.choices, coerce=int
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    @classmethod
    def for_transfer(cls, transfer: DayTransfer | None, data: dict | None = None) -> "TransferForm":
        initial = {}
        if transfer is not None:
            initial = {name: getattr(transfer, name) for name in cls.base_fields}
        return cls(data, initial=initial, prefix="transfer")


@dataclass(frozen=True)
class BellRow:
    number: int
    start: forms.BoundField
    end: forms.BoundField


class BellsForm(forms.Form):
    """The bell schedule as rows of start and end times; empty rows are left out."""

    EMPTY_ROWS = 2
    MIN_ROWS = 6

    def __init__(self, *args, bells: list[BellPeriod], **kwargs) -> None:
        initial = {}
        for bell in bells:
            initial[f"start_{bell.number}"] = bell.starts_at
            initial[f"end_{bell.number}"] = bell.ends_at
        super().__init__(*args, initial=initial, prefix="bells", **kwargs)
        data_rows = 0
        if self.is_bound:
            numbers = [
                int(key.rsplit("_", 1)[1])
                for key in self.data
                if key.startswith("bells-start_") and key.rsplit("_", 1)[1].isdigit()
            ]
            data_rows = min(max(numbers, default=0), 30)
        self.count = max(len(bells) + self.EMPTY_ROWS, self.MIN_ROWS, data_rows)
        for number in range(1, self.count + 1):
            self.fields[f"start_{number}"] = _time_field(pgettext_lazy("bell", "Start"))
            self.fields[f"end_{number}"] = _time_field(pgettext_lazy("bell", "End"))

    @property
    def rows(self) -> list[BellRow]:
        return [
            BellRow(number=n, start=self[f"start_{n}"], end=self[f"end_{n}"])
            for n in range(1, self.count + 1)
        ]

    def bell_rows(self) -> list[tuple[int, time | None, time | None]]:
        """Filled rows, numbered 1, 2, … in the order they were entered."""
        data = self.cleaned_data
        filled = [
            (data[f"start_{n}"], data[f"end_{n}"])
            for n in range(1, self.count + 1)
            if data[f"start_{n}"] is not None or data[f"end_{n}"] is not None
        ]
        return [(number, start, end) for number, (start, end) in enumerate(filled, start=1)]


@dataclass(frozen=True)
class CurriculumFormRow:
    subject: Subject
    hours: forms.BoundField
    pass_fail: forms.BoundField


class CurriculumForm(forms.Form):
    """One parallel's учебный план: hours a week and pass/fail per subject of the catalogue."""

    def __init__(
        self,
        *args,
        subjects: list[Subject],
        lines: dict[int, CurriculumLine],
        **kwargs,
    ) -> None:
        initial: dict[str, object] = {}
        for subject_id, line in lines.items():
            initial[f"hours_{subject_id}"] = line.hours_per_week.normalize()
            initial[f"pass_fail_{subject_id}"] = line.is_pass_fail
        super().__init__(*args, initial=initial, prefix="curriculum", **kwargs)
        self.subjects = subjects
        for subject in subjects:
            self.fields[f"hours_{subject.pk}"] = forms.DecimalField(
                label=_("Hours a week"),
                required=False,
                max_digits=4,
                decimal_places=1,
                localize=True,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 4}),
            )
            self.fields[f"pass_fail_{subject.pk}"] = forms.BooleanField(
                label=_("Pass/fail"), required=False
            )

    @property
    def rows(self) -> list[CurriculumFormRow]:
        return [
            CurriculumFormRow(
                subject=subject,
                hours=self[f"hours_{subject.pk}"],
                pass_fail=self[f"pass_fail_{subject.pk}"],
            )
            for subject in self.subjects
        ]

    def lines(self) -> list[CurriculumInput]:
        """The subjects given hours; a subject left blank is not taught in the parallel."""
        data = self.cleaned_data
        return [
            CurriculumInput(
                subject=subject,
                hours_per_week=Decimal(data[f"hours_{subject.pk}"]),
                is_pass_fail=data[f"pass_fail_{subject.pk}"],
            )
            for subject in self.subjects
            if data[f"hours_{subject.pk}"] is not None
        ]
