from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from parta.core.models import AuditEntry
from parta.identity.models import Account, AuthorityRole, Membership
from parta.orgs.models import Authority, Region

PASSWORD = "Strong-password-7"


def createadmin(*args: str) -> str:
    out = StringIO()
    call_command(
        "createadmin",
        "--login",
        "Minadmin",
        "--last-name",
        "Петрова",
        "--first-name",
        "Анна",
        "--middle-name",
        "Сергеевна",
        *args,
        stdout=out,
    )
    return out.getvalue()


def ministry_of(code: str, name: str = "Область") -> Authority:
    region = Region.objects.create(name=name, code=code)
    return Authority.objects.create(
        region=region,
        level=Authority.Level.REGION,
        short_name="Министерство образования",
        full_name=f"Министерство образования ({name})",
    )


def test_without_a_region_the_command_says_what_to_do(db):
    with pytest.raises(CommandError, match="parta seed"):
        createadmin("--password", PASSWORD)
    assert not Account.objects.exists()


def test_creates_the_ministry_administrator(db):
    ministry = ministry_of("66")
    output = createadmin("--password", PASSWORD)
    membership = Membership.objects.get(authority=ministry)
    assert membership.role_codes == [AuthorityRole.ADMIN]
    account = membership.person.account
    assert account.login == "minadmin"
    assert account.check_password(PASSWORD)
    assert not account.must_change_password
    assert membership.person.full_name == "Петрова Анна Сергеевна"
    assert "minadmin" in output
    entry = AuditEntry.objects.get(action="identity.staff_added")
    assert entry.actor_label == "createadmin"


def test_several_regions_need_a_code(db):
    ministry_of("01", "Первая")
    second = ministry_of("02", "Вторая")
    with pytest.raises(CommandError, match="--region-code"):
        createadmin("--password", PASSWORD)
    createadmin("--password", PASSWORD, "--region-code", "02")
    assert Membership.objects.get().authority == second


def test_an_unknown_region_code_is_refused(db):
    ministry_of("66")
    with pytest.raises(CommandError, match="77"):
        createadmin("--password", PASSWORD, "--region-code", "77")


def test_a_region_without_a_ministry_is_refused(db):
    Region.objects.create(name="Область", code="66")
    with pytest.raises(CommandError):
        createadmin("--password", PASSWORD)


def test_a_taken_login_is_refused_and_nothing_is_left_behind(db):
    ministry_of("66")
    createadmin("--password", PASSWORD)
    with pytest.raises(CommandError):
        createadmin("--password", PASSWORD)
    assert Account.objects.count() == 1


def test_a_weak_password_is_refused(db):
    ministry_of("66")
    with pytest.raises(CommandError):
        createadmin("--password", "12345678")
    assert not Account.objects.exists()


def test_without_middle_name_the_card_says_there_is_none(db):
    ministry_of("66")
    call_command(
        "createadmin",
        "--login=solo",
        "--last-name=Смит",
        "--first-name=Джон",
        f"--password={PASSWORD}",
        stdout=StringIO(),
    )
    assert Account.objects.get().person.has_no_middle_name


def test_asks_for_the_password_in_a_terminal(db, monkeypatch):
    ministry_of("66")
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    createadmin()
    assert Account.objects.get().check_password(PASSWORD)


def test_two_different_passwords_are_refused(db, monkeypatch):
    ministry_of("66")
    answers = iter([PASSWORD, "other-password-9"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    with pytest.raises(CommandError):
        createadmin()
    assert not Account.objects.exists()


def test_without_a_terminal_the_password_must_be_given(db, monkeypatch):
    ministry_of("66")
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(CommandError, match="--password"):
        createadmin()


def test_the_demo_region_takes_an_extra_administrator(db):
    call_command("seed", stdout=StringIO())
    createadmin("--password", PASSWORD)
    membership = Membership.objects.get(person__account__login="minadmin")
    assert membership.authority.short_name == "Министерство образования"


def test_on_an_empty_database_creates_the_region_its_ministry_and_the_administrator(db):
    createadmin(
        "--password",
        PASSWORD,
        "--region-name",
        "Челябинская область",
        "--region-code",
        "74",
        "--ministry-name",
        "Министерство образования Челябинской области",
    )
    membership = Membership.objects.get(person__account__login="minadmin")
    assert membership.authority.region.code == "74"
    assert membership.authority.level == Authority.Level.REGION
    assert AuditEntry.objects.filter(action="orgs.region_created").count() == 1


def test_creating_a_region_whose_code_exists_changes_nothing(db):
    ministry_of("74")
    with pytest.raises(CommandError):
        createadmin(
            "--password",
            PASSWORD,
            "--region-name",
            "Другая",
            "--region-code",
            "74",
            "--ministry-name",
            "Министерство",
        )
    assert Region.objects.count() == 1
    assert not Account.objects.exists()
