"""The form of a new announcement."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parta.school.models import SchoolClass
from parta.school.services.announcements import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH


class AnnouncementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    text = forms.CharField(
        label=_("Text"), max_length=TEXT_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 6})
    )
    school_class = forms.ModelChoiceField(
        label=_("For"),
        queryset=SchoolClass.objects.none(),
        required=False,
        empty_label=_("The whole school"),
    )

    def __init__(self, *args, classes: list[SchoolClass], for_school: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school_class"]
        field.queryset = SchoolClass.objects.filter(pk__in=[c.pk for c in classes]).select_related(
            "year"
        )
        if not for_school:
            field.required = True
            field.empty_label = None
