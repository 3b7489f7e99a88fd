"""«Все программы» with search, filters and pages; a programme with its groups; the profile;
who may open the ДПО pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse

from parta.dpo.models import Programme
from parta.dpo.selectors.catalogue import PAGE_SIZE, catalogue
from parta.dpo.tests.builders import cohort, competency, dpo_organization, programme

#: session, account, membership, its roles; filter subjects, count, the page's programmes with
#: their competencies, subjects and open groups.
CATALOGUE_BUDGET = 10
PAGES = ("dpo:dashboard", "dpo:recommendations", "dpo:catalogue", "dpo:profile")


@pytest.fixture
def provider(region):
    return dpo_organization(region)


@pytest.fixture
def programmes(region, provider):
    math = region.subjects["Математика"]
    return {
        "math": programme(
            provider,
            "Методика преподавания математики",
            subjects=[math],
            form=Programme.Form.FULL_TIME,
            competencies=[competency("M1", "Предметные знания")],
        ),
        "digital": programme(
            provider,
            "Цифровая школа",
            summary="Электронный ЖУРНАЛ и дневник",
            form=Programme.Form.DISTANCE,
        ),
        "retraining": programme(
            provider, "Педагогика и психология", kind=Programme.Kind.RETRAINING, hours=520
        ),
        "hidden": programme(
            provider, "Черновик по математике", is_published=False, subjects=[math]
        ),
    }


def titles(page):
    return [item.title for item in page]


def test_catalogue_lists_published_programmes_by_title(programmes):
    assert titles(catalogue()) == [
        "Методика преподавания математики",
        "Педагогика и психология",
        "Цифровая школа",
    ]


def test_search_matches_title_and_summary_words_in_any_case(programmes):
    assert titles(catalogue(search="МАТЕМАТИКИ")) == ["Методика преподавания математики"]
    assert titles(catalogue(search="журнал дневник")) == ["Цифровая школа"]
    assert titles(catalogue(search="журнал математики")) == []


def test_filters_by_kind_form_and_subject(region, programmes):
    assert titles(catalogue(kind=Programme.Kind.RETRAINING)) == ["Педагогика и психология"]
    assert titles(catalogue(form=Programme.Form.DISTANCE)) == [
        "Педагогика и психология",
        "Цифровая школа",
    ]
    math = region.subjects["Математика"]
    assert titles(catalogue(subject=math.pk)) == ["Методика преподавания математики"]


def test_catalogue_is_paged(provider):
    for index in range(PAGE_SIZE + 5):
        programme(provider, f"Программа {index:02d}")
    first, second = catalogue(page=1), catalogue(page=2)
    assert len(first) == PAGE_SIZE
    assert titles(second) == [f"Программа {index:02d}" for index in range(PAGE_SIZE, PAGE_SIZE + 5)]
    assert titles(catalogue(page=99)) == titles(second)


def test_catalogue_page_filters_through_the_query_string(client, region, programmes):
    region.login(client, "teacher")
    response = client.get(reverse("dpo:catalogue"), {"q": "цифровая", "form": "distance"})
    content = response.content.decode()
    assert f'data-testid="programme-{programmes["digital"].pk}"' in content
    assert f'data-testid="programme-{programmes["math"].pk}"' not in content
    bad = client.get(reverse("dpo:catalogue"), {"kind": "nonsense", "page": "x"})
    assert bad.status_code == 200


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_catalogue_page_costs_the_same_queries_for_3_and_40_programmes(
    client, region, provider, programmes
):
    region.login(client, "teacher")
    url = reverse("dpo:catalogue")
    small = _queries(client, url)
    assert small == CATALOGUE_BUDGET
    math = region.subjects["Математика"]
    for index in range(40):
        made = programme(
            provider, f"Программа {index}", subjects=[math], competencies=[competency(f"K{index}")]
        )
        cohort(made)
        cohort(made, "Предварительная запись", is_preliminary=True)
    assert _queries(client, url) == small
    assert _queries(client, url + "?page=2") == small


def test_programme_page_shows_its_groups_and_marks_the_preliminary_one(client, region, programmes):
    math = programmes["math"]
    preliminary = cohort(
        math,
        "Предварительная запись на 2027 год",
        is_preliminary=True,
        planned_year=2027,
        capacity=30,
    )
    later = cohort(math, "Весенняя группа", open_now=False)
    region.login(client, "teacher")
    response = client.get(reverse("dpo:programme", args=[math.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert f'data-testid="cohort-{preliminary.pk}"' in content
    assert f'data-testid="cohort-{later.pk}"' in content
    assert content.count('data-testid="preliminary"') == 1
    assert content.index(f"cohort-{preliminary.pk}") < content.index(f"cohort-{later.pk}")
    assert "Предметные знания" in content


def test_programme_page_costs_the_same_queries_for_1_and_12_groups(client, region, programmes):
    math = programmes["math"]
    cohort(math)
    region.login(client, "teacher")
    url = reverse("dpo:programme", args=[math.pk])
    one = _queries(client, url)
    for index in range(11):
        cohort(math, f"Группа {index}", is_preliminary=index == 0)
    assert _queries(client, url) == one


def test_apply_form_appears_only_when_the_apply_route_exists(client, region, programmes):
    group = cohort(programmes["math"])
    region.login(client, "teacher")
    content = client.get(reverse("dpo:programme", args=[programmes["math"].pk])).content.decode()
    try:
        apply_url = reverse("dpo:apply", args=[group.pk])
    except NoReverseMatch:
        assert 'data-testid="apply-' not in content
    else:
        assert f'action="{apply_url}"' in content


def test_unpublished_or_missing_programme_is_404(client, region, programmes):
    region.login(client, "teacher")
    assert client.get(reverse("dpo:programme", args=[programmes["hidden"].pk])).status_code == 404
    assert client.get(reverse("dpo:programme", args=[999_999])).status_code == 404


def test_profile_shows_position_and_subjects_from_the_staff_card(client, region):
    teacher = region.member("teacher")
    teacher.subjects.set([region.subjects["Физика"], region.subjects["Математика"]])
    region.login(client, "teacher")
    content = client.get(reverse("dpo:profile")).content.decode()
    assert 'data-testid="fill-profile"' not in content
    assert teacher.person.full_name in content
    assert '<dd data-testid="position">Учитель</dd>' in content
    assert '<dd data-testid="subjects">Математика, Физика</dd>' in content


def test_missing_position_asks_to_fill_the_profile(client, region):
    region.login(client, "hr")  # no position on the HR specialist's card
    for name in ("dpo:profile", "dpo:dashboard"):
        assert 'data-testid="fill-profile"' in client.get(reverse(name)).content.decode()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("teacher", 200),
        ("director", 200),
        ("deputy_head", 200),
        ("secretary", 200),
        ("tech_staff", 200),
        ("other_school_teacher", 200),
        ("student", 404),
        ("parent", 404),
        ("municipal_staff", 404),
        ("regional_admin", 404),
    ],
)
def test_page_access(client, region, school, programmes, persona, status):
    region.login(client, persona)
    for name in PAGES:
        assert client.get(reverse(name)).status_code == status, name
    page = reverse("dpo:programme", args=[programmes["math"].pk])
    assert client.get(page).status_code == status


def test_anonymous_visitor_is_sent_to_login(client, programmes):
    for name in PAGES:
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert reverse("identity:login") in response["Location"]
