from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from parta.school.models import BellPeriod, TeachingAssignment, Weekday


class AssignmentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: TeachingAssignment) -> str:
        return _("%(subject)s — %(group)s — %(teacher)s") % {
            "subject": obj.subject.name,
            "group": obj.group,
            "teacher": obj.teacher.person.short_name,
        }


class TimetableEntryForm(forms.Form):
    """A lesson of the class's weekly timetable, from a date; conflicts are the service's."""

    entry = forms.IntegerField(required=False, widget=forms.HiddenInput)
    weekday = forms.TypedChoiceField(label=_("Day"), choices=Weekday.choices, coerce=int)
    period = forms.IntegerField(label=_("Lesson"), min_value=1, max_value=20)
    assignment = AssignmentChoiceField(
        label=_("Subject, group and teacher"),
        queryset=TeachingAssignment.objects.none(),
        error_messages={"invalid_choice": _("Choose one of the subjects of this class.")},
    )
    room = forms.CharField(
        label=_("Room"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"list": "timetable-rooms", "autocomplete": "off"}),
    )
    starts_on = forms.DateField(
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Earlier weeks keep the timetable as it was."),
    )

    def __init__(
        self,
        *args,
        assignments: QuerySet[TeachingAssignment],
        bells: list[BellPeriod],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = assignments
        if bells:
            self.fields["period"].widget = forms.Select(
                choices=[
                    (bell.number, f"{bell.number} ({bell.starts_at:%H:%M}–{bell.ends_at:%H:%M})")
                    for bell in bells
                ]
            )


class TimetableRemoveForm(forms.Form):
    """Take a lesson out of the timetable from a date."""

    starts_on = forms.DateField(
        label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
