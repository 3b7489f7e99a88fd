"""Parameters of the reports: class, term, thresholds, the span of dates. What the query string
leaves out takes its default (and the form shows it); wrong input gets a clear message instead of
a report."""

from datetime import date
from decimal import Decimal

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from parta.journal.selectors.reports import ReportScope

DEFAULT_THRESHOLD = Decimal("3.0")
DEFAULT_ABSENCE_PERCENT = 30
THRESHOLD_MESSAGE = _("The threshold is an average mark from 1 to 5, e.g. 3.0.")
PERCENT_MESSAGE = _("The share of missed lessons is a whole number from 1 to 100.")


def _with_defaults(data: QueryDict, defaults: dict[str, object]) -> QueryDict:
    """The query string with the defaults put in where a parameter is missing or empty."""
    data = data.copy()
    for name, value in defaults.items():
        if not data.get(name) and value is not None:
            data[name] = str(value)
    return data


def _term_field(scope: ReportScope) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=_("Term"),
        choices=[(term.number, term.name) for term in scope.terms],
        coerce=int,
        error_messages={
            "required": _("The academic year has no terms yet."),
            "invalid_choice": _("Choose one of the terms of the academic year."),
        },
    )


def _class_field(scope: ReportScope, *, everyone: str = "") -> forms.TypedChoiceField:
    choices = [(school_class.pk, school_class.name) for school_class in scope.classes]
    if everyone:
        choices.insert(0, ("", everyone))
    return forms.TypedChoiceField(
        label=_("Class"),
        choices=choices,
        coerce=int,
        empty_value=None,
        required=not everyone,
        error_messages={
            "required": _("Choose one of the classes in the list."),
            "invalid_choice": _("Choose one of the classes in the list."),
        },
    )


def _current_term(scope: ReportScope, today: date) -> int | None:
    term = scope.current_term(today)
    return term.number if term else None


class ResultsForm(forms.Form):
    """«Итоги»: one class of the viewer's (the first by default), one term (the current one)."""

    def __init__(self, data: QueryDict, *, scope: ReportScope, today: date) -> None:
        defaults = {
            "class": scope.classes[0].pk if scope.classes else None,
            "term": _current_term(scope, today),
        }
        super().__init__(_with_defaults(data, defaults))
        self.fields["class"] = _class_field(scope)
        self.fields["term"] = _term_field(scope)


class RiskForm(forms.Form):
    """Students at risk: the term, one class or all of them, and the two thresholds."""

    def __init__(self, data: QueryDict, *, scope: ReportScope, today: date) -> None:
        defaults = {
            "term": _current_term(scope, today),
            "threshold": DEFAULT_THRESHOLD,
            "absence_percent": DEFAULT_ABSENCE_PERCENT,
        }
        super().__init__(_with_defaults(data, defaults))
        everyone = _("All classes") if scope.whole_school else _("All my classes")
        self.fields["class"] = _class_field(scope, everyone=str(everyone))
        self.fields["term"] = _term_field(scope)
        self.fields["threshold"] = forms.DecimalField(
            label=_("Average below"),
            min_value=1,
            max_value=5,
            max_digits=3,
            decimal_places=2,
            localize=True,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 4}),
            error_messages={
                "required": THRESHOLD_MESSAGE,
                "invalid": THRESHOLD_MESSAGE,
                "min_value": THRESHOLD_MESSAGE,
                "max_value": THRESHOLD_MESSAGE,
                "max_digits": THRESHOLD_MESSAGE,
                "max_decimal_places": _("The threshold has at most two decimal places."),
            },
        )
        self.fields["absence_percent"] = forms.IntegerField(
            label=_("Missed lessons above, percent"),
            min_value=1,
            max_value=100,
            widget=forms.NumberInput(attrs={"min": 1, "max": 100}),
            error_messages={
                "required": PERCENT_MESSAGE,
                "invalid": PERCENT_MESSAGE,
                "min_value": PERCENT_MESSAGE,
                "max_value": PERCENT_MESSAGE,
            },
        )


class FillingForm(forms.Form):
    """Journal filling: the span of dates, from the start of the year until today by default."""

    def __init__(self, data: QueryDict, *, scope: ReportScope, today: date) -> None:
        year = scope.year
        defaults = {
            "from": year.starts_on.isoformat() if year else None,
            "to": today.isoformat(),
        }
        super().__init__(_with_defaults(data, defaults))
        self.has_year = year is not None
        for name, label in (("from", _("From")), ("to", _("To"))):
            self.fields[name] = forms.DateField(
                label=label,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                error_messages={
                    "required": _("Enter a date, e.g. 2026-09-01."),
                    "invalid": _("Enter a date, e.g. 2026-09-01."),
                },
            )

    def clean(self) -> dict:
        cleaned = super().clean()
        if not self.has_year:
            raise forms.ValidationError(_("The school has no academic year yet."), code="no_year")
        starts_on, ends_on = cleaned.get("from"), cleaned.get("to")
        if starts_on and ends_on and starts_on > ends_on:
            raise forms.ValidationError(
                _("The start of the span comes after its end."), code="span_reversed"
            )
        return cleaned
