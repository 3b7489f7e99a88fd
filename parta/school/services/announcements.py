"""Publishing announcements of a school or of one class (shown in the diary)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from parta.core import audit, calendar
from parta.identity.models import Membership
from parta.orgs.models import Organization
from parta.school import policies
from parta.school.models import Announcement, SchoolClass

TITLE_MAX_LENGTH = 200
TEXT_MAX_LENGTH = 5000


@transaction.atomic
def publish_announcement(
    *,
    actor: Membership,
    organization: Organization,
    title: str,
    text: str,
    school_class: SchoolClass | None = None,
) -> Announcement:
    """Publish an announcement today: for the whole school, or for one class of it."""
    if not policies.can_publish_announcement(actor, organization, school_class):
        raise PermissionDenied
    title, text = title.strip(), text.strip()
    errors: dict[str, list[ValidationError]] = {}
    if not title:
        errors["title"] = [ValidationError(_("Enter the title."), code="title_missing")]
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = [
            ValidationError(
                _("The title is longer than %(limit)s characters.") % {"limit": TITLE_MAX_LENGTH},
                code="title_too_long",
            )
        ]
    if not text:
        errors["text"] = [ValidationError(_("Enter the text."), code="text_missing")]
    elif len(text) > TEXT_MAX_LENGTH:
        errors["text"] = [
            ValidationError(
                _("The text is longer than %(limit)s characters.") % {"limit": TEXT_MAX_LENGTH},
                code="text_too_long",
            )
        ]
    if school_class is not None and school_class.year.is_archived:
        errors["school_class"] = [
            ValidationError(
                _("%(class)s belongs to an archived academic year.") % {"class": school_class},
                code="class_archived",
            )
        ]
    if errors:
        raise ValidationError(errors)
    announcement = Announcement.objects.create(
        organization=organization,
        school_class=school_class,
        author=actor,
        title=title,
        text=text,
        published_on=calendar.today(),
    )
    audit.record(
        actor=actor,
        action="school.announcement_published",
        target=announcement,
        after={
            "title": title,
            "school_class": str(school_class) if school_class else "",
        },
        organization_id=organization.pk,
    )
    return announcement
