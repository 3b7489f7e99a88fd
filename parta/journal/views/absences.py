"""Причины пропусков: the class teacher corrects Н, Б and У of the class's absences."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parta.core import calendar
from parta.journal.deadlines import ABSENCE_REASON_WORKING_DAYS
from parta.journal.forms.lessons import AbsenceReasonForm, AbsenceSpanForm
from parta.journal.models import Attendance
from parta.journal.selectors import absences as absences_selectors
from parta.journal.services.attendance import ABSENCE_KINDS, set_absence_reason


def absences(request: HttpRequest, class_id: int) -> HttpResponse:
    """Absences of the class's students over a span of days (the last two weeks by default)."""
    school_class = absences_selectors.absences_class(viewer=request.membership, class_id=class_id)
    if school_class is None:
        raise Http404
    span_form = AbsenceSpanForm(request.GET)
    starts_on, ends_on = span_form.span(calendar.today())
    errors: list[str] = []
    done = ""
    if request.method == "POST":
        form = AbsenceReasonForm(request.POST)
        if not form.is_valid():
            errors = [_("Choose absences and one of Н, Б, У.")]
        else:
            try:
                changed = set_absence_reason(
                    actor=request.membership,
                    attendance_ids=form.cleaned_data["attendance"],
                    kind=form.cleaned_data["kind"],
                )
            except ValidationError as error:
                errors = [str(message) for message in error.messages]
            else:
                done = ngettext(
                    "%(count)s absence corrected.", "%(count)s absences corrected.", changed
                ) % {"count": changed}
                if not request.htmx:
                    messages.success(request, done)
                    query = urlencode({"from": starts_on.isoformat(), "to": ends_on.isoformat()})
                    return redirect(f"{reverse('journal:absences', args=[class_id])}?{query}")
    context = {
        "active_section": "journal",
        "school_class": school_class,
        "students": absences_selectors.class_absences(
            school_class=school_class, starts_on=starts_on, ends_on=ends_on
        ),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "kinds": [(kind, Attendance.Kind(kind).label) for kind in ABSENCE_KINDS],
        "reason_days": ABSENCE_REASON_WORKING_DAYS,
        "errors": errors,
        "done": done,
    }
    template = "journal/absences.html#list" if request.htmx else "journal/absences.html"
    response = render(request, template, context, status=400 if errors else 200)
    patch_vary_headers(response, ["HX-Request"])
    return response
