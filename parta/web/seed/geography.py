"""Municipalities and organisation names of a made-up region."""

from dataclasses import dataclass

from parta.orgs.models import Municipality

TOWNS = (
    "Заречный", "Сосновоборск", "Краснокаменск", "Светлогорск", "Новоуральск", "Лесной",
    "Верхнеречинск", "Озёрск", "Северогорск", "Ясногорск",
)  # fmt: skip

DISTRICTS = (
    "Берёзовский", "Кедровский", "Сосновский", "Озёрский", "Каменский", "Ключевской",
    "Красноборский", "Белоярский", "Липовский", "Рябиновский", "Ольховский", "Дубравный",
    "Луговой", "Заозёрный", "Приреченский", "Верхнекамский", "Нижнеборский", "Старосельский",
    "Новосельский", "Полевской", "Гористый", "Песчанский", "Черноярский", "Белогорский",
    "Красногорский", "Солнечный", "Боровской", "Тальниковый", "Медвежинский", "Соболиный",
    "Лебяжинский", "Журавлинский", "Таёжный", "Каменнобродский", "Вишнёвский", "Калиновский",
)  # fmt: skip

KINDERGARTEN_NAMES = (
    "Солнышко", "Берёзка", "Ромашка", "Колокольчик", "Радуга", "Теремок", "Золотой ключик",
    "Сказка", "Ласточка", "Журавушка", "Улыбка", "Звёздочка", "Рябинка", "Светлячок",
)  # fmt: skip

SUPPLEMENTARY_NAMES = (
    ("МБУ ДО «Дом детского творчества»", "Муниципальное бюджетное учреждение дополнительного образования «Дом детского творчества»"),
    ("МБУ ДО «Детская школа искусств»", "Муниципальное бюджетное учреждение дополнительного образования «Детская школа искусств»"),
    ("МБУ ДО «Спортивная школа»", "Муниципальное бюджетное учреждение дополнительного образования «Спортивная школа»"),
    ("МБУ ДО «Центр детского творчества»", "Муниципальное бюджетное учреждение дополнительного образования «Центр детского творчества»"),
    ("МБУ ДО «Станция юных натуралистов»", "Муниципальное бюджетное учреждение дополнительного образования «Станция юных натуралистов»"),
    ("МБУ ДО «Детская музыкальная школа»", "Муниципальное бюджетное учреждение дополнительного образования «Детская музыкальная школа»"),
)  # fmt: skip

COLLEGE_PROFILES = (
    "Политехнический колледж", "Педагогический колледж", "Медицинский колледж",
    "Колледж сервиса и туризма", "Аграрный техникум", "Строительный колледж",
    "Колледж транспорта", "Торгово-экономический техникум",
)  # fmt: skip


@dataclass(frozen=True)
class Place:
    """A municipality's name, its genitive (for «Управление образования …») and its kind."""

    name: str
    genitive: str
    kind: str
    town: str


def _adjective_genitive(adjective: str) -> str:
    """Берёзовский → Берёзовского, Луговой → Лугового, Солнечный → Солнечного."""
    for ending, genitive in (("ский", "ского"), ("ской", "ского"), ("ой", "ого"), ("ый", "ого")):
        if adjective.endswith(ending):
            return adjective[: -len(ending)] + genitive
    return adjective


def places(count: int) -> list[Place]:
    """`count` municipalities: one urban okrug to every four districts, the okrugs first."""
    okrugs = max(1, count // 5)
    result = [
        Place(
            name=f"Городской округ {town}",
            genitive=f"городского округа {town}",
            kind=Municipality.Kind.URBAN_OKRUG,
            town=f"г. {town}",
        )
        for town in TOWNS[:okrugs]
    ]
    for index in range(count - len(result)):
        adjective = DISTRICTS[index % len(DISTRICTS)]
        suffix = f" № {index // len(DISTRICTS) + 1}" if index >= len(DISTRICTS) else ""
        result.append(
            Place(
                name=f"{adjective} район{suffix}",
                genitive=f"{_adjective_genitive(adjective)} района{suffix}",
                kind=Municipality.Kind.DISTRICT,
                town=f"с. {adjective[:-2]}ое" if adjective.endswith("ий") else f"пос. {adjective}",
            )
        )
    return result
