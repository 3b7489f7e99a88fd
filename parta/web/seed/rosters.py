"""Who works where: the posts of an organisation or an authority of a given size."""

import random
from collections.abc import Callable
from dataclasses import dataclass, replace

from parta.identity.models import AuthorityRole, OrgRole
from parta.orgs.models import Organization
from parta.web.seed.catalogue import TEACHING_POSTS


@dataclass(frozen=True)
class Post:
    """A position on the staff list, the roles ticked for it and the subjects it teaches."""

    position: str
    roles: tuple[str, ...]
    subjects: tuple[str, ...] = ()
    is_director: bool = False
    female_share: float = 0.8


_TEACHER_WEIGHTS = [weight for _position, _subjects, weight in TEACHING_POSTS]


def teacher_post(rng: random.Random) -> Post:
    """A school teacher's post, drawn with the frequency such posts have in a school."""
    position, subjects, _weight = rng.choices(TEACHING_POSTS, weights=_TEACHER_WEIGHTS)[0]
    return Post(position, (OrgRole.TEACHER,), subjects, female_share=0.85)


def _fill(
    required: list[Post], optional: list[Post], filler: Callable[[], Post], size: int
) -> list[Post]:
    """The required posts, then the optional ones while a slot stays for `filler()`, then
    `filler()` up to `size`."""
    roster = required[:size]
    roster += optional[: max(0, size - len(roster) - 1)]
    while len(roster) < size:
        roster.append(filler())
    return roster


