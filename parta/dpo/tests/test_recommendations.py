"""«Оценка компетенций» → «Подробная информация»: programmes filling the listener's deficits,
ranked and filtered by position and subjects taught; the dashboard card counts the deficits."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from parta.dpo.selectors.catalogue import deficits, recommended_programmes
from parta.dpo.tests.builders import TODAY, assess, cohort, competency, dpo_organization, programme

#: session, account, membership, its roles; deficits, subjects taught, ranking, the page's
#: programmes with their competencies, subjects and open groups.
RECOMMENDATIONS_BUDGET = 11


@pytest.fixture
def catalogue(region, today):
    """The teacher (Учитель of mathematics) has deficits in A and B; C was a deficit once but the
    latest assessment has it passed."""
    provider = dpo_organization(region)
    math, physics = region.subjects["Математика"], region.subjects["Физика"]
    teacher = region.member("teacher")
    teacher.subjects.set([math])
    a, b, c = competency("A", "Алгебра"), competency("B", "Бюджет"), competency("C", "Цифра")
    assess(teacher.person_id, a, deficit=True)
    assess(teacher.person_id, b, deficit=True, on=TODAY - timedelta(days=40))
    assess(teacher.person_id, c, deficit=True, on=TODAY - timedelta(days=400))
    assess(teacher.person_id, c, deficit=False, on=TODAY - timedelta(days=10))
    assess(region.member("secretary").person_id, c, deficit=True)
    both = programme(provider, "Оба дефицита", competencies=[a, b, c])
    targeted = programme(
        provider,
        "Для учителя математики",
        competencies=[a],
        subjects=[math],
        positions=["учитель "],
    )
    general = programme(provider, "Общая программа", competencies=[a])
    excluded = {
        "passed": programme(provider, "Только пройденная", competencies=[c]),
        "position": programme(
            provider, "Для воспитателей", competencies=[a, b], positions=["Воспитатель"]
        ),
        "subject": programme(provider, "Для физиков", competencies=[a, b], subjects=[physics]),
        "unpublished": programme(provider, "Черновик", competencies=[a, b], is_published=False),
        "nothing": programme(provider, "Без компетенций"),
    }
    open_group = cohort(
        both, "Предварительная запись на 2027 год", is_preliminary=True, planned_year=2027
    )
    cohort(both, "Будущая группа", open_now=False)
    return {
        "teacher": teacher,
        "ranked": [both, targeted, general],
        "excluded": excluded,
        "open_group": open_group,
        "competencies": (a, b, c),
    }


def test_deficits_are_the_latest_assessment_per_competency(catalogue):
    a, b, _c = catalogue["competencies"]
    assert deficits(catalogue["teacher"].person_id) == [a, b]


def test_recommendations_rank_by_deficits_covered_then_by_fit(catalogue):
    result = recommended_programmes(catalogue["teacher"])
    assert [item.programme for item in result.items] == catalogue["ranked"]
    a, b, _c = catalogue["competencies"]
    assert [item.covered for item in result.items] == [[a, b], [a], [a]]


def test_recommendations_carry_only_the_open_groups(catalogue):
    first = recommended_programmes(catalogue["teacher"]).items[0].programme
    assert first.open_cohorts == [catalogue["open_group"]]


def test_other_position_other_subject_and_unpublished_programmes_are_left_out(catalogue):
    shown = {item.programme for item in recommended_programmes(catalogue["teacher"]).items}
    assert shown.isdisjoint(catalogue["excluded"].values())


def test_a_member_without_a_position_gets_only_programmes_for_any_position(catalogue):
    teacher = catalogue["teacher"]
    teacher.position = ""
    teacher.save(update_fields=["position"])
    result = recommended_programmes(teacher)
    both, _targeted, general = catalogue["ranked"]
    assert [item.programme for item in result.items] == [both, general]


def test_a_member_teaching_nothing_gets_only_programmes_for_any_subject(catalogue):
    teacher = catalogue["teacher"]
    teacher.subjects.clear()
    result = recommended_programmes(teacher)
    both, _targeted, general = catalogue["ranked"]
    assert [item.programme for item in result.items] == [both, general]


def test_a_new_passed_assessment_removes_the_deficit_and_its_programmes(catalogue):
    a, b, _c = catalogue["competencies"]
    assess(catalogue["teacher"].person_id, a, deficit=False, on=TODAY + timedelta(days=1))
    result = recommended_programmes(catalogue["teacher"])
    assert result.deficits == [b]
    assert [item.programme for item in result.items] == [catalogue["ranked"][0]]


def test_no_deficits_no_recommendations(region, catalogue):
    result = recommended_programmes(region.member("deputy_head"))
    assert result.deficits == []
    assert result.items == []


def test_recommendations_page_lists_programmes_in_rank_order(client, region, catalogue):
    region.login(client, "teacher")
    response = client.get(reverse("dpo:recommendations"))
    assert response.status_code == 200
    content = response.content.decode()
    positions = [content.index(f'data-testid="programme-{p.pk}"') for p in catalogue["ranked"]]
    assert positions == sorted(positions)
    for excluded in catalogue["excluded"].values():
        assert f'data-testid="programme-{excluded.pk}"' not in content
    assert reverse("dpo:catalogue") in content


def test_dashboard_card_counts_the_deficits_and_links_to_the_details(client, region, catalogue):
    region.login(client, "teacher")
    response = client.get(reverse("dpo:dashboard"))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-testid="deficits-count" data-count="2"' in content
    assert reverse("dpo:recommendations") in content


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def _more_data(region, catalogue, count):
    a, b, c = catalogue["competencies"]
    provider = catalogue["ranked"][0].provider
    teacher = catalogue["teacher"]
    for index in range(count):
        extra = competency(f"X{index}")
        assess(teacher.person_id, extra, deficit=True)
        made = programme(
            provider,
            f"Программа {index}",
            competencies=[a, b, extra],
            subjects=[region.subjects["Математика"]],
        )
        cohort(made, f"Группа {index}")
        cohort(made, f"Предварительная {index}", is_preliminary=True)


def test_recommendations_page_costs_the_same_queries_for_little_and_much_data(
    client, region, catalogue
):
    region.login(client, "teacher")
    url = reverse("dpo:recommendations")
    small = _queries(client, url)
    assert small == RECOMMENDATIONS_BUDGET
    _more_data(region, catalogue, 30)
    assert recommended_programmes(catalogue["teacher"]).page.paginator.count == 33
    assert _queries(client, url) == small
    assert _queries(client, url + "?page=2") == small
