"""The membership a ДПО page works for."""

from django.http import Http404, HttpRequest

from parta.dpo import policies
from parta.identity.models import Membership


def listener(request: HttpRequest) -> Membership:
    """The session's membership if it is a listener; 404 for students, parents and others."""
    member = request.membership
    if member is None or not policies.is_listener(member):
        raise Http404
    return member
