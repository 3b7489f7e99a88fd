"""The frame every page shares: header, sections per role, error pages, the start page."""

from datetime import date
from html.parser import HTMLParser

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import include, path, reverse
from django.utils import translation
from django.utils.translation import gettext

from parta.core.testing.personas import STAFF_PERSONAS, SYSTEM, valid_snils
from parta.identity.models import OrgRole
from parta.identity.services.staff import add_staff_member
from parta.orgs.models import Organization


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a deliberate failure for the 500 page")


# The project's URLs plus two views that fail on purpose; used with @pytest.mark.urls(__name__).
urlpatterns = [
    path("frame-test/403/", forbidden),
    path("frame-test/500/", broken),
    path("", include("parta.urls")),
]
handler403 = "parta.web.views.error_403"
handler404 = "parta.web.views.error_404"
handler500 = "parta.web.views.error_500"


class Frame(HTMLParser):
    """Texts of the elements marked with data-testid, and the titles of the section bar."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.by_testid: dict[str, str] = {}
        self.sections: list[str] = []
        self.language = ""
        self._open: list[tuple[str, str | None]] = []  # (tag, testid) of open elements
        self._in_sections = 0
        self._text: dict[str, list[str]] = {}
        self._link: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.language = attributes.get("lang") or ""
        if tag in ("meta", "link", "input", "br", "img", "hr"):
            return
        testid = attributes.get("data-testid")
        self._open.append((tag, testid))
        if testid:
            self._text[testid] = []
        if tag == "nav" and "sections" in (attributes.get("class") or "").split():
            self._in_sections = len(self._open)
        if tag == "a" and self._in_sections:
            self._link = []

    def handle_endtag(self, tag):
        while self._open:
            open_tag, testid = self._open.pop()
            if testid:
                self.by_testid[testid] = " ".join("".join(self._text.pop(testid)).split())
            if self._in_sections > len(self._open):
                self._in_sections = 0
            if open_tag == "a" and self._link is not None:
                self.sections.append(" ".join("".join(self._link).split()))
                self._link = None
            if open_tag == tag:
                break

    def handle_data(self, data):
        for parts in self._text.values():
            parts.append(data)
        if self._link is not None:
            self._link.append(data)


def russian(message: str) -> str:
    """What the interface shows for this msgid: its Russian text once translated."""
    with translation.override("ru"):
        return gettext(message)


def start_page(client: Client) -> Frame:
    response = client.get(reverse("web:home"))
    assert response.status_code == 200
    return Frame(response.content.decode())


def test_header_shows_cabinet_role_and_person(client, region):
    member = region.login(client, "teacher")
    frame = start_page(client)
    assert frame.by_testid["cabinet"].startswith("Школа № 1")
    with translation.override("ru"):
        role = member.active_role_label
    assert role in frame.by_testid["current-role"]
    assert frame.by_testid["person-name"] == member.person.short_name
    assert frame.language == "ru"


@pytest.mark.parametrize(
    ("persona", "shown", "hidden"),
    [
        ("teacher", ["Journal", "Professional development"], ["Management", "Reports"]),
        ("admin", ["Management", "Reports"], []),
        ("director", ["Management", "Reports"], ["Teaching"]),
        ("hr", ["Management"], ["Reports", "Teaching"]),
        ("medical", ["Management"], ["Reports", "Journal"]),
        ("psychologist", ["Management"], ["Reports", "Journal"]),
        ("tech_staff", [], ["Management", "Reports"]),
        (
            "municipal_operator",
            ["Reports", "Organisations"],
            ["Management", "Professional development"],
        ),
        ("municipal_admin", ["Management", "Reports", "Organisations"], ["Journal"]),
        ("events_coordinator", ["Organisations"], ["Reports", "Management"]),
    ],
)
def test_sections_follow_the_role(client, region, persona, shown, hidden):
    region.login(client, persona)
    sections = start_page(client).sections
    for title in shown:
        assert russian(title) in sections, (persona, title, sections)
    for title in hidden:
        assert russian(title) not in sections, (persona, title, sections)


@pytest.mark.parametrize("persona", list(STAFF_PERSONAS))
def test_start_page_renders_for_every_persona(client, region, persona):
    member = region.login(client, persona)
    frame = start_page(client)
    assert frame.by_testid["cabinet"].startswith(str(member.unit))
    with translation.override("ru"):
        assert member.active_role_label in frame.by_testid["current-role"]


def test_anonymous_start_page_sends_to_login(client, db):
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:login"))


@pytest.mark.urls(__name__)
@pytest.mark.parametrize(
    ("url", "status", "title"),
    [
        ("/frame-test/403/", 403, "Access denied"),
        ("/no-such-page/", 404, "Page not found"),
        ("/frame-test/500/", 500, "Something went wrong"),
    ],
)
def test_error_pages_render_in_the_interface_language(region, url, status, title):
    client = Client(raise_request_exception=False)
    region.login(client, "teacher")
    response = client.get(url)
    assert response.status_code == status
    frame = Frame(response.content.decode())
    assert frame.language == "ru"
    assert f"<h1>{russian(title)}</h1>" in response.content.decode()
    if status != 500:
        # 403 and 404 keep the header, so the user can switch role or go back.
        assert frame.by_testid["cabinet"].startswith("Школа № 1")


def test_404_for_an_anonymous_visitor_renders_too(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert russian("Page not found") in response.content.decode()


def grow_region(region, extra: int) -> None:
    """More staff in the school and more organisations without a head under each authority."""
    for index in range(extra):
        add_staff_member(
            actor=SYSTEM,
            unit=region.school,
            person_fields={
                "last_name": "Дополнительный",
                "first_name": f"Сотрудник{index}",
                "middle_name": "Тестович",
                "birth_date": date(1980, 1, 1 + index),
                "sex": "male",
                "snils": valid_snils(300_000_000 + index * 7919),
            },
            login=f"extra.{index}",
            password="Extra-password-1",
            must_change_password=False,
            roles=[OrgRole.TEACHER],
        )
        for authority, municipality in (
            (region.north, region.school.municipality),
            (region.south, region.south_school.municipality),
        ):
            Organization.objects.create(
                region=region.region,
                municipality=municipality,
                authority=authority,
                kind=Organization.Kind.SCHOOL,
                short_name=f"Школа № {100 + index} ({authority.short_name})",
                full_name=f"Школа № {100 + index}",
            )


def start_page_queries(client: Client) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        start_page(client)
    return [query["sql"] for query in queries.captured_queries]


@pytest.mark.parametrize("persona", ["teacher", "admin", "municipal_admin", "regional_admin"])
def test_start_page_costs_the_same_queries_whatever_the_region_size(client, region, persona):
    region.login(client, persona)
    start_page(client)  # the first request may touch the session differently
    small = start_page_queries(client)
    grow_region(region, extra=12)
    large = start_page_queries(client)
    assert len(large) == len(small), "\n".join(large)


@pytest.mark.parametrize("persona", ["student", "parent"])
def test_students_and_parents_start_in_the_diary(client, region, school, persona):
    region.login(client, persona)
    response = client.get(reverse("web:home"))
    assert response.status_code == 302
    assert response.url == reverse("journal:diary")


@pytest.mark.parametrize(
    ("persona", "links"),
    [
        (
            "secretary",
            {
                "manage-students",
                "manage-orders",
                "manage-movement-report",
                "manage-batch",
                "manage-oneroster",
            },
        ),
        ("admin", {"manage-students", "manage-orders", "manage-batch", "manage-oneroster"}),
        ("deputy_head", {"manage-students", "manage-orders", "manage-movement-report"}),
        ("director", {"manage-students", "manage-orders", "manage-movement-report"}),
        ("medical", {"manage-students"}),
        ("psychologist", {"manage-students"}),
        ("municipal_admin", set()),
    ],
)
def test_management_lists_the_students_screens_of_the_role(client, region, persona, links):
    region.login(client, persona)
    response = client.get(reverse("web:manage"))
    assert response.status_code == 200
    html = response.content.decode()
    all_links = (
        "manage-students",
        "manage-orders",
        "manage-movement-report",
        "manage-batch",
        "manage-oneroster",
    )
    for testid in all_links:
        assert (f'data-testid="{testid}"' in html) == (testid in links), (persona, testid)
