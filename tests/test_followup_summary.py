"""The dashboard opens on what changed for those who review (issue 16): the Kabid and the
Asdep land on the last seven days' new letters, responses received, letters newly past 14
working days and the agencies answering worst; the analyst lands on the letter list; the
list is one click away and the view stays in the URL. The figures are the defined ones
(letter_facts, working_days_between, the agency ranking)."""

from __future__ import annotations

import datetime as dt

import pytest

from dumas.db import Database
from dumas.domain.permissions import Role
from dumas.queries import followup
from dumas.queries.filters import Filters
from tests.conftest import TODAY, Factory, prebuilt, signed_in_app

WEEK_BEFORE = TODAY - dt.timedelta(days=7)  # the day before the seven days began


def _week(db: Database) -> dict[str, int]:
    """Friday 27 November 2026: one letter new this week, one answered this week, one
    that passed 14 working days this week (11 on 20 November, 16 today), one long overdue."""
    make = Factory(db)
    kemendagri = make.agency("Kementerian Dalam Negeri")
    bpn = make.agency("Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional")
    new, answered, crossing, old = (make.complaint(received_on=dt.date(2026, 8, 3))
                                    for _ in range(4))  # fmt: skip
    make.forward(new, bpn, dt.date(2026, 11, 23))
    make.forward(answered, kemendagri, dt.date(2026, 11, 2))
    make.respond(answered, kemendagri, dt.date(2026, 11, 25))
    make.forward(crossing, bpn, dt.date(2026, 11, 5))
    make.forward(old, bpn, dt.date(2026, 9, 1))
    return {"kemendagri": kemendagri, "bpn": bpn}


week_prebuilt = prebuilt("followup-summary-week", _week)


@pytest.fixture
def week(week_prebuilt, db_path, monkeypatch) -> dict[str, int]:
    """The week of _week (the test's database is a copy of that world), each agency
    ranked whatever its number of letters."""
    monkeypatch.setenv("DUMAS_MIN_RANKING", "1")
    return week_prebuilt[1]


def test_the_weeks_changes_are_the_defined_letter_facts(db, week):
    cur = db.cursor()
    found = followup.changes(cur, Filters(), TODAY)
    assert found == {"new_letters": 1, "responses": 1, "newly_overdue": 1, "overdue": 2,
                     "since": dt.date(2026, 11, 21)}  # fmt: skip

    def over_14(day: dt.date) -> set[int]:
        return {row[0] for row in cur.execute(
            "SELECT forwarding_id FROM letter_facts($d) WHERE NOT answered AND age_wd > 14",
            {"d": day}).fetchall()}  # fmt: skip

    assert len(over_14(TODAY) - over_14(WEEK_BEFORE)) == found["newly_overdue"]
    answered_in_week = cur.execute(
        "SELECT count(*) FROM letter_facts($d) WHERE first_response_on > $before",
        {"d": TODAY, "before": WEEK_BEFORE},
    ).fetchone()[0]
    assert answered_in_week == found["responses"]
    only_kemendagri = Filters(agency_ids=(week["kemendagri"],))
    assert followup.changes(cur, only_kemendagri, TODAY)["newly_overdue"] == 0


def _metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize("role", [Role.KABID, Role.ASDEP])
def test_the_kabid_and_the_asdep_land_on_what_changed_with_the_list_one_click_away(
    db, week, app_env, role
):
    db.close()  # the app opens its own connection to the file
    at = signed_in_app(role).run()
    assert not at.exception, at.exception
    assert at.segmented_control(key="view").value == "summary"
    assert _metric(at, "Surat penerusan baru") == "1"
    assert _metric(at, "Tanggapan diterima") == "1"
    assert _metric(at, "Baru lewat 14 hari kerja") == "1"
    [table] = at.dataframe  # the worst agencies, the only table
    worst = table.value
    assert worst.iloc[0]["agency"] == "Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional"
    at.segmented_control(key="view").set_value("list").run()
    assert not at.exception, at.exception
    assert len(at.dataframe[0].value) == 3  # the unanswered letters


def test_the_analyst_lands_on_the_letter_list(db, week, app_env):
    db.close()
    at = signed_in_app(Role.ANALIS).run()
    assert not at.exception, at.exception
    assert at.segmented_control(key="view").value == "list"
    assert "Surat penerusan baru" not in [m.label for m in at.metric]
    assert len(at.dataframe[0].value) == 3


def test_the_view_in_the_url_wins_over_the_roles_first_view(db, week, app_env):
    db.close()
    at = signed_in_app(Role.KABID, view="Daftar surat").run()  # bound: the label in the URL
    assert not at.exception, at.exception
    assert at.segmented_control(key="view").value == "list"
    at = signed_in_app(Role.ANALIS, view="Ringkasan perubahan").run()
    assert at.segmented_control(key="view").value == "summary"
    assert _metric(at, "Tanggapan diterima") == "1"
