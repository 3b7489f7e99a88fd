"""Duplicate cards of one person and their merge (seed 000, приложение 3: one account per person)."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from parta.identity.forms.people import MergeForm
from parta.identity.models import Membership, Person
from parta.identity.policies import Action, can
from parta.identity.selectors import people as people_selectors
from parta.identity.services.merge import merge_people


@dataclass(frozen=True)
class DuplicateRow:
    """A pair of cards, ordered as the merge page opens it: the first one is kept."""

    survivor: Person
    duplicate: Person
    can_merge: bool


def _rows(member: Membership, pairs: list[people_selectors.DuplicatePair]) -> list[DuplicateRow]:
    """Keep the older card unless only it is the viewer's to merge away."""
    rows = []
    for pair in pairs:
        if people_selectors.may_merge_away(member, pair.second):
            rows.append(DuplicateRow(pair.first, pair.second, can_merge=True))
        elif people_selectors.may_merge_away(member, pair.first):
            rows.append(DuplicateRow(pair.second, pair.first, can_merge=True))
        else:
            rows.append(DuplicateRow(pair.first, pair.second, can_merge=False))
    return rows


def _require_merge_right(member: Membership) -> None:
    if not can(member, Action.MERGE_PEOPLE, member.unit):
        raise Http404


def duplicates(request: HttpRequest) -> HttpResponse:
    """«Дубли»: cards with the same ФИО and date of birth, with their cabinets and logins."""
    member = request.membership
    _require_merge_right(member)
    pairs = people_selectors.duplicate_people(viewer=member)
    context = {"active_section": "manage", "rows": _rows(member, pairs)}
    return render(request, "identity/people_duplicates.html", context)


def merge(request: HttpRequest, survivor_id: int, duplicate_id: int) -> HttpResponse:
    """«Объединить»: both cards side by side; the first is kept, the second merged into it."""
    member = request.membership
    _require_merge_right(member)
    pair = people_selectors.merge_pair(
        viewer=member, survivor_id=survivor_id, duplicate_id=duplicate_id
    )
    if pair is None:
        raise Http404
    form = MergeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            merge_people(actor=member, survivor=pair.survivor, duplicate=pair.duplicate)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The cards are merged: %(name)s now has one card and one login.")
                % {"name": pair.survivor.full_name},
            )
            return redirect("identity:duplicates")
    context = {"active_section": "manage", "pair": pair, "form": form}
    return render(request, "identity/people_merge.html", context)
