"""«Контроль кампании» of ДПО staff: who has not acted yet in a campaign.

A campaign is the region's groups sharing their deadlines (seed 001: teachers choose a programme
until 4 July, directors confirm until 7 July). Not acted yet are the directors whose school has
applications still «Не обработана», and the assessed teachers with deficits who have applied to
none of the campaign's groups. Each page costs a fixed number of queries; the pages' ids are
chosen first and only those rows are read, as in «Заявки».
"""

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from parta.core import calendar
from parta.dpo import policies
from parta.dpo.models import Application, Assessment, Cohort, Reminder
from parta.identity.models import Membership
from parta.orgs.models import Organization

PAGE_SIZE = 50
DIRECTORS, TEACHERS = "directors", "teachers"


@dataclass(frozen=True)
class Campaign:
    applications_close_on: date
    approvals_close_on: date
    groups: int

    @property
    def key(self) -> str:
        return f"{self.applications_close_on.isoformat()}_{self.approvals_close_on.isoformat()}"

    @property
    def applications_open(self) -> bool:
        return calendar.today() <= self.applications_close_on

    @property
    def approvals_open(self) -> bool:
        return calendar.today() <= self.approvals_close_on


@dataclass(frozen=True)
class PendingSchool:
    organization: Organization
    #: The head chosen on the organisation card, or None: nobody can confirm then.
    director: Membership | None
    pending: int


@dataclass(frozen=True)
class CampaignControl:
    campaign: Campaign
    #: Applications of the campaign by status value.
    counts: dict[str, int]
    schools_pending: int
    teachers_pending: int
    view: str
    #: A page of `PendingSchool` (directors) or of memberships with `deficits` (teachers).
    page: Page
    last_reminder: Reminder | None


def _region_cohorts(member: Membership) -> QuerySet[Cohort]:
    return Cohort.objects.filter(programme__provider__region_id=member.organization.region_id)


def campaigns(member: Membership) -> list[Campaign]:
    """The region's campaigns, the latest confirmation deadline first; one query."""
    rows = (
        _region_cohorts(member)
        .values("applications_close_on", "approvals_close_on")
        .annotate(groups=Count("pk"))
        .order_by("-approvals_close_on", "-applications_close_on")
    )
    return [Campaign(**row) for row in rows]


def current_campaign(found: list[Campaign], key: str) -> Campaign | None:
    """The chosen campaign, else the one whose confirmation deadline comes next, else the
    latest."""
    for campaign in found:
        if campaign.key == key:
            return campaign
    today = calendar.today()
    coming = [campaign for campaign in found if campaign.approvals_close_on >= today]
    if coming:
        return coming[-1]
    return found[0] if found else None


def campaign_cohorts(member: Membership, campaign: Campaign) -> QuerySet[Cohort]:
    return _region_cohorts(member).filter(
        applications_close_on=campaign.applications_close_on,
        approvals_close_on=campaign.approvals_close_on,
    )


def _applications(member: Membership, campaign: Campaign) -> QuerySet[Application]:
    return Application.objects.filter(
        policies.managed_applications(member),
        cohort__in=campaign_cohorts(member, campaign).values("pk"),
    )


def pending_schools(member: Membership, campaign: Campaign) -> QuerySet:
    """(organisation id, unconfirmed applications) of the schools whose director has not acted,
    most applications first."""
    return (
        _applications(member, campaign)
        .filter(status=Application.Status.NEW)
        .values("organization_id")
        .annotate(pending=Count("pk"))
        .order_by("-pending", "organization_id")
    )


