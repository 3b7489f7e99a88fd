from datetime import date

from parta.core.calendar import add_working_days, is_working_day


def test_weekends_and_public_holidays_are_not_working_days():
    assert is_working_day(date(2026, 11, 25))
    assert not is_working_day(date(2026, 11, 28))  # Saturday
    assert not is_working_day(date(2026, 11, 4))  # День народного единства
    assert not is_working_day(date(2027, 1, 5))  # New Year holidays


def test_a_holiday_on_a_weekend_gives_the_next_working_day_off():
    # 12 June 2027 is a Saturday: Monday 14 June rests instead.
    assert not is_working_day(date(2027, 6, 14))
    assert is_working_day(date(2027, 6, 15))


def test_working_days_skip_weekends_and_holidays():
    assert add_working_days(date(2026, 11, 27), 1) == date(2026, 11, 30)  # Friday → Monday
    assert add_working_days(date(2026, 11, 3), 1) == date(2026, 11, 5)  # over 4 November
    assert add_working_days(date(2026, 11, 25), 2) == date(2026, 11, 27)
