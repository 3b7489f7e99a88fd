from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from parta.journal.models import LessonPlanItem
from parta.journal.plan_files import PlanRow, whole_number
from parta.orgs.models import Subject
from parta.school.models import TeachingAssignment


class PlansFilterForm(forms.Form):
    teacher = forms.IntegerField(label=_("Teacher"), required=False, min_value=1)


class CreatePlanForm(forms.Form):
    subject = forms.ModelChoiceField(queryset=Subject.objects.all())
    grade = forms.IntegerField(min_value=0, max_value=12)


class ApplyPlanForm(forms.Form):
    assignment = forms.ModelChoiceField(queryset=TeachingAssignment.objects.none())

    def __init__(self, *args, assignments: QuerySet[TeachingAssignment], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = assignments


class ImportPlanForm(forms.Form):
    file = forms.FileField(
        label=_("Workbook (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


@dataclass
class EditorRow:
    topic: str = ""
    hours: str = "1"
    homework: str = ""

    @property
    def is_blank(self) -> bool:
        return not self.topic.strip() and not self.homework.strip()


class PlanEditor:
    """The plan's table as the teacher edits it: rows to add, remove and move before saving.

    Moving and adding rows happen on the server (a button per row), so the table works without
    scripts; nothing is saved until «Save».
    """

    MAX_ROWS = 400

    def __init__(self, rows: list[EditorRow]) -> None:
        self.rows = rows

    @classmethod
    def from_items(cls, items: Iterable[LessonPlanItem]) -> "PlanEditor":
        return cls(
            [
                EditorRow(topic=item.topic, hours=str(item.hours), homework=item.homework)
                for item in items
            ]
        )

    @classmethod
    def from_post(cls, data: QueryDict) -> "PlanEditor":
        topics, hours, homework = (data.getlist(name) for name in ("topic", "hours", "homework"))
        count = min(max(len(topics), len(hours), len(homework)), cls.MAX_ROWS)

        def value(values: list[str], index: int, default: str = "") -> str:
            return values[index] if index < len(values) else default

        return cls(
            [
                EditorRow(
                    topic=value(topics, index),
                    hours=value(hours, index, "1"),
                    homework=value(homework, index),
                )
                for index in range(count)
            ]
        )

    def perform(self, action: str) -> None:
        """Apply «add», «insert:N», «up:N», «down:N» or «remove:N» (N is the row's number)."""
        name, _sep, argument = action.partition(":")
        if name == "add":
            if len(self.rows) < self.MAX_ROWS:
                self.rows.append(EditorRow())
            return
        index = (whole_number(argument) or 0) - 1
        if not 0 <= index < len(self.rows):
            return
        if name == "insert" and len(self.rows) < self.MAX_ROWS:
            self.rows.insert(index + 1, EditorRow())
        elif name == "remove":
            del self.rows[index]
        elif name == "up" and index > 0:
            self.rows[index - 1], self.rows[index] = self.rows[index], self.rows[index - 1]
        elif name == "down" and index < len(self.rows) - 1:
            self.rows[index + 1], self.rows[index] = self.rows[index], self.rows[index + 1]

    def plan_rows(self) -> list[PlanRow]:
        """The rows to save, numbered in order; rows left entirely blank are dropped."""
        result: list[PlanRow] = []
        for line, row in enumerate(self.rows, start=1):
            if row.is_blank:
                continue
            hours_text = row.hours.strip()
            result.append(
                PlanRow(
                    line=line,
                    number=len(result) + 1,
                    topic=row.topic.strip(),
                    hours=whole_number(hours_text) if hours_text else 1,
                    hours_text=hours_text,
                    homework=row.homework.strip(),
                )
            )
        return result
