"""The movement book: the list of orders, a new order, one order (apply, cancel, delete), a
draft's changes, the students arriving from other schools, and the deadline control report."""

from datetime import date
from io import BytesIO
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from parta.core import calendar
from parta.orgs.models import Organization
from parta.school.models import SchoolClass
from parta.school.selectors.classes import roster_day
from parta.students import deadlines, policies
from parta.students.forms import DateInput, TransitionForm
from parta.students.models import MovementOrder, OrderLine, Student
from parta.students.policies import Action
from parta.students.selectors import orders as selectors
from parta.students.selectors.rosters import class_students
from parta.students.services import orders as services

Kind = MovementOrder.Kind
ORDER_KINDS = [(kind.value, kind.label) for kind in Kind if kind != Kind.CANCEL]
ENROL_KINDS = [(kind.value, kind.label) for kind in Kind if kind in services.ENROLLING]
STATUSES = [
    ("", gettext_lazy("Any status")),
    (selectors.Status.DRAFT, gettext_lazy("Draft")),
    (selectors.Status.APPLIED, gettext_lazy("Applied")),
    (selectors.Status.CANCELLED, gettext_lazy("Cancelled")),
]


# --- Forms ------------------------------------------------------------------------------------


def _class_choices(classes: list[SchoolClass]) -> list[tuple[int, str]]:
    return [(c.pk, f"{c} ({c.year})") for c in classes]


class BookFilterForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), required=False)
    year = forms.TypedChoiceField(label=gettext_lazy("Academic year"), required=False, coerce=int)
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=STATUSES, required=False)

    def __init__(self, *args, years: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Any kind")), *Kind.choices]
        self.fields["year"].choices = [("", _("Any year")), *((y.pk, str(y)) for y in years)]


class KindForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of order"), choices=ORDER_KINDS)
    from_class = forms.TypedChoiceField(
        label=gettext_lazy("Students of the class"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, classes: list[SchoolClass], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from_class"].choices = [("", "—"), *_class_choices(classes)]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("kind") not in services.ENROLLING and not data.get("from_class"):
            self.add_error("from_class", _("Choose the class whose students the order moves."))
        return data


class HeaderForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Order number"), max_length=30)
    signed_on = forms.DateField(label=gettext_lazy("Order date"), widget=DateInput())
    effective_on = forms.DateField(label=gettext_lazy("Effective date"), widget=DateInput())
    event_on = forms.DateField(
        label=gettext_lazy("Event date"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("When the application, the decision or the departure took place."),
    )

    def header(self, note: str = "") -> services.OrderHeader:
        data = self.cleaned_data
        return services.OrderHeader(
            number=data["number"],
            signed_on=data["signed_on"],
            effective_on=data["effective_on"],
            event_on=data.get("event_on"),
            note=note,
        )


class OrderForm(HeaderForm):
    students = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Students"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    to_class = forms.TypedChoiceField(
        label=gettext_lazy("Into the class"), required=False, coerce=int, empty_value=None
    )
    destination = forms.CharField(label=gettext_lazy("Where to"), required=False, max_length=300)
    destination_organization = forms.TypedChoiceField(
        label=gettext_lazy("School of the region"), required=False, coerce=int, empty_value=None
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(
        self,
        *args,
        kind: str,
        students: list[Student],
        classes: list[SchoolClass],
        schools: list[Organization],
        **kwargs,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.students_by_id = {s.pk: s for s in students}
        self.classes_by_id = {c.pk: c for c in classes}
        self.schools_by_id = {o.pk: o for o in schools}
        self.fields["students"].choices = [(s.pk, s.person.full_name) for s in students]
        if kind in services.NEEDS_TO_CLASS:
            self.fields["to_class"].choices = [("", "—"), *_class_choices(classes)]
            self.fields["to_class"].required = True
        else:
            del self.fields["to_class"]
        if kind == Kind.WITHDRAW:
            self.fields["destination_organization"].choices = [
                ("", "—"),
                *((o.pk, o.short_name) for o in schools),
            ]
        else:
            del self.fields["destination"], self.fields["destination_organization"]

    def lines(self, from_class: SchoolClass | None) -> list[services.LineInput]:
        data = self.cleaned_data
        to_class = self.classes_by_id.get(data.get("to_class"))
        destination = self.schools_by_id.get(data.get("destination_organization"))
        return [
            services.LineInput(
                student=self.students_by_id[pk],
                from_class=from_class,
                to_class=to_class,
                destination=data.get("destination", ""),
                destination_organization=destination,
            )
            for pk in data["students"]
        ]


class CancelForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Number of the cancelling order"), max_length=30)
    signed_on = forms.DateField(label=gettext_lazy("Order date"), widget=DateInput())
    note = forms.CharField(label=gettext_lazy("Reason"), required=False, max_length=300)


class ArrivalForm(HeaderForm):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of order"), choices=ENROL_KINDS, initial=Kind.ENROL
    )
    to_class = forms.TypedChoiceField(label=gettext_lazy("Into the class"), coerce=int)

    def __init__(self, *args, classes: list[SchoolClass], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_class"].choices = [("", "—"), *_class_choices(classes)]


class ReportForm(forms.Form):
    starts_on = forms.DateField(label=gettext_lazy("Orders signed from"), widget=DateInput())
    ends_on = forms.DateField(label=gettext_lazy("until"), widget=DateInput())


class YearEndForm(TransitionForm):
    """The transition's dates, with the numbers and the date of the year-end orders."""

    signed_on = forms.DateField(
        label=gettext_lazy("Date of the year-end orders"), widget=DateInput()
    )
    promote_number = forms.CharField(
        label=gettext_lazy("Number of the order on the transfer to the next year"),
        required=False,
        max_length=30,
    )
    graduate_9_number = forms.CharField(
        label=gettext_lazy("Number of the order on graduation from the 9th"),
        required=False,
        max_length=30,
    )
    graduate_11_number = forms.CharField(
        label=gettext_lazy("Number of the order on graduation from the 11th"),
        required=False,
        max_length=30,
    )
    repeat_number = forms.CharField(
        label=gettext_lazy("Number of the order on repeating the year"),
        required=False,
        max_length=30,
    )
    repeaters = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Repeat the year"), required=False, coerce=int
    )

    def __init__(self, *args, students: list[Student], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["repeaters"].choices = [(s.pk, s.person.full_name) for s in students]

    def numbers(self) -> services.YearEndNumbers:
        data = self.cleaned_data
        return services.YearEndNumbers(
            signed_on=data["signed_on"],
            promote=data["promote_number"],
            graduate_9=data["graduate_9_number"],
            graduate_11=data["graduate_11_number"],
            repeat=data["repeat_number"],
        )


# --- Pages ------------------------------------------------------------------------------------


def _organization(request: HttpRequest, action: Action) -> Organization:
    """The viewer's school when the viewer may do the action there; 404 otherwise."""
    organization = request.membership.organization
    if organization is None or not policies.can(request.membership, action, organization):
        raise Http404
    return organization


def _may_manage(request: HttpRequest, organization: Organization) -> bool:
    return policies.can(request.membership, Action.MANAGE_ORDERS, organization)


def orders(request: HttpRequest) -> HttpResponse:
    """Книга движения: the school's orders with filters, and the students arriving."""
    organization = _organization(request, Action.VIEW_ORDERS)
    years = selectors.order_book_years(organization)
    form = BookFilterForm(request.GET or None, years=years)
    data = form.cleaned_data if form.is_valid() else {}
    year = next((y for y in years if y.pk == data.get("year")), None)
    book = selectors.order_book(
        organization=organization,
        kind=data.get("kind", ""),
        year=year,
        status=data.get("status", ""),
    )
    context = {
        "active_section": "orders",
        "book": book,
        "years": years,
        "form": form,
        "can_manage": _may_manage(request, organization),
        "can_report": policies.can(request.membership, Action.VIEW_MOVEMENT_REPORT, organization),
    }
    return render(request, "students/orders.html", context)


def _students_for(
    kind: str,
    source: SchoolClass | None,
    organization: Organization,
    chosen: list[Student] | None = None,
) -> list[Student]:
    """The students an order may name: the cards without a class for an enrolment, the class's
    students otherwise, and those a draft already names."""
    if kind in services.ENROLLING or source is None:
        offered = selectors.students_without_class(organization=organization, on=calendar.today())
    else:
        offered = class_students(school_class=source, on=roster_day(source.year))
    students = {s.pk: s for s in [*offered, *(chosen or [])]}.values()
    return sorted(students, key=lambda s: (s.person.last_name, s.person.first_name, s.pk))


def order_new(request: HttpRequest) -> HttpResponse:
    """A new draft order: choose its kind and the class, tick the students, say where to."""
    organization = _organization(request, Action.MANAGE_ORDERS)
    classes = selectors.open_classes(organization)
    choice = KindForm(request.GET or None, classes=classes)
    context: dict = {"active_section": "orders", "choice": choice}
    if not choice.is_valid():
        return render(request, "students/order_new.html", context)
    kind = choice.cleaned_data["kind"]
    source = next((c for c in classes if c.pk == choice.cleaned_data["from_class"]), None)
    if kind in services.ENROLLING:
        source = None
    form = OrderForm(
        request.POST or None,
        kind=kind,
        students=_students_for(kind, source, organization),
        classes=classes,
        schools=list(selectors.region_schools(organization)),
        initial={"signed_on": calendar.today(), "effective_on": calendar.today()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            order = services.create_order(
                actor=request.membership,
                organization=organization,
                kind=kind,
                header=form.header(note=form.cleaned_data["note"]),
                lines=form.lines(source),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The draft order %(order)s is saved.") % {"order": order})
            return redirect("students:order", order_id=order.pk)
    context.update({"form": form, "kind": Kind(kind), "source": source})
    return render(request, "students/order_new.html", context, status=400 if form.errors else 200)


def _draft_initial(order: MovementOrder, lines: list[OrderLine]) -> dict:
    """The draft's values for its form; the new-order form gives every line the same target."""
    initial = {
        "number": order.number,
        "signed_on": order.signed_on,
        "effective_on": order.effective_on,
        "event_on": order.event_on,
        "note": order.note,
        "students": [line.student_id for line in lines],
    }
    if lines:
        initial["to_class"] = lines[0].to_class_id
        initial["destination"] = lines[0].destination
        initial["destination_organization"] = lines[0].destination_organization_id
    return initial


def order_edit(request: HttpRequest, order_id: int) -> HttpResponse:
    """Change a draft order with the new-order form; an order in force is never changed."""
    organization = _organization(request, Action.MANAGE_ORDERS)
    found = get_object_or_404(selectors.school_orders(organization), pk=order_id)
    context: dict = {"active_section": "orders", "order": found}
    try:
        services.refuse_applied(found)
    except ValidationError as error:
        context["refusal"] = error.messages
        return render(request, "students/order_new.html", context, status=409)
    lines = selectors.order_lines(found)
    source = lines[0].from_class if lines else None
    chosen = [line.student for line in lines]
    form = OrderForm(
        request.POST or None,
        kind=found.kind,
        students=_students_for(found.kind, source, organization, chosen),
        classes=selectors.open_classes(organization),
        schools=list(selectors.region_schools(organization)),
        initial=_draft_initial(found, lines),
    )
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.update_order(
                actor=request.membership,
                order=found,
                header=form.header(note=form.cleaned_data["note"]),
                lines=form.lines(source),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("The draft order %(order)s is changed.") % {"order": changed}
            )
            return redirect("students:order", order_id=changed.pk)
    context.update({"form": form, "kind": Kind(found.kind), "source": source})
    return render(request, "students/order_new.html", context, status=400 if form.errors else 200)


def _order_action(request: HttpRequest, order: MovementOrder, cancel_form: CancelForm) -> str:
    """Run the posted action on the order; returns a message for success."""
    action = request.POST.get("action")
    member = request.membership
    if action == "apply":
        services.apply_order(actor=member, order=order)
        return _("The order %(order)s is applied.") % {"order": order}
    if action == "delete":
        services.delete_order(actor=member, order=order)
        return _("The draft order %(order)s is deleted.") % {"order": order}
    if action == "cancel" and cancel_form.is_valid():
        data = cancel_form.cleaned_data
        cancelling = services.cancel_order(
            actor=member,
            order=order,
            number=data["number"],
            signed_on=data["signed_on"],
            note=data["note"],
        )
        return _("The order %(order)s is cancelled by the order %(cancelling)s.") % {
            "order": order,
            "cancelling": cancelling,
        }
    raise ValidationError(_("Fill in the cancelling order."), code="cancel_form")


def order(request: HttpRequest, order_id: int) -> HttpResponse:
    """One order with its students; apply or delete a draft, cancel an applied order."""
    organization = _organization(request, Action.VIEW_ORDERS)
    found = get_object_or_404(selectors.school_orders(organization), pk=order_id)
    can_manage = _may_manage(request, organization)
    cancel_form = CancelForm(
        request.POST if request.POST.get("action") == "cancel" else None,
        initial={"signed_on": calendar.today()},
    )
    errors: list[str] = []
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        try:
            message = _order_action(request, found, cancel_form)
        except ValidationError as error:
            errors = error.messages
        else:
            messages.success(request, message)
            if request.POST.get("action") == "delete":
                return redirect("students:orders")
            return redirect("students:order", order_id=found.pk)
    context = {
        "active_section": "orders",
        "order": found,
        "lines": selectors.order_lines(found),
        "status": selectors.order_status(found),
        "can_manage": can_manage,
        "cancel_form": cancel_form,
        "errors": errors,
    }
    return render(request, "students/order_page.html", context, status=400 if errors else 200)


def order_arrival(request: HttpRequest, line_id: int) -> HttpResponse:
    """Enrol a student arriving from another school of the region, with the same person."""
    organization = _organization(request, Action.MANAGE_ORDERS)
    arrival = get_object_or_404(
        selectors.arriving_lines(organization=organization).select_related(
            "student__person", "order__organization", "from_class"
        ),
        pk=line_id,
    )
    classes = selectors.open_classes(organization)
    form = ArrivalForm(
        request.POST or None,
        classes=classes,
        initial={
            "signed_on": calendar.today(),
            "effective_on": calendar.today(),
            "event_on": arrival.order.effective_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            order = services.enrol_arrival(
                actor=request.membership,
                organization=organization,
                arrival=arrival,
                kind=form.cleaned_data["kind"],
                to_class=next(c for c in classes if c.pk == form.cleaned_data["to_class"]),
                header=form.header(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The order %(order)s is applied.") % {"order": order})
            return redirect("students:order", order_id=order.pk)
    context = {"active_section": "orders", "arrival": arrival, "form": form}
    return render(
        request, "students/order_arrival.html", context, status=400 if form.errors else 200
    )


def movement_report(request: HttpRequest) -> HttpResponse:
    """Контроль сроков: orders entered later than the regulation allows, per kind."""
    organization = _organization(request, Action.VIEW_MOVEMENT_REPORT)
    today = calendar.today()
    years = selectors.order_book_years(organization)
    current = next((y for y in years if y.contains(today)), years[0] if years else None)
    starts_on = current.starts_on if current else date(today.year, 1, 1)
    form = ReportForm(request.GET or {"starts_on": starts_on, "ends_on": today})
    report = None
    if form.is_valid():
        report = deadlines.movement_report(
            organization=organization,
            starts_on=form.cleaned_data["starts_on"],
            ends_on=form.cleaned_data["ends_on"],
        )
        if request.GET.get("format") == "xlsx":
            return _report_xlsx(report)
    query = request.GET.copy()
    query["format"] = "xlsx"
    context = {
        "active_section": "orders",
        "form": form,
        "report": report,
        "xlsx_url": f"?{query.urlencode()}",
    }
    return render(request, "students/orders_report.html", context)


def _report_xlsx(report: deadlines.DeadlineReport) -> HttpResponse:
    """The report as an .xlsx workbook: counts per kind, then the late orders."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Deadlines")[:31]
    sheet.append(
        [
            _("Deadline control of the movement book: %(school)s, %(start)s – %(end)s")
            % {
                "school": report.organization.short_name,
                "start": report.starts_on.strftime("%d.%m.%Y"),
                "end": report.ends_on.strftime("%d.%m.%Y"),
            }
        ]
    )
    sheet["A1"].font = Font(bold=True)
    sheet.append([])
    sheet.append([_("Kind"), _("Orders"), _("Late")])
    for row in report.counts:
        sheet.append([row.label, row.total, row.late])
    sheet.append([])
    sheet.append(
        [
            pgettext("movement order", "Order"),
            _("Kind"),
            _("Students"),
            _("Deadline"),
            _("Entered"),
            _("Working days late"),
        ]
    )
    for late in report.late:
        sheet.append(
            [
                str(late.order),
                str(late.order.get_kind_display()),
                late.students,
                late.deadline,
                late.entered_on,
                late.days_late,
            ]
        )
    buffer = BytesIO()
    book.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    filename = _("Movement deadlines.xlsx")
    response["Content-Disposition"] = (
        f"attachment; filename=\"movement-deadlines.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
