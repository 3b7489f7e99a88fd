"""Forms of «Классы»: a class, a subgroup, a teaching assignment."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from parta.identity.models import Membership
from parta.orgs.models import Subject
from parta.school.models import StudyGroup
from parta.school.services.classes import GROUP_NAME_MAX_LENGTH, LETTER_MAX_LENGTH


class TeacherChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Membership) -> str:
        return obj.person.full_name


class ClassForm(forms.Form):
    grade = forms.TypedChoiceField(label=_("Parallel"), coerce=int, choices=())
    letter = forms.CharField(label=_("Letter"), max_length=LETTER_MAX_LENGTH)
    class_teacher = TeacherChoiceField(
        label=_("Class teacher"),
        queryset=Membership.objects.none(),
        required=False,
        empty_label=_("Not chosen"),
    )

    def __init__(
        self, *args, teachers: list[Membership], grades: tuple[int, int], **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        first, last = grades
        self.fields["grade"].choices = [(grade, str(grade)) for grade in range(first, last + 1)]
        field = self.fields["class_teacher"]
        field.queryset = Membership.objects.filter(pk__in=[t.pk for t in teachers]).select_related(
            "person"
        )
        field.choices = [("", field.empty_label)] + [(t.pk, t.person.full_name) for t in teachers]


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name of the group"), max_length=GROUP_NAME_MAX_LENGTH)


class AssignmentForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Group"), queryset=StudyGroup.objects.none())
    subject = forms.ModelChoiceField(label=_("Subject"), queryset=Subject.objects.all())
    teacher = TeacherChoiceField(label=_("Teacher"), queryset=Membership.objects.none())
    is_pass_fail = forms.BooleanField(
        label=pgettext_lazy("assessment", "pass/fail"), required=False
    )

    def __init__(
        self,
        *args,
        groups: list[StudyGroup],
        teachers: list[Membership],
        subjects: list[Subject],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        group = self.fields["group"]
        group.queryset = StudyGroup.objects.filter(pk__in=[g.pk for g in groups])
        group.choices = [(g.pk, _group_label(g)) for g in groups]
        teacher = self.fields["teacher"]
        teacher.queryset = Membership.objects.filter(
            pk__in=[t.pk for t in teachers]
        ).select_related("person")
        teacher.choices = [("", "---------")] + [(t.pk, t.person.full_name) for t in teachers]
        subject = self.fields["subject"]
        subject.choices = [("", "---------")] + [(s.pk, s.name) for s in subjects]


class AssignmentTeacherForm(forms.Form):
    teacher = TeacherChoiceField(label=_("Teacher"), queryset=Membership.objects.none())
    is_pass_fail = forms.BooleanField(
        label=pgettext_lazy("assessment", "pass/fail"), required=False
    )

    def __init__(self, *args, teachers: list[Membership], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        teacher = self.fields["teacher"]
        teacher.queryset = Membership.objects.filter(
            pk__in=[t.pk for t in teachers]
        ).select_related("person")
        teacher.choices = [(t.pk, t.person.full_name) for t in teachers]


def _group_label(group: StudyGroup) -> str:
    if group.is_whole_class:
        return str(_("Whole class"))
    return group.name
