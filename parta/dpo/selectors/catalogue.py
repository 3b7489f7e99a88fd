"""Reads of the catalogue: programmes with their groups, a listener's deficits and profile, and
the programmes recommended to fill the deficits. Every page costs a fixed number of queries."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from parta.core import calendar
from parta.dpo.models import Application, Assessment, Cohort, Competency, Programme
from parta.identity.models import Membership
from parta.orgs.models import Subject

PAGE_SIZE = 20

ProgrammeSubject = Programme.subjects.through
ProgrammeCompetency = Programme.competencies.through


def open_cohorts() -> QuerySet[Cohort]:
    """Groups whose teachers' application window is open today."""
    today = calendar.today()
    return Cohort.objects.filter(
        applications_open_on__lte=today, applications_close_on__gte=today
    ).order_by("applications_open_on", "starts_on", "id")


def _with_details(queryset: QuerySet[Programme]) -> QuerySet[Programme]:
    """Programmes with their provider, competencies, subjects and open groups, in four queries."""
    return queryset.select_related("provider").prefetch_related(
        Prefetch("competencies", queryset=Competency.objects.order_by("name", "id")),
        Prefetch("subjects", queryset=Subject.objects.order_by("name", "id")),
        Prefetch("cohorts", queryset=open_cohorts(), to_attr="open_cohorts"),
    )


def catalogue(
    *, search: str = "", kind: str = "", form: str = "", subject: int | None = None, page: int = 1
) -> Page:
    """«Все программы»: one page of published programmes matching the search and the filters."""
    queryset = Programme.objects.filter(is_published=True)
    for word in search.split():
        queryset = queryset.filter(Q(title__icontains=word) | Q(summary__icontains=word))
    if kind:
        queryset = queryset.filter(kind=kind)
    if form:
        queryset = queryset.filter(form=form)
    if subject:
        queryset = queryset.filter(
            Exists(ProgrammeSubject.objects.filter(programme=OuterRef("pk"), subject_id=subject))
        )
    return Paginator(_with_details(queryset.order_by("title", "id")), PAGE_SIZE).get_page(page)


def catalogue_subjects() -> QuerySet[Subject]:
    """Subjects some published programme is meant for: the choices of the subject filter."""
    used = ProgrammeSubject.objects.filter(subject=OuterRef("pk"), programme__is_published=True)
    return Subject.objects.filter(Exists(used)).order_by("name", "id")


def deficits(person_id: int) -> list[Competency]:
    """Competencies whose latest assessment of the person is a deficit."""
    latest: dict[int, Assessment] = {}
    rows = (
        Assessment.objects.filter(person_id=person_id)
        .select_related("competency")
        .order_by("competency_id", "-assessed_on")
    )
    for row in rows:
        latest.setdefault(row.competency_id, row)
    found = [row.competency for row in latest.values() if row.is_deficit]
    return sorted(found, key=lambda competency: (competency.name, competency.pk))


@dataclass(frozen=True)
class Recommendation:
    """A programme addressing some of the listener's deficits (`covered`)."""

    programme: Programme
    covered: list[Competency]


@dataclass(frozen=True)
class Recommendations:
    deficits: list[Competency]
    page: Page
    items: list[Recommendation]


def _fits_position(positions: list, position: str) -> bool:
    if not positions:
        return True
    wanted = " ".join(position.split()).casefold()
    return bool(wanted) and any(" ".join(str(p).split()).casefold() == wanted for p in positions)


def recommended_programmes(member: Membership, *, page: int = 1) -> Recommendations:
    """Published programmes addressing the member's deficits: most deficits covered first, then
    those aimed at the member's position and subjects, then any-position and any-subject ones.
    A programme for other positions, or only for subjects the member does not teach, is left out.
    Seven queries whatever the catalogue and the assessments hold."""
    found = deficits(member.person_id)
    deficit_ids = [competency.pk for competency in found]
    subject_ids = list(member.subjects.values_list("pk", flat=True))
    has_subjects = Exists(ProgrammeSubject.objects.filter(programme=OuterRef("pk")))
    teaches = Exists(
        ProgrammeSubject.objects.filter(programme=OuterRef("pk"), subject_id__in=subject_ids)
    )
    candidates = (
        Programme.objects.filter(is_published=True, competencies__in=deficit_ids)
        .annotate(has_subjects=has_subjects, teaches=teaches)
        .filter(Q(has_subjects=False) | Q(teaches=True))
        .annotate(covered=Count("competencies", distinct=True))
        .values_list("pk", "positions", "covered", "has_subjects", "title")
    )
    ranked = sorted(
        (
            (-covered, -(bool(positions) + has_subject), title, pk)
            for pk, positions, covered, has_subject, title in candidates
            if _fits_position(positions, member.position)
        )
    )
    result = Paginator([key[-1] for key in ranked], PAGE_SIZE).get_page(page)
    programmes = {
        programme.pk: programme
        for programme in _with_details(Programme.objects.filter(pk__in=list(result.object_list)))
    }
    wanted = set(deficit_ids)
    items = [
        Recommendation(
            programme=programmes[pk],
            covered=[c for c in programmes[pk].competencies.all() if c.pk in wanted],
        )
        for pk in result.object_list
    ]
    return Recommendations(deficits=found, page=result, items=items)


def programme_page(programme_id: int) -> Programme:
    """A published programme with its competencies, subjects and every group, each group with
    the number of live applications; raises Programme.DoesNotExist for others."""
    live = Count("applications", filter=~Q(applications__status=Application.Status.CANCELLED))
    cohorts = Cohort.objects.annotate(taken=live).order_by(
        "-is_preliminary", "applications_open_on", "starts_on", "id"
    )
    return (
        Programme.objects.filter(is_published=True)
        .select_related("provider")
        .prefetch_related(
            Prefetch("competencies", queryset=Competency.objects.order_by("name", "id")),
            Prefetch("subjects", queryset=Subject.objects.order_by("name", "id")),
            Prefetch("cohorts", queryset=cohorts, to_attr="all_cohorts"),
        )
        .get(pk=programme_id)
    )


@dataclass(frozen=True)
class ListenerProfile:
    """What the ДПО profile shows, as synced from the staff card."""

    member: Membership
    subjects: list[Subject]

    @property
    def needs_position(self) -> bool:
        return not self.member.position.strip()


def listener_profile(member: Membership) -> ListenerProfile:
    """ФИО, position and subjects taught of the member's staff card."""
    return ListenerProfile(member=member, subjects=list(member.subjects.order_by("name", "id")))
