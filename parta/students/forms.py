"""Forms of the students app: a subgroup's list, the transition to the next academic year, the
student list's filters, the student's card by sections, parents and logins."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from parta.core.formfields import date_field
from parta.identity.models import Person, Sex
from parta.identity.services.staff import PERSON_FIELDS
from parta.identity.validators import validate_snils
from parta.school.models import SchoolClass
from parta.students.models import Guardianship, SocialCategory, Student
from parta.students.policies import SECTION_FIELDS, CardSection
from parta.students.selectors.cards import Status, StudentFilter


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


# --- Управление → Ученики: the list, «Добавить», the card's sections, parents, logins ----------


def snils_field() -> forms.CharField:
    return forms.CharField(
        label=_("SNILS"),
        max_length=20,
        required=False,
        validators=[validate_snils],
        widget=forms.TextInput(attrs={"placeholder": "112-233-445 95", "inputmode": "numeric"}),
    )


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError onto the form's fields (unknown fields: on the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, ValidationError(errors))


class StudentFilterForm(forms.Form):
    """The filters above the student list."""

    STATUSES = (
        (Status.ENROLLED, _("Studying now")),
        (Status.LEFT, _("Left")),
        (Status.NOT_ENROLLED, _("Not yet in a class")),
        (Status.ALL, _("All")),
    )

    grade = forms.TypedChoiceField(
        label=_("Parallel"), required=False, coerce=int, empty_value=None
    )
    school_class = forms.ModelChoiceField(
        label=_("Class"), queryset=SchoolClass.objects.none(), required=False
    )
    status = forms.ChoiceField(label=_("Status"), choices=STATUSES, required=False)
    q = forms.CharField(
        label=_("Surname"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def __init__(self, *args: Any, classes: list[SchoolClass], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["school_class"]
        field.queryset = SchoolClass.objects.filter(pk__in=[c.pk for c in classes])
        field.choices = [("", _("All classes"))] + [(c.pk, f"{c.name} ({c.year})") for c in classes]
        grades = sorted({c.grade for c in classes})
        self.fields["grade"].choices = [("", _("All parallels"))] + [(g, g) for g in grades]
        self.classes = {c.pk: c for c in classes}

    def filters(self) -> StudentFilter:
        if not self.is_valid():
            return StudentFilter()
        data = self.cleaned_data
        chosen = data["school_class"]
        return StudentFilter(
            grade=data["grade"],
            school_class=self.classes[chosen.pk] if chosen else None,
            status=Status(data["status"] or Status.ENROLLED),
            search=data["q"],
        )


class PersonForm(forms.Form):
    """ФИО, date of birth, sex and СНИЛС of a new student or parent, with the answer to
    «Возможно, это тот же человек»."""

    last_name = forms.CharField(label=_("Surname"), max_length=100)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    middle_name = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    has_no_middle_name = forms.BooleanField(label=_("No patronymic"), required=False)
    birth_date = date_field(_("Date of birth"), required=True)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    snils = snils_field()
    use_person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    confirm_new = forms.BooleanField(
        label=_("This is a different person: create a new card"), required=False
    )

    PERSON_NAMES = (
        "last_name",
        "first_name",
        "middle_name",
        "has_no_middle_name",
        "birth_date",
        "sex",
        "snils",
    )

    def person_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.PERSON_NAMES if name in self.fields}

    def person_bound_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.PERSON_NAMES if name in self.fields]


class StudentAddForm(PersonForm):
    """«Добавить» a student's card; the login is optional (accounts are made for a class too)."""

    login = forms.CharField(
        label=_("Login"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )


class GuardianAddForm(PersonForm):
    """A parent of the student: the relation, the person and their contacts."""

    relation = forms.ChoiceField(label=_("Relation"), choices=Guardianship.Relation.choices)
    phone = forms.CharField(
        label=_("Phone"), max_length=30, required=False, widget=forms.TextInput({"type": "tel"})
    )
    email = forms.EmailField(label=_("E-mail"), required=False)

    PERSON_NAMES = (*PersonForm.PERSON_NAMES, "phone", "email")


class RelationForm(forms.Form):
    relation = forms.ChoiceField(label=_("Relation"), choices=Guardianship.Relation.choices)


def _card_field(model_field: Any, **kwargs: Any) -> forms.Field | None:
    if isinstance(model_field, models.DateField):
        return date_field(capfirst(model_field.verbose_name), required=not model_field.blank)
    if model_field.name == "snils":
        return snils_field()
    if model_field.name == "social_categories":
        return forms.MultipleChoiceField(
            label=_("Social categories"),
            choices=SocialCategory.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
    field = model_field.formfield(**kwargs)
    if field is not None:
        field.label = capfirst(field.label)
    return field


def _section_form(section: CardSection) -> type[forms.Form]:
    person_names = [name for name in SECTION_FIELDS[section] if name in PERSON_FIELDS]
    student_names = [name for name in SECTION_FIELDS[section] if name not in PERSON_FIELDS]
    fields = {
        **forms.fields_for_model(Person, person_names, formfield_callback=_card_field),
        **forms.fields_for_model(Student, student_names, formfield_callback=_card_field),
    }
    if section == CardSection.MAIN:
        fields["birth_date"] = date_field(_("Date of birth"), required=True)
    return type(f"{section.capitalize()}SectionForm", (CardSectionForm,), fields)


class CardSectionForm(forms.Form):
    """One section of a student's card; the fields come from the models (SECTION_FIELDS)."""

    def __init__(self, *args: Any, student: Student, **kwargs: Any) -> None:
        values = {
            name: getattr(student.person if name in PERSON_FIELDS else student, name)
            for name in self.base_fields
        }
        super().__init__(*args, initial=values, **kwargs)


SECTION_FORMS: dict[CardSection, type[forms.Form]] = {
    section: _section_form(section) for section in CardSection if SECTION_FIELDS[section]
}


class PasswordResetForm(forms.Form):
    """«Сформировать новые пароли» for the ticked people (nobody ticked: everybody)."""

    people = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args: Any, person_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = [(pk, pk) for pk in person_ids]