def school_roster(size: int, rng: random.Random) -> list[Post]:
    required = [
        Post("Директор", (OrgRole.TEACHER,), teacher_post(rng).subjects, True, 0.7),
        Post(
            "Учитель информатики",
            (OrgRole.ADMIN, OrgRole.TEACHER),
            ("Информатика", "Индивидуальный проект"),
            female_share=0.4,
        ),
        Post(
            "Заместитель директора по УВР",
            (OrgRole.DEPUTY_HEAD, OrgRole.TEACHER),
            teacher_post(rng).subjects,
        ),
    ]
    optional: list[Post] = []
    if size >= 8:
        optional.append(Post("Секретарь", (OrgRole.SECRETARY,), female_share=0.95))
    if size >= 10:
        optional.append(Post("Педагог-психолог", (OrgRole.PSYCHOLOGIST,), female_share=0.9))
    if size >= 12:
        optional.append(Post("Специалист по кадрам", (OrgRole.HR,), female_share=0.9))
    if size >= 15:
        optional.append(Post("Медицинская сестра", (OrgRole.MEDICAL,), female_share=0.98))
    if size >= 20:
        optional.append(
            Post("Заместитель директора по ВР", (OrgRole.DEPUTY_HEAD,), female_share=0.85)
        )
    if size >= 30:
        optional.append(Post("Социальный педагог", (OrgRole.PSYCHOLOGIST,), female_share=0.9))
        optional.append(
            Post(
                "Заместитель директора по УВР",
                (OrgRole.DEPUTY_HEAD, OrgRole.TEACHER),
                teacher_post(rng).subjects,
            )
        )
    tech = ("Заведующий хозяйством", "Уборщик служебных помещений", "Сторож", "Дворник")
    optional += [
        Post(tech[index % len(tech)], (OrgRole.TECH_STAFF,), female_share=0.6)
        for index in range(size // 12)
    ]
    return _fill(required, optional, lambda: teacher_post(rng), size)


def branch_roster(size: int, rng: random.Random) -> list[Post]:
    required = [
        Post("Заведующий филиалом", (OrgRole.DEPUTY_HEAD, OrgRole.TEACHER), (), True),
        Post("Учитель информатики", (OrgRole.ADMIN, OrgRole.TEACHER), ("Информатика",)),
    ]
    return _fill(required, [], lambda: teacher_post(rng), size)


def kindergarten_roster(size: int, rng: random.Random) -> list[Post]:
    educator = Post("Воспитатель", (OrgRole.TEACHER,), female_share=0.98)
    required = [
        Post("Заведующий", (OrgRole.ADMIN,), is_director=True, female_share=0.95),
        Post("Старший воспитатель", (OrgRole.DEPUTY_HEAD, OrgRole.TEACHER), female_share=0.98),
        educator,
    ]
    optional = [
        Post("Музыкальный руководитель", (OrgRole.TEACHER,)),
        Post("Педагог-психолог", (OrgRole.PSYCHOLOGIST,), female_share=0.95),
        Post("Медицинская сестра", (OrgRole.MEDICAL,), female_share=0.98),
        Post("Инструктор по физической культуре", (OrgRole.TEACHER,), female_share=0.6),
        Post("Учитель-логопед", (OrgRole.TEACHER,), female_share=0.98),
        Post("Делопроизводитель", (OrgRole.SECRETARY,), female_share=0.95),
    ]
    optional += [
        Post("Помощник воспитателя", (OrgRole.TECH_STAFF,), female_share=0.95)
        for _index in range(size // 6)
    ]
    return _fill(required, optional, lambda: educator, size)


def supplementary_roster(size: int, rng: random.Random) -> list[Post]:
    required = [
        Post("Директор", (OrgRole.TEACHER,), is_director=True, female_share=0.7),
        Post("Методист", (OrgRole.ADMIN, OrgRole.TEACHER), female_share=0.85),
        Post("Педагог дополнительного образования", (OrgRole.TEACHER,)),
    ]
    optional = [
        Post("Заместитель директора по УВР", (OrgRole.DEPUTY_HEAD,)),
        Post("Секретарь", (OrgRole.SECRETARY,), female_share=0.95),
        Post("Педагог-организатор", (OrgRole.TEACHER,)),
        Post("Тренер-преподаватель", (OrgRole.TEACHER,), female_share=0.4),
    ]
    optional += [
        Post("Сторож", (OrgRole.TECH_STAFF,), female_share=0.3) for _index in range(size // 10)
    ]
    return _fill(
        required,
        optional,
        lambda: Post("Педагог дополнительного образования", (OrgRole.TEACHER,)),
        size,
    )


def college_roster(size: int, rng: random.Random) -> list[Post]:
    def lecturer() -> Post:
        return Post("Преподаватель", (OrgRole.TEACHER,), teacher_post(rng).subjects, False, 0.75)

    required = [
        Post("Директор", (OrgRole.TEACHER,), is_director=True, female_share=0.5),
        Post("Системный администратор", (OrgRole.ADMIN,), female_share=0.2),
        Post("Заместитель директора по учебной работе", (OrgRole.DEPUTY_HEAD, OrgRole.TEACHER)),
        lecturer(),
    ]
    optional = [
        Post("Секретарь учебной части", (OrgRole.SECRETARY,), female_share=0.95),
        Post("Специалист по кадрам", (OrgRole.HR,), female_share=0.9),
        Post("Заместитель директора по воспитательной работе", (OrgRole.DEPUTY_HEAD,)),
        Post("Медицинская сестра", (OrgRole.MEDICAL,), female_share=0.98),
        Post("Педагог-психолог", (OrgRole.PSYCHOLOGIST,), female_share=0.9),
        Post("Социальный педагог", (OrgRole.PSYCHOLOGIST,), female_share=0.9),
    ]
    optional += [
        Post("Мастер производственного обучения", (OrgRole.TEACHER,), female_share=0.3)
        for _index in range(size // 10)
    ]
    optional += [
        Post("Лаборант", (OrgRole.TECH_STAFF,), female_share=0.7) for _index in range(size // 15)
    ]
    return _fill(required, optional, lecturer, size)


def dpo_roster(size: int, rng: random.Random) -> list[Post]:
    required = [
        Post("Ректор", (OrgRole.TEACHER,), is_director=True, female_share=0.5),
        Post("Администратор информационных систем", (OrgRole.ADMIN,), female_share=0.3),
        Post("Проректор по учебной работе", (OrgRole.DEPUTY_HEAD, OrgRole.TEACHER)),
    ]
    optional = [
        Post("Специалист по кадрам", (OrgRole.HR,), female_share=0.9),
        Post("Секретарь", (OrgRole.SECRETARY,), female_share=0.95),
    ]
    return _fill(
        required,
        optional,
        lambda: Post(rng.choice(("Методист", "Старший преподаватель")), (OrgRole.TEACHER,)),
        size,
    )


def organization_roster(
    organization: Organization, size: int, rng: random.Random, *, has_director: bool = True
) -> list[Post]:
    """The posts of an organisation of this kind and size, the head's first."""
    if organization.parent_id:
        roster = branch_roster(size, rng)
    else:
        builder = {
            Organization.Kind.SCHOOL: school_roster,
            Organization.Kind.KINDERGARTEN: kindergarten_roster,
            Organization.Kind.SUPPLEMENTARY: supplementary_roster,
            Organization.Kind.COLLEGE: college_roster,
            Organization.Kind.DPO: dpo_roster,
        }[organization.kind]
        roster = builder(size, rng)
    if not has_director:
        roster = [replace(post, is_director=False) for post in roster]
    return roster


def authority_roster(size: int, *, regional: bool) -> list[Post]:
    """The posts of the ministry or of a municipal education authority: every role at least once."""
    if regional:
        required = [
            Post("Министр образования", (AuthorityRole.HEAD,), female_share=0.4),
            Post("Консультант отдела информатизации", (AuthorityRole.ADMIN,), female_share=0.5),
            Post("Главный специалист отдела общего образования", (AuthorityRole.STAFF,)),
            Post("Ведущий специалист", (AuthorityRole.OPERATOR,)),
            Post("Координатор по работе с одарёнными детьми", (AuthorityRole.GIFTED_COORDINATOR,)),
            Post("Координатор мероприятий", (AuthorityRole.EVENTS_COORDINATOR,)),
            Post("Заместитель министра", (AuthorityRole.HEAD,), female_share=0.5),
        ]
    else:
        required = [
            Post("Начальник управления образования", (AuthorityRole.HEAD,), female_share=0.6),
            Post("Главный специалист (администратор)", (AuthorityRole.ADMIN,)),
            Post("Ведущий специалист", (AuthorityRole.STAFF,)),
            Post("Специалист", (AuthorityRole.OPERATOR,)),
            Post("Методист по работе с одарёнными детьми", (AuthorityRole.GIFTED_COORDINATOR,)),
            Post("Методист по воспитательной работе", (AuthorityRole.EVENTS_COORDINATOR,)),
        ]
    return _fill(required, [], lambda: Post("Главный специалист", (AuthorityRole.STAFF,)), size)
