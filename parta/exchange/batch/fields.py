"""The columns of the batch-update workbook: sheet «Ученики» (one row per student) and sheet
«Родители» (one row per guardianship).

Headers and the words in choice cells are the file format, so they are fixed Russian strings,
not translations: a file exported today must still import after the interface language or a
translation changes, and the fixture files produced by LibreOffice are committed with them.
"""

from dataclasses import dataclass, field
from enum import StrEnum

from django.db import models

from parta.identity.models import Person, Sex
from parta.students.models import (
    Disability,
    Guardianship,
    HealthGroup,
    PhysicalEducationGroup,
    Student,
)
from parta.students.policies import CardSection

STUDENTS_SHEET = "Ученики"
GUARDIANS_SHEET = "Родители"


class Target(StrEnum):
    """Where a column's value lives."""

    ID = "id"  # the row's own key: Student for «Ученики», Guardianship for «Родители»
    STUDENT_ID = "student_id"  # «Родители»: the student of the guardianship
    STUDENT_NAME = "student_name"  # «Родители»: the student's ФИО, for people, checked
    STUDENT_BIRTH_DATE = "student_birth_date"
    PERSON = "person"  # the row's person (the student, or the guardian)
    CARD = "card"  # the student's card
    CLASS = "class"  # the student's class: read only, or where a new student is enrolled
    RELATION = "relation"


class Kind(StrEnum):
    TEXT = "text"
    DATE = "date"
    CHOICE = "choice"
    SNILS = "snils"
    DIGITS = "digits"  # passport series and number: text, but a spreadsheet may make a number
    ID = "id"


SEX_WORDS = {Sex.MALE: "Мужской", Sex.FEMALE: "Женский"}
RELATION_WORDS = {
    Guardianship.Relation.MOTHER: "Мать",
    Guardianship.Relation.FATHER: "Отец",
    Guardianship.Relation.GUARDIAN: "Опекун",
    Guardianship.Relation.TRUSTEE: "Попечитель",
    Guardianship.Relation.OTHER: "Иной законный представитель",
}
HEALTH_WORDS = {choice: choice.label for choice in HealthGroup}
PHYSICAL_EDUCATION_WORDS = {
    PhysicalEducationGroup.MAIN: "Основная",
    PhysicalEducationGroup.PREPARATORY: "Подготовительная",
    PhysicalEducationGroup.SPECIAL: "Специальная",
    PhysicalEducationGroup.EXEMPT: "Освобождён",
}
DISABILITY_WORDS = {
    Disability.SPECIAL_NEEDS: "ОВЗ",
    Disability.DISABLED: "Ребёнок-инвалид",
    Disability.BOTH: "ОВЗ и инвалидность",
}


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: one object per column
class Column:
    """One column: its header, where its value goes, and who reads it (the card's section)."""

    header: str
    target: Target
    section: CardSection
    key: str = ""  # the model field for PERSON, CARD and RELATION columns
    kind: Kind = Kind.TEXT
    full_only: bool = False
    #: The student's ФИО and date of birth identify the row: a change is an error.
    identifies: bool = False
    words: dict[str, str] = field(default_factory=dict)  # choice code → word in the file
    max_length: int | None = None
    digits: int | None = None  # how many digits a number typed into the cell is padded to

    def word(self, code: str) -> str:
        return self.words.get(code, code)


def _model_field(model: type[models.Model], name: str) -> models.Field:
    return model._meta.get_field(name)  # type: ignore[return-value]


def _person(header: str, key: str, section: CardSection, **options) -> Column:
    kind = options.pop("kind", Kind.TEXT)
    max_length = _model_field(Person, key).max_length if kind != Kind.DATE else None
    return Column(
        header, Target.PERSON, section, key=key, kind=kind, max_length=max_length, **options
    )


def _card(header: str, key: str, section: CardSection, **options) -> Column:
    kind = options.pop("kind", Kind.TEXT)
    max_length = _model_field(Student, key).max_length if kind != Kind.DATE else None
    return Column(
        header, Target.CARD, section, key=key, kind=kind, max_length=max_length, **options
    )


MAIN = CardSection.MAIN
DOCUMENTS = CardSection.DOCUMENTS


def _passport() -> list[Column]:
    """The passport columns, in the full lists only."""
    return [
        _person(
            "Серия паспорта",
            "passport_series",
            DOCUMENTS,
            kind=Kind.DIGITS,
            digits=4,
            full_only=True,
        ),
        _person(
            "Номер паспорта",
            "passport_number",
            DOCUMENTS,
            kind=Kind.DIGITS,
            digits=6,
            full_only=True,
        ),
        _person(
            "Дата выдачи паспорта",
            "passport_issued_on",
            DOCUMENTS,
            kind=Kind.DATE,
            full_only=True,
        ),
        _person("Кем выдан паспорт", "passport_issued_by", DOCUMENTS, full_only=True),
    ]


