"""The export options of «1. Выгрузка данных» (seed 002, step 5: short or full field lists)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from parta.exchange.batch.fields import FieldList
from parta.exchange.batch.writers import FileFormat

FIELD_LIST_CHOICES = [
    (FieldList.SHORT, _("Short list of fields")),
    (FieldList.FULL, _("Full list of fields")),
]


class ExportForm(forms.Form):
    student_fields = forms.ChoiceField(
        label=_("Student data"),
        choices=FIELD_LIST_CHOICES,
        initial=FieldList.FULL,
        widget=forms.RadioSelect,
    )
    guardian_fields = forms.ChoiceField(
        label=_("Parent data"),
        choices=FIELD_LIST_CHOICES,
        initial=FieldList.SHORT,
        widget=forms.RadioSelect,
    )
    file_format = forms.ChoiceField(
        label=_("File format"),
        choices=[
            (FileFormat.XLS, _("Excel 97-2003 workbook (.xls)")),
            (FileFormat.XLSX, _("Excel workbook (.xlsx)")),
        ],
        initial=FileFormat.XLS,
        widget=forms.RadioSelect,
    )
