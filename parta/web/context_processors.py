from django.http import HttpRequest

from parta.web.navigation import sections


def frame(request: HttpRequest) -> dict:
    """What the header of every page shows: cabinet, role, person and the sections."""
    membership = getattr(request, "membership", None)
    if membership is None:
        return {"membership": None, "sections": []}
    return {"membership": membership, "sections": sections(membership)}
