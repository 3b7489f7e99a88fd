from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from parta.core import calendar
from parta.school.models import AcademicYear, TeachingAssignment, Term


class PermitForm(forms.Form):
    assignment = forms.ModelChoiceField(
        queryset=TeachingAssignment.objects.none(), label=_("Journal")
    )
    term = forms.ModelChoiceField(queryset=Term.objects.none(), label=_("Term"))
    reason = forms.CharField(label=_("Reason"), max_length=300)
    valid_until = forms.DateField(
        label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, year: AcademicYear, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = (
            TeachingAssignment.objects.filter(group__school_class__year=year)
            .select_related("group__school_class", "subject", "teacher__person")
            .order_by("group__school_class__grade", "group__school_class__letter", "subject__name")
        )
        self.fields["assignment"].label_from_instance = lambda a: (
            f"{a.group}: {a.subject} ({a.teacher.person.short_name})"
        )
        self.fields["term"].queryset = year.terms.filter(closed_at__isnull=False)
        self.fields["term"].label_from_instance = lambda term: term.name
        self.fields["valid_until"].initial = calendar.today() + timedelta(days=3)
