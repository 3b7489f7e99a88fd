"""Who may open the ДПО pages (to be moved into `parta.dpo.policies`)."""

from django.http import Http404, HttpRequest

from parta.identity.models import Membership


def is_listener(member: Membership | None) -> bool:
    """«Слушатель»: any active staff membership of an organisation."""
    return bool(
        member is not None
        and member.is_staff
        and not member.is_archived
        and member.organization_id is not None
    )


def listener(request: HttpRequest) -> Membership:
    """The session's membership if it is a listener; 404 for students, parents and others."""
    member = request.membership
    if not is_listener(member):
        raise Http404
    return member
