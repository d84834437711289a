"""The message catalogue is complete in both languages; formatting follows the locale."""

from __future__ import annotations

import datetime as dt
import string

import pandas as pd
import pytest

from dumas.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    MESSAGES,
    fmt_compact,
    fmt_date,
    fmt_datetime,
    fmt_decimal,
    fmt_int,
    fmt_percent,
    fmt_rupiah,
    t,
)

SOP_DATE = dt.date(2012, 12, 28)


def _placeholders(message: str) -> set[str]:
    """The `{name}` fields of a message."""
    return {field for _, field, _, _ in string.Formatter().parse(message) if field}


def test_indonesian_is_the_default_language() -> None:
    assert DEFAULT_LANGUAGE == "id"
    assert LANGUAGES == ("id", "en")
    assert set(MESSAGES) == set(LANGUAGES)


def test_catalogues_have_the_same_keys() -> None:
    assert set(MESSAGES["id"]) == set(MESSAGES["en"])


def test_no_empty_message() -> None:
    empty = [
        (lang, key)
        for lang in LANGUAGES
        for key, text in MESSAGES[lang].items()
        if not text.strip()
    ]
    assert empty == []


def test_message_ids_are_dotted() -> None:
    assert all("." in key for key in MESSAGES["id"])


@pytest.mark.parametrize("key", sorted(MESSAGES["id"]))
def test_both_languages_use_the_same_placeholders(key: str) -> None:
    assert _placeholders(MESSAGES["id"][key]) == _placeholders(MESSAGES["en"][key])


def test_t_fills_placeholders_in_each_language() -> None:
    assert t("export.generated", when="28 Desember 2012") == "Dibuat pada 28 Desember 2012"
    assert t("export.filters", "en", filters="Channel: Letter") == "Filters: Channel: Letter"
    assert t("nav.followup") == "Tindak Lanjut"
    assert t("status.unanswered", "en") == "Not yet answered"


def test_unknown_message_id_raises_key_error() -> None:
    with pytest.raises(KeyError):
        t("nav.does_not_exist")


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="unsupported language"):
        t("app.title", "fr")
    with pytest.raises(ValueError, match="unsupported language"):
        fmt_int(1, "fr")


def test_dates_format_in_indonesian() -> None:
    assert fmt_date(SOP_DATE) == "28 Desember 2012"
    assert fmt_date(SOP_DATE, style="short") == "28/12/2012"
    assert fmt_date(SOP_DATE, style="medium") == "28 Des 2012"


def test_dates_format_in_english_day_first() -> None:
    assert fmt_date(SOP_DATE, "en") == "28 December 2012"
    assert fmt_date(SOP_DATE, "en", style="short") == "28/12/2012"
    assert fmt_date(SOP_DATE, "en", style="medium") == "28 Dec 2012"


def test_timestamps_format_as_their_date() -> None:
    stamp = pd.Timestamp("2012-12-28 23:30", tz="Asia/Jakarta")
    assert fmt_date(stamp) == "28 Desember 2012"
    assert fmt_datetime(dt.datetime(2012, 12, 28, 14, 5)) == "28 Desember 2012 14.05"


def test_numbers_use_indonesian_separators() -> None:
    assert fmt_int(1234) == "1.234"
    assert fmt_decimal(1234.5) == "1.234,5"
    assert fmt_decimal(1234.5, digits=2) == "1.234,50"
    assert fmt_percent(0.573) == "57,3%"
    assert fmt_rupiah(1_500_000) == "Rp1.500.000"


def test_numbers_use_english_separators() -> None:
    assert fmt_int(1234, "en") == "1,234"
    assert fmt_decimal(1234.5, "en") == "1,234.5"
    assert fmt_percent(0.573, "en") == "57.3%"
    assert fmt_rupiah(1_500_000, "en") == "Rp1,500,000"


def test_halves_round_up_like_excel() -> None:
    assert fmt_int(2.5) == "3"
    assert fmt_decimal(0.25) == "0,3"
    assert fmt_percent(0.0005) == "0,1%"


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, pd.NaT])
@pytest.mark.parametrize("lang", LANGUAGES)
def test_missing_values_show_a_dash(missing: object, lang: str) -> None:
    formatted = {
        fmt_date(missing, lang),
        fmt_datetime(missing, lang),
        fmt_int(missing, lang),
        fmt_decimal(missing, lang),
        fmt_percent(missing, lang),
        fmt_rupiah(missing, lang),
    }
    assert formatted == {"–"}


@pytest.mark.parametrize(
    ("value", "rupiah", "indonesian", "english"),
    [
        (99_999, False, "99.999", "99,999"),  # fits a card whole
        (99_999, True, "Rp99.999", "Rp99,999"),
        (462_345, False, "462\u00a0rb", "462K"),
        (999_999, False, "1,00\u00a0jt", "1.00M"),  # not "1.000 rb"
        (1_075_432, False, "1,08\u00a0jt", "1.08M"),
        (24_060_000, True, "Rp24,1\u00a0jt", "Rp24.1M"),
        (24_000_000, True, "Rp24,0\u00a0jt", "Rp24.0M"),  # three digits, trailing zero kept
        (1_234_567_890, True, "Rp1,23\u00a0M", "Rp1.23B"),  # miliar, billion
        (-2_500_000, True, "-Rp2,50\u00a0jt", "-Rp2.50M"),
        (None, True, "–", "–"),
    ],
)
def test_a_figure_too_wide_for_a_metric_card_is_shortened_to_three_digits_and_a_unit(
    value: float | None, rupiah: bool, indonesian: str, english: str
) -> None:
    assert fmt_compact(value, "id", rupiah=rupiah) == indonesian
    assert fmt_compact(value, "en", rupiah=rupiah) == english