STUDENT_COLUMNS: list[Column] = [
    Column("ID", Target.ID, MAIN, kind=Kind.ID),
    _person("Фамилия", "last_name", MAIN, identifies=True),
    _person("Имя", "first_name", MAIN, identifies=True),
    _person("Отчество", "middle_name", MAIN, identifies=True),
    _person("Дата рождения", "birth_date", MAIN, kind=Kind.DATE, identifies=True),
    _person("Пол", "sex", MAIN, kind=Kind.CHOICE, words=SEX_WORDS),
    Column("Класс", Target.CLASS, MAIN),
    _person("СНИЛС", "snils", DOCUMENTS, kind=Kind.SNILS, digits=11),
    _person("Телефон", "phone", MAIN),
    _person("Эл. почта", "email", MAIN),
    _card("Адрес регистрации", "registration_address", CardSection.ADDRESS),
    _card("Адрес проживания", "residence_address", CardSection.ADDRESS),
    _person("Гражданство", "citizenship", MAIN, full_only=True),
    *_passport(),
    _card("Номер личного дела", "personal_file_number", DOCUMENTS, full_only=True),
    _card("Серия свидетельства о рождении", "birth_certificate_series", DOCUMENTS, full_only=True),
    _card("Номер свидетельства о рождении", "birth_certificate_number", DOCUMENTS, full_only=True),
    _card(
        "Дата выдачи свидетельства о рождении",
        "birth_certificate_issued_on",
        DOCUMENTS,
        kind=Kind.DATE,
        full_only=True,
    ),
    _card(
        "Группа здоровья",
        "health_group",
        CardSection.HEALTH,
        kind=Kind.CHOICE,
        words=HEALTH_WORDS,
        full_only=True,
    ),
    _card(
        "Группа для занятий физкультурой",
        "physical_education_group",
        CardSection.HEALTH,
        kind=Kind.CHOICE,
        words=PHYSICAL_EDUCATION_WORDS,
        full_only=True,
    ),
    _card(
        "ОВЗ / инвалидность",
        "disability",
        CardSection.HEALTH,
        kind=Kind.CHOICE,
        words=DISABILITY_WORDS,
        full_only=True,
    ),
]

GUARDIANS = CardSection.GUARDIANS

GUARDIAN_COLUMNS: list[Column] = [
    Column("ID", Target.ID, GUARDIANS, kind=Kind.ID),
    Column("ID ученика", Target.STUDENT_ID, GUARDIANS, kind=Kind.ID),
    Column("ФИО ученика", Target.STUDENT_NAME, GUARDIANS),
    Column("Дата рождения ученика", Target.STUDENT_BIRTH_DATE, GUARDIANS, kind=Kind.DATE),
    Column(
        "Кем приходится",
        Target.RELATION,
        GUARDIANS,
        key="relation",
        kind=Kind.CHOICE,
        words=RELATION_WORDS,
    ),
    _person("Фамилия", "last_name", GUARDIANS),
    _person("Имя", "first_name", GUARDIANS),
    _person("Отчество", "middle_name", GUARDIANS),
    _person("Дата рождения", "birth_date", GUARDIANS, kind=Kind.DATE),
    _person("Телефон", "phone", GUARDIANS),
    _person("Эл. почта", "email", GUARDIANS),
    _person("СНИЛС", "snils", DOCUMENTS, kind=Kind.SNILS, digits=11),
    _person("Пол", "sex", GUARDIANS, kind=Kind.CHOICE, words=SEX_WORDS, full_only=True),
    _person("Гражданство", "citizenship", GUARDIANS, full_only=True),
    *_passport(),
]


class FieldList(StrEnum):
    """«Краткий список полей» or «Полный список полей»."""

    SHORT = "short"
    FULL = "full"


def _visible(columns: list[Column], sections: frozenset[CardSection]) -> list[Column]:
    return [column for column in columns if column.section in sections]


def student_columns(sections: frozenset[CardSection], field_list: str) -> list[Column]:
    """The «Ученики» columns of a field list, without the sections the user may not read."""
    chosen = [c for c in STUDENT_COLUMNS if field_list == FieldList.FULL or not c.full_only]
    return _visible(chosen, sections) if MAIN in sections else []


def guardian_columns(sections: frozenset[CardSection], field_list: str) -> list[Column]:
    """The «Родители» columns; none when the user does not read the parents section."""
    chosen = [c for c in GUARDIAN_COLUMNS if field_list == FieldList.FULL or not c.full_only]
    return _visible(chosen, sections) if GUARDIANS in sections else []
