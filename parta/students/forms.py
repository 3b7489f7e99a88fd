"""Forms of the students app: a subgroup's list, the transition to the next academic year."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parta.students.models import Student


class GroupMembersForm(forms.Form):
    students = forms.ModelMultipleChoiceField(
        label=_("Students of the group"),
        queryset=Student.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, students: list[Student], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["students"]
        field.queryset = Student.objects.filter(pk__in=[s.pk for s in students]).select_related(
            "person"
        )
        field.choices = [(s.pk, s.person.full_name) for s in students]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class TransitionForm(forms.Form):
    starts_on = forms.DateField(label=_("First day of the new academic year"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day of the new academic year"), widget=DateInput())


class RosterDateForm(forms.Form):
    on = forms.DateField(label=_("Students on"), required=False, widget=DateInput())
