"""What the journal grid posts when a cell is saved."""

from django import forms

from parta.journal.models import MarkKind

PERIOD_KINDS = [(kind.value, kind.label) for kind in MarkKind if kind != MarkKind.CURRENT]


class CellForm(forms.Form):
    """A lesson cell: what was typed and the cell's text as the page showed it."""

    value = forms.CharField(required=False, max_length=50, strip=True)
    seen = forms.CharField(required=False, max_length=50, strip=True)


class PeriodMarkForm(CellForm):
    """A period mark cell: also which column (term 2, year, exam…) it stands in."""

    kind = forms.ChoiceField(choices=PERIOD_KINDS)
    number = forms.IntegerField(min_value=0, max_value=10)
