"""What a module learns of the user: the standard OpenID Connect claims and the parta scope's.

The `parta` scope describes the cabinet the user was working in when they signed in to the
module: its organisation (or authority), the role with its Russian name, the position and the
subjects taught. The cabinet itself is read afresh, so a changed position shows at once.
"""

from typing import Any

from django.conf import settings
from django.utils import translation

from parta.identity.models import Membership
from parta.oidc.models import SignIn

#: Claim → the scope that releases it (django-oauth-toolkit drops claims missing here).
CLAIM_SCOPES: dict[str, str] = {
    "name": "profile",
    "family_name": "profile",
    "given_name": "profile",
    "middle_name": "profile",
    "preferred_username": "profile",
    "email": "email",
    "email_verified": "email",
    "organization": "parta",
    "authority": "parta",
    "role": "parta",
    "position": "parta",
    "subjects": "parta",
}


def cabinet_claims(member: Membership) -> dict[str, Any]:
    """The `parta` scope's claims of a cabinet working in its active role."""
    claims: dict[str, Any] = {}
    if member.organization_id:
        organization = member.organization
        claims["organization"] = {
            "id": organization.pk,
            "name": organization.short_name,
            "full_name": organization.full_name,
            "kind": organization.kind,
        }
    else:
        authority = member.authority
        claims["authority"] = {
            "id": authority.pk,
            "name": authority.short_name,
            "full_name": authority.full_name,
            "level": authority.level,
        }
    with translation.override(settings.LANGUAGE_CODE):
        claims["role"] = {"code": member.active_role, "name": member.active_role_label}
    if member.position:
        claims["position"] = member.position
    claims["subjects"] = [subject.name for subject in member.subjects.all()]
    return claims


def sign_in_claims(sign_in: SignIn) -> dict[str, Any]:
    """Every claim of a sign-in but `sub`; the provider keeps those the granted scopes allow.

    Empty values are left out, as OpenID Connect asks, except the list of subjects.
    """
    member = sign_in.membership.acting_as(sign_in.role)
    person = member.person
    claims: dict[str, Any] = {
        "name": person.full_name,
        "family_name": person.last_name,
        "given_name": person.first_name,
        "preferred_username": person.account.login,
    }
    if person.middle_name:
        claims["middle_name"] = person.middle_name
    if person.email:
        # Staff type the address into the card; nobody has confirmed it by a letter.
        claims["email"] = person.email
        claims["email_verified"] = False
    return claims | cabinet_claims(member)