def pending_teachers(member: Membership, campaign: Campaign) -> QuerySet[Membership]:
    """Current staff of the region's organisations with an assessed deficit and no live
    application to the campaign's groups, by organisation and name."""
    # Both sets are uncorrelated subqueries: the database builds each once (thousands of rows)
    # instead of probing the applications for every staff member of the region.
    # The region's staff are read by organisation; each is checked against the assessments by
    # person (an index lookup), and against the campaign's applicants, a set the database builds
    # once, instead of probing the applications for every staff member.
    applied = _applications(member, campaign).exclude(status=Application.Status.CANCELLED)
    return (
        Membership.objects.filter(
            kind=Membership.Kind.STAFF,
            is_archived=False,
            organization__region_id=member.organization.region_id,
        )
        .exclude(organization__kind=Organization.Kind.DPO)
        .filter(Exists(Assessment.objects.filter(person_id=OuterRef("person_id"), is_deficit=True)))
        .exclude(person_id__in=applied.values("applicant__person_id"))
    )


def _pending_schools_of(rows: list[dict]) -> list[PendingSchool]:
    """The schools of `pending_schools` rows with their directors, in two queries."""
    ids = [row["organization_id"] for row in rows]
    organizations = Organization.objects.select_related("municipality").in_bulk(ids)
    directors = {
        director.organization_id: director
        for director in Membership.objects.filter(
            organization_id__in=ids, is_director=True
        ).select_related("person")
    }
    return [
        PendingSchool(
            organization=organizations[row["organization_id"]],
            director=directors.get(row["organization_id"]),
            pending=row["pending"],
        )
        for row in rows
    ]


def _with_deficits(queryset: QuerySet[Membership]) -> QuerySet[Membership]:
    return queryset.select_related("person", "organization").annotate(
        deficits=Count(
            "person__dpo_assessments", filter=Q(person__dpo_assessments__is_deficit=True)
        )
    )


def _school_page(member: Membership, campaign: Campaign, page: int) -> Page:
    chosen = Paginator(pending_schools(member, campaign), PAGE_SIZE).get_page(page)
    chosen.object_list = _pending_schools_of(list(chosen.object_list))
    return chosen


def _teacher_page(member: Membership, campaign: Campaign, page: int) -> Page:
    # One pass gives both the count and the page: the ids are a few thousand integers at most.
    ids = pending_teachers(member, campaign).order_by("organization_id", "pk")
    chosen = Paginator(list(ids.values_list("pk", flat=True)), PAGE_SIZE).get_page(page)
    rows = _with_deficits(Membership.objects.filter(pk__in=list(chosen.object_list))).in_bulk()
    chosen.object_list = [rows[pk] for pk in chosen.object_list]
    return chosen


def all_pending_schools(member: Membership, campaign: Campaign) -> list[PendingSchool]:
    """Every school whose director has not acted: the export's rows; three queries."""
    return _pending_schools_of(list(pending_schools(member, campaign)))


def all_pending_teachers(member: Membership, campaign: Campaign) -> QuerySet[Membership]:
    """Every teacher who has not applied, by organisation and name: the export's rows."""
    return _with_deficits(pending_teachers(member, campaign)).order_by(
        "organization__short_name", "person__last_name", "person__first_name", "pk"
    )


def campaign_control(
    member: Membership, campaign: Campaign, *, view: str = DIRECTORS, page: int = 1
) -> CampaignControl:
    """The campaign's totals, who has not acted yet (a page of schools or of teachers) and the
    last reminder; eight queries at most."""
    counts = dict(
        _applications(member, campaign)
        .values_list("status")
        .annotate(Count("pk"))
        .order_by("status")
    )
    schools = pending_schools(member, campaign)
    if view == TEACHERS:
        listing = _teacher_page(member, campaign, page)
        teachers_pending = listing.paginator.count
        schools_pending = schools.count()
    else:
        listing = _school_page(member, campaign, page)
        schools_pending = listing.paginator.count
        teachers_pending = pending_teachers(member, campaign).count()
    last_reminder = (
        Reminder.objects.filter(
            region_id=member.organization.region_id,
            applications_close_on=campaign.applications_close_on,
            approvals_close_on=campaign.approvals_close_on,
        )
        .select_related("sent_by__person")
        .first()
    )
    return CampaignControl(
        campaign=campaign,
        counts={status: counts.get(status, 0) for status in Application.Status.values},
        schools_pending=schools_pending,
        teachers_pending=teachers_pending,
        view=view,
        page=listing,
        last_reminder=last_reminder,
    )
