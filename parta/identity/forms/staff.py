"""Forms of the staff screens: the list filter, «Добавить», the staff card, «Сменить пароль» and
«Импорт из другой ОО». They parse input; the services validate the data against the rest."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext_lazy as _

from parta.core.formfields import date_field
from parta.identity.models import AuthorityRole, DerivedRole, Membership, OrgRole, Person, Sex
from parta.identity.policies import Unit
from parta.identity.selectors import staff as staff_selectors
from parta.identity.services.staff import PERSON_FIELDS
from parta.orgs.models import Organization

PERSONAL_DATA_FIELDS = (
    "snils",
    "passport_series",
    "passport_number",
    "passport_issued_on",
    "passport_issued_by",
)
DATE_FIELDS = ("birth_date", "passport_issued_on", "starts_on", "ends_on")


def unit_roles(unit: Unit) -> list[tuple[str, str]]:
    """The roles ticked on a card of this unit (функции пользователя)."""
    return list(OrgRole.choices if isinstance(unit, Organization) else AuthorityRole.choices)


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError onto the form's fields (unknown fields: on the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        field = name if name in form.fields else None
        if name == NON_FIELD_ERRORS:
            field = None
        form.add_error(field, ValidationError(errors))


class StaffFilterForm(forms.Form):
    """The filters above the staff list; the list shows after «Загрузить»."""

    ARCHIVED = (("0", _("Working")), ("1", _("Archived")))

    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, login or position")}
        ),
    )
    role = forms.ChoiceField(label=_("Role"), required=False)
    archived = forms.ChoiceField(label=_("Status"), choices=ARCHIVED, required=False)

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, Any]] = [("", _("All roles"))]
        if isinstance(unit, Organization):
            choices.append((DerivedRole.DIRECTOR, DerivedRole.DIRECTOR.label))
        self.fields["role"].choices = choices + unit_roles(unit)

    def filters(self) -> staff_selectors.StaffFilter:
        if not self.is_valid():
            return staff_selectors.StaffFilter()
        data = self.cleaned_data
        return staff_selectors.StaffFilter(
            search=data["q"], role=data["role"], archived=data["archived"] == "1"
        )


class PersonFieldsForm(forms.Form):
    """The person's part of a staff card: ФИО, birth date, sex, documents, contacts."""

    last_name = forms.CharField(label=_("Surname"), max_length=100)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    middle_name = forms.CharField(label=_("Patronymic"), max_length=100, required=False)
    has_no_middle_name = forms.BooleanField(label=_("No patronymic"), required=False)
    birth_date = date_field(_("Date of birth"))
    sex = forms.ChoiceField(
        label=_("Sex"), choices=Sex.choices, required=False, widget=forms.RadioSelect
    )
    citizenship = forms.CharField(label=_("Citizenship"), max_length=50, required=False)
    snils = forms.CharField(
        label=_("SNILS"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "112-233-445 95", "inputmode": "numeric"}),
    )
    passport_series = forms.CharField(label=_("Passport series"), max_length=4, required=False)
    passport_number = forms.CharField(label=_("Passport number"), max_length=6, required=False)
    passport_issued_on = date_field(_("Passport issued on"))
    passport_issued_by = forms.CharField(
        label=_("Passport issued by"), max_length=300, required=False
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(
        label=_("Phone"), max_length=30, required=False, widget=forms.TextInput({"type": "tel"})
    )

    def __init__(self, *args: Any, show_personal_data: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not show_personal_data:
            for name in PERSONAL_DATA_FIELDS:
                del self.fields[name]

    def person_fields(self) -> dict[str, Any]:
        """The cleaned person fields this form shows, as the services take them."""
        return {name: self.cleaned_data[name] for name in PERSON_FIELDS if name in self.fields}

    def person_groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The card's blocks: main information, identity documents, contacts."""
        groups = (
            (
                _("Main information"),
                (
                    "last_name",
                    "first_name",
                    "middle_name",
                    "has_no_middle_name",
                    "birth_date",
                    "sex",
                    "citizenship",
                ),
            ),
            (_("Identity documents"), PERSONAL_DATA_FIELDS),
            (_("Contacts"), ("email", "phone")),
        )
        return [
            (title, fields)
            for title, names in groups
            if (fields := [self[name] for name in names if name in self.fields])
        ]


class WorkFieldsMixin(forms.Form):
    """Roles, position, subjects taught and dates of the membership itself."""

    roles = forms.MultipleChoiceField(
        label=_("User's roles"), required=False, widget=forms.CheckboxSelectMultiple
    )
    position = forms.CharField(label=_("Position"), max_length=200, required=False)
    subjects = forms.ModelMultipleChoiceField(
        label=_("Subjects taught"),
        queryset=staff_selectors.subjects_catalogue(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = date_field(_("Start date"))

    def setup_work_fields(self, *, unit: Unit, can_edit_roles: bool) -> None:
        if can_edit_roles:
            self.fields["roles"].choices = unit_roles(unit)
        else:
            del self.fields["roles"]
        if not isinstance(unit, Organization):
            del self.fields["subjects"]

    def roles_value(self) -> list[str] | None:
        """The ticked roles, or None when the form does not show them (not the viewer's to set)."""
        return self.cleaned_data["roles"] if "roles" in self.fields else None

    def subjects_value(self) -> list | None:
        return list(self.cleaned_data["subjects"]) if "subjects" in self.fields else None

    def work_fields(self) -> list[forms.BoundField]:
        names = ("roles", "position", "subjects", "starts_on", "ends_on")
        return [self[name] for name in names if name in self.fields]


class NewAccountFieldsMixin(forms.Form):
    """The login and the password of a new account."""

    login = forms.CharField(
        label=_("Login"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not only digits; not a common word."),
    )


class StaffAddForm(PersonFieldsForm, WorkFieldsMixin, NewAccountFieldsMixin):
    """«Добавить»: a new person with an account and a membership in this unit."""

    birth_date = date_field(_("Date of birth"), required=True)
    must_change_password = forms.BooleanField(
        label=_("The user must change the password at the first login"),
        required=False,
        initial=True,
    )
    confirm_namesake = forms.BooleanField(
        label=_("This is a different person: create anyway"), required=False
    )

    def __init__(self, *args: Any, unit: Unit, can_edit_roles: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["citizenship"].initial = "RU"
        self.setup_work_fields(unit=unit, can_edit_roles=can_edit_roles)

    def account_fields(self) -> list[forms.BoundField]:
        return [self["login"], self["password"], self["must_change_password"]]


class StaffCardForm(PersonFieldsForm, WorkFieldsMixin):
    """Сведения о сотруднике: the same fields as «Добавить», without the account."""

    ends_on = date_field(_("End date"))

    def __init__(
        self,
        *args: Any,
        membership: Membership,
        can_edit_roles: bool,
        show_personal_data: bool,
        **kwargs: Any,
    ) -> None:
        person: Person = membership.person
        initial = {name: getattr(person, name) for name in PERSON_FIELDS}
        initial["snils"] = person.snils_display
        initial.update(
            position=membership.position,
            starts_on=membership.starts_on,
            ends_on=membership.ends_on,
            roles=membership.role_codes,
            subjects=[subject.pk for subject in membership.subjects.all()],
        )
        super().__init__(*args, initial=initial, show_personal_data=show_personal_data, **kwargs)
        self.setup_work_fields(unit=membership.unit, can_edit_roles=can_edit_roles)

    def membership_fields(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ("position", "starts_on", "ends_on")}


class StaffLoginForm(forms.Form):
    """The login on the card («проверить написание логина»)."""

    login = forms.CharField(
        label=_("Login"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )


class StaffPasswordForm(forms.Form):
    """«Сменить пароль» on a staff card: the password the administrator hands over."""

    password = forms.CharField(
        label=_("New password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters; not only digits; not a common word."),
    )
    password_again = forms.CharField(
        label=_("New password again"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    must_change_password = forms.BooleanField(
        label=_("The user must change the password at the first login"),
        required=False,
        initial=True,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


IMPORT_FROM_AUTHORITY = "authority"


class ImportSourceForm(forms.Form):
    """«Импорт из другой ОО»: the kind of organisation, the organisation, and a search."""

    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        choices=[*Organization.Kind.choices, (IMPORT_FROM_AUTHORITY, _("Education authority"))],
        required=False,
    )
    source = forms.ChoiceField(label=_("Organisation"), required=False)
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Surname, name")}),
    )

    def __init__(self, *args: Any, unit: Unit, sources: list[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if isinstance(unit, Organization):
            self.fields["kind"].choices = Organization.Kind.choices
        self.fields["source"].choices = [("", _("— choose —"))] + [
            (source_key(source), str(source)) for source in sources
        ]


def source_key(unit: Unit) -> str:
    """`org-12` or `authority-3`, as the unit URL converter writes them."""
    return f"{'org' if isinstance(unit, Organization) else 'authority'}-{unit.pk}"


def source_kind(unit: Unit) -> str:
    """The «kind of organisation» a source is listed under on the import page."""
    return unit.kind if isinstance(unit, Organization) else IMPORT_FROM_AUTHORITY


def _parse_source_key(value: str) -> tuple[str, int] | None:
    kind, _sep, pk = (value or "").partition("-")
    if kind not in ("org", "authority") or not pk.isdigit():
        return None
    return kind, int(pk)


@dataclass(frozen=True)
class ImportQuery:
    """What the import page lists: a kind, a source organisation or authority, a search."""

    kind: str
    source: tuple[str, int] | None
    search: str

    def for_cabinet(self, cabinet: Membership) -> "ImportQuery":
        """The query that finds this person in this cabinet («Импорт» from a refused «Добавить»)."""
        person = cabinet.person
        return ImportQuery(
            kind=source_kind(cabinet.unit),
            source=_parse_source_key(source_key(cabinet.unit)),
            search=f"{person.last_name} {person.first_name}",
        )

    def resolve(self, *, viewer: Membership, unit: Unit, any_kind: bool = False) -> Unit | None:
        """The chosen source, if the viewer may import from it and it is of the chosen kind."""
        if self.source is None:
            return None
        kind, pk = self.source
        source = staff_selectors.import_source(viewer=viewer, unit=unit, kind=kind, pk=pk)
        if source is None or (not any_kind and source_kind(source) != self.kind):
            return None
        return source

    def initial(self, source: Unit | None) -> dict[str, str]:
        return {
            "kind": self.kind,
            "source": source_key(source) if source is not None else "",
            "q": self.search,
        }


def import_query(data: Mapping[str, str], *, default_kind: str) -> ImportQuery:
    """The import page's query string (or posted form), whatever was typed into it."""
    kinds = {value for value, _label in ImportSourceForm.base_fields["kind"].choices}
    kind = data.get("kind", "")
    return ImportQuery(
        kind=kind if kind in kinds else default_kind,
        source=_parse_source_key(data.get("source", "")),
        search=(data.get("q") or "").strip()[:100],
    )
