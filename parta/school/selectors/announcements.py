"""Announcements of a school: the staff's list, the classes one may publish for, the diary's."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet

from parta.identity.models import Membership
from parta.orgs.models import Organization
from parta.school import policies
from parta.school.models import Announcement, SchoolClass
from parta.school.selectors.calendar import current_year

PAGE_SIZE = 30


def _with_relations(announcements: QuerySet[Announcement]) -> QuerySet[Announcement]:
    return announcements.select_related("school_class", "author__person").order_by(
        "-published_on", "-id"
    )


@dataclass(frozen=True)
class AnnouncementBoard:
    """The staff's page: a page of the school's announcements and where the member may publish."""

    page: Page
    classes: list[SchoolClass]
    can_publish_for_school: bool

    @property
    def can_publish(self) -> bool:
        return self.can_publish_for_school or bool(self.classes)


def announcement_board(
    *, viewer: Membership, organization: Organization, page: int | str = 1
) -> AnnouncementBoard:
    """Every announcement of the school, newest first, and the classes of the current year the
    viewer may publish for (fixed number of queries)."""
    announcements = _with_relations(Announcement.objects.filter(organization=organization))
    year = current_year(organization.pk)
    classes: list[SchoolClass] = []
    if year is not None and not year.is_archived:
        candidates = SchoolClass.objects.filter(year=year).select_related("year")
        classes = [
            school_class
            for school_class in candidates
            if policies.can_publish_announcement(viewer, organization, school_class)
        ]
    return AnnouncementBoard(
        page=Paginator(announcements, PAGE_SIZE).get_page(page),
        classes=classes,
        can_publish_for_school=policies.can_publish_announcement(viewer, organization),
    )


def diary_announcements(
    *, organization_id: int, class_ids: Iterable[int], until: date | None = None
) -> QuerySet[Announcement]:
    """What a student (and their parents) read: the school's and their classes' announcements,
    newest first; none published after `until` (the student's last day at the school)."""
    announcements = Announcement.objects.filter(
        Q(school_class__isnull=True) | Q(school_class_id__in=list(class_ids)),
        organization_id=organization_id,
    )
    if until is not None:
        announcements = announcements.filter(published_on__lte=until)
    return _with_relations(announcements)
