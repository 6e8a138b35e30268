from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.core.cycles import (
    CYCLE_DAYS,
    EPOCH,
    Product,
    current_cycle,
    cycle_number,
    is_cycle_date,
    nasr_airports_archive_name,
)

FIRST_DAY = date(2020, 9, 10)
LAST_DAY = date(2030, 12, 31)


@pytest.mark.parametrize(
    ("today", "airports", "diagrams", "charts"),
    [
        (date(2023, 6, 15), date(2023, 6, 15), date(2023, 6, 15), date(2023, 6, 15)),
        (date(2023, 7, 15), date(2023, 7, 13), date(2023, 7, 13), date(2023, 6, 15)),
        (date(2023, 8, 15), date(2023, 8, 10), date(2023, 8, 10), date(2023, 8, 10)),
    ],
)
def test_current_cycle_matches_the_original_pirep(
    today: date, airports: date, diagrams: date, charts: date
) -> None:
    assert current_cycle(Product.AIRPORTS, today) == airports
    assert current_cycle(Product.DIAGRAMS, today) == diagrams
    assert current_cycle(Product.CHARTS, today) == charts


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 8, 22), date(2026, 8, 6)),
        (date(2026, 9, 2), date(2026, 8, 6)),
        (date(2026, 9, 3), date(2026, 9, 3)),
        (date(2026, 1, 10), date(2025, 12, 25)),
        (date(2026, 1, 30), date(2026, 1, 22)),
        (date(2026, 12, 31), date(2026, 12, 24)),
        (EPOCH, EPOCH),
        (EPOCH - timedelta(days=1), date(2020, 8, 13)),
    ],
)
def test_current_airac_cycle(today: date, expected: date) -> None:
    assert current_cycle(Product.AIRPORTS, today) == expected


def test_airac_dates_of_2026() -> None:
    days = (date(2026, 1, 1) + timedelta(days=n) for n in range(365 + 60))
    found = [day for day in days if is_cycle_date(Product.AIRPORTS, day)]
    expected = [
        date(2026, 1, 22),
        date(2026, 2, 19),
        date(2026, 3, 19),
        date(2026, 4, 16),
        date(2026, 5, 14),
        date(2026, 6, 11),
        date(2026, 7, 9),
        date(2026, 8, 6),
        date(2026, 9, 3),
        date(2026, 10, 1),
        date(2026, 10, 29),
        date(2026, 11, 26),
        date(2026, 12, 24),
        date(2027, 1, 21),
        date(2027, 2, 18),
    ]
    assert found == expected


@pytest.mark.parametrize(
    "day",
    [
        date(2022, 10, 6),
        date(2023, 10, 5),
        date(2024, 12, 26),
        date(2025, 2, 20),
        date(2025, 9, 4),
        date(2025, 11, 27),
        date(2026, 8, 6),
        date(2026, 9, 3),
    ],
)
def test_effective_dates_seen_in_real_data_are_airac_dates(day: date) -> None:
    assert is_cycle_date(Product.AIRPORTS, day)


def test_a_hard_coded_date_from_elsewhere_is_not_an_airac_date() -> None:
    assert not is_cycle_date(Product.AIRPORTS, date(2026, 1, 30))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2020, 11, 5), "2012"),
        (date(2026, 7, 25), "2607"),
        (date(2026, 8, 6), "2608"),
        (date(2026, 1, 10), "2513"),
        (date(2026, 12, 24), "2613"),
        (date(2026, 12, 31), "2613"),
        (date(2027, 1, 25), "2701"),
        (date(2023, 6, 15), "2306"),
    ],
)
def test_cycle_number(day: date, expected: str) -> None:
    assert cycle_number(day) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2023, 7, 15), date(2023, 6, 15)),
        (date(2026, 8, 22), date(2026, 7, 9)),
        (date(2026, 1, 10), date(2025, 11, 27)),
        (date(2026, 9, 3), date(2026, 9, 3)),
        (date(2026, 8, 6), date(2026, 7, 9)),
    ],
)
def test_current_chart_cycle(today: date, expected: date) -> None:
    assert current_cycle(Product.CHARTS, today) == expected


@pytest.mark.parametrize(
    "day",
    [
        EPOCH,
        date(2020, 11, 5),
        date(2021, 10, 7),
        date(2024, 10, 31),
        date(2024, 12, 26),
        date(2026, 3, 19),
        date(2026, 7, 9),
        date(2026, 9, 3),
        date(2028, 7, 6),
        date(2030, 8, 29),
    ],
)
def test_chart_dates_seen_in_urls_and_lists_are_chart_dates(day: date) -> None:
    assert is_cycle_date(Product.CHARTS, day)


def test_an_airac_date_between_chart_dates_is_not_a_chart_date() -> None:
    assert is_cycle_date(Product.AIRPORTS, date(2022, 10, 6))
    assert not is_cycle_date(Product.CHARTS, date(2022, 10, 6))


@pytest.mark.parametrize(
    ("cycle", "expected"),
    [
        (date(2026, 8, 6), "06_Aug_2026_APT_CSV.zip"),
        (date(2023, 6, 15), "15_Jun_2023_APT_CSV.zip"),
        (date(2024, 12, 26), "26_Dec_2024_APT_CSV.zip"),
        (date(2026, 7, 9), "09_Jul_2026_APT_CSV.zip"),
    ],
)
def test_nasr_airports_archive_name(cycle: date, expected: str) -> None:
    assert nasr_airports_archive_name(cycle) == expected


@settings(max_examples=300, database=None)
@given(today=st.dates(min_value=FIRST_DAY, max_value=LAST_DAY), product=st.sampled_from(Product))
def test_current_cycle_is_the_latest_cycle_date_not_after_today(
    today: date, product: Product
) -> None:
    cycle = current_cycle(product, today)
    assert is_cycle_date(product, cycle)
    assert cycle <= today
    assert (today - cycle).days < CYCLE_DAYS[product]
    if product is Product.CHARTS:
        assert is_cycle_date(Product.AIRPORTS, cycle)


def test_the_cycle_changes_exactly_on_cycle_dates_for_ten_years() -> None:
    for product in Product:
        previous = current_cycle(product, FIRST_DAY - timedelta(days=1))
        day = FIRST_DAY
        while day <= LAST_DAY:
            cycle = current_cycle(product, day)
            assert cycle == (day if is_cycle_date(product, day) else previous), (product, day)
            previous = cycle
            day += timedelta(days=1)
