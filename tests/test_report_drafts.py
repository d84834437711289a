"""A periodic report's narrative drafted before it is final: kept with its revision,
never overwritten silently, listed with the finalised reports, frozen on finalising."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest

from dumas import config
from dumas.domain import periods
from dumas.domain.errors import Conflict, Message
from dumas.domain.report_flow import ReportMove
from dumas.services import periodic as final
from tests.monitoring_support import people_of

S1 = periods.parse("2026-S1")
MAY = periods.parse("2026-05")
NOW = dt.datetime(2026, 7, 3, 9, tzinfo=config.TIMEZONE)


def _checked(db, period, revision: int = 1, now: dt.datetime = NOW) -> None:
    """The Kabid checks the draft revision (since issue 14 the Asdep finalises after it)."""
    final.review(db, people_of(db).kabid, period, move=ReportMove.CHECK, revision=revision,
                 now=now)  # fmt: skip


def _audits(db, action: str) -> list[tuple]:
    sql = "SELECT actor, entity_id, old_value, new_value FROM audit_log WHERE action = $a"
    return db.cursor().execute(sql, {"a": action}).fetchall()


def test_a_saved_narrative_is_kept_with_its_revision_writer_and_audit(db):
    people = people_of(db)
    text = {"key_issues": "Tanggapan BPN lambat\nKemendagri membaik", "recommendations": None}
    assert final.save_draft(db, people.analyst, S1, narrative=text, revision=0, now=NOW) == 1
    saved = final.draft(db.cursor(), S1)
    assert saved["narrative"] == text
    assert (saved["revision"], saved["saved_by"]) == (1, people.analyst.full_name)
    later = NOW + dt.timedelta(hours=2)
    edited = {"key_issues": "Tanggapan BPN lambat", "recommendations": "Pantau langsung BPN"}
    assert final.save_draft(db, people.kabid, S1, narrative=edited, revision=1, now=later) == 2
    assert final.draft(db.cursor(), S1)["narrative"] == edited
    actor, entity, old, new = _audits(db, "report.draft")[-1]
    assert (actor, entity) == (people.kabid.username, "2026-S1")
    assert (json.loads(old), json.loads(new)) == (text, edited)


def test_a_save_over_a_newer_narrative_is_refused_and_loses_nothing(db):
    people = people_of(db)
    first = {"key_issues": "Versi Kabid", "recommendations": None}
    final.save_draft(db, people.kabid, S1, narrative=first, revision=0, now=NOW)
    stale = {"key_issues": "Versi analis dari layar lama", "recommendations": None}
    with pytest.raises(Conflict) as refused:
        final.save_draft(db, people.analyst, S1, narrative=stale, revision=0, now=NOW)
    assert refused.value.messages[0] == Message(
        "error.report_changed", {"who": people.kabid.full_name, "at": NOW}
    )
    assert final.draft(db.cursor(), S1)["narrative"] == first


def test_two_writers_on_the_same_revision_one_wins_the_other_is_told(db):
    people = people_of(db)
    start, outcomes = threading.Barrier(2), {}

    def write(user, words: str) -> None:
        start.wait()
        try:
            final.save_draft(db, user, S1, narrative={"key_issues": words}, revision=0, now=NOW)
            outcomes[user.username] = "saved"
        except Conflict as conflict:
            outcomes[user.username] = conflict.messages[0].key

    threads = [threading.Thread(target=write, args=(people.analyst, "A")),
               threading.Thread(target=write, args=(people.kabid, "B"))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes.values()) == ["error.report_changed", "saved"]
    winner = next(u for u, o in outcomes.items() if o == "saved")
    saved = final.draft(db.cursor(), S1)
    assert saved["revision"] == 1
    assert saved["narrative"]["key_issues"] == ("A" if winner == people.analyst.username else "B")
    assert len(_audits(db, "report.draft")) == 1


def test_drafts_and_finalised_reports_are_listed_once_each_newest_first(db):
    people = people_of(db)
    assert final.listing(db.cursor()) == []
    final.save_draft(db, people.analyst, MAY, narrative={"key_issues": "Mei"}, revision=0,
                     now=NOW - dt.timedelta(days=30))  # fmt: skip
    final.save_draft(db, people.analyst, S1, narrative={"key_issues": "S1"}, revision=0, now=NOW)
    _checked(db, MAY, now=NOW - dt.timedelta(days=29))
    final.finalise(db, people.asdep, MAY, narrative={"key_issues": "Mei final"}, revision=1,
                   now=NOW + dt.timedelta(days=1))  # fmt: skip
    listed = [(r["period_code"], r["final"], r["who"]) for r in final.listing(db.cursor())]
    assert listed == [("2026-05", True, people.asdep.full_name),
                      ("2026-S1", False, people.analyst.full_name)]  # fmt: skip
    assert final.frozen(db.cursor(), MAY)["narrative"] == {
        "key_issues": "Mei final", "recommendations": None}  # fmt: skip


def test_a_finalised_periods_narrative_can_no_longer_be_drafted(db):
    people = people_of(db)
    final.save_draft(db, people.analyst, MAY, narrative={"key_issues": "Draf"}, revision=0,
                     now=NOW)  # fmt: skip
    _checked(db, MAY)
    final.finalise(db, people.asdep, MAY, narrative={"key_issues": "Draf"}, revision=1, now=NOW)
    with pytest.raises(Conflict) as refused:
        final.save_draft(db, people.kabid, MAY, narrative={"key_issues": "x"}, revision=1,
                         now=NOW)  # fmt: skip
    assert refused.value.messages[0].key == "error.report_final"
    assert final.draft(db.cursor(), MAY)["narrative"] == {"key_issues": "Draf",
                                                          "recommendations": None}  # fmt: skip


def test_narrative_text_is_checked_like_every_other_field(db):
    from dumas.domain.errors import ValidationError

    people = people_of(db)
    with pytest.raises(ValidationError):
        final.save_draft(db, people.analyst, MAY, narrative={"key_issues": "x" * 20_001},
                         revision=0, now=NOW)  # fmt: skip
    assert final.draft(db.cursor(), MAY) is None


def _finalised(db) -> list[tuple]:
    return _audits(db, "report.finalise")


def test_finalising_over_a_newer_narrative_is_refused_with_who_and_when_and_freezes_nothing(db):
    people = people_of(db)
    final.save_draft(db, people.analyst, MAY, narrative={"key_issues": "Versi 1"}, revision=0,
                     now=NOW)  # fmt: skip
    later = NOW + dt.timedelta(minutes=4)  # the Asdep's screen still shows revision 1
    final.save_draft(db, people.kabid, MAY, narrative={"key_issues": "Versi 2"}, revision=1,
                     now=later)  # fmt: skip
    drafts_before = _audits(db, "report.draft")
    with pytest.raises(Conflict) as refused:
        final.finalise(db, people.asdep, MAY, narrative={"key_issues": "Versi 1"}, revision=1,
                       now=later + dt.timedelta(seconds=4))  # fmt: skip
    assert refused.value.messages == [
        Message("error.report_changed_final", {"who": people.kabid.full_name, "at": later})
    ]
    assert final.frozen(db.cursor(), MAY) is None
    assert _finalised(db) == []
    assert _audits(db, "report.draft") == drafts_before
    assert final.draft(db.cursor(), MAY)["narrative"]["key_issues"] == "Versi 2"


def test_finalising_the_revision_the_screen_showed_records_it_in_the_report_and_audit_row(db):
    people = people_of(db)
    text = {"key_issues": "BPN lambat", "recommendations": "Surat kedua"}
    final.save_draft(db, people.analyst, MAY, narrative=text, revision=0, now=NOW)
    _checked(db, MAY)
    final.finalise(db, people.asdep, MAY, narrative=text, revision=1,
                   now=NOW + dt.timedelta(hours=1))  # fmt: skip
    frozen = final.frozen(db.cursor(), MAY)
    assert (frozen["narrative"], frozen["narrative_revision"]) == (text, 1)
    [(actor, _, _, new)] = _finalised(db)
    assert actor == people.asdep.username
    audited = json.loads(new)
    assert dt.datetime.fromisoformat(audited.pop("narrative_saved_at")) == NOW
    assert audited == {
        "period": "2026-05",
        "title": "Laporan Pemantauan Tindak Lanjut Pengaduan Masyarakat, Bulan Mei 2026",
        "narrative_revision": 1,
        "narrative_saved_by": people.analyst.full_name,
    }
    assert len(_audits(db, "report.draft")) == 1  # the text was frozen as saved


def test_text_edited_on_the_finalisers_screen_is_kept_as_the_next_revision_then_frozen(db):
    people = people_of(db)
    final.save_draft(db, people.analyst, MAY, narrative={"key_issues": "Draf"}, revision=0,
                     now=NOW)  # fmt: skip
    _checked(db, MAY)
    at = NOW + dt.timedelta(hours=1)
    edited = {"key_issues": "Draf, disunting Asdep", "recommendations": None}
    final.finalise(db, people.asdep, MAY, narrative=edited, revision=1, now=at)
    saved = final.draft(db.cursor(), MAY)
    assert (saved["narrative"], saved["revision"], saved["saved_by"]) == (
        edited, 2, people.asdep.full_name)  # fmt: skip
    assert final.frozen(db.cursor(), MAY)["narrative_revision"] == 2
    new = json.loads(_finalised(db)[0][3])
    assert (new["narrative_revision"], new["narrative_saved_by"]) == (2, people.asdep.full_name)
    assert json.loads(_audits(db, "report.draft")[-1][3]) == edited


def test_two_asdeps_finalising_the_same_screen_freeze_one_report(db):
    people = people_of(db)
    second = people.asdep  # the same account in two sessions is the harder case
    final.save_draft(db, people.analyst, MAY, narrative={"key_issues": "Draf"}, revision=0,
                     now=NOW)  # fmt: skip
    _checked(db, MAY)
    start, outcomes = threading.Barrier(2), []

    def close(words: str) -> None:
        start.wait()
        try:
            final.finalise(db, second, MAY, narrative={"key_issues": words}, revision=1, now=NOW)
            outcomes.append("final")
        except Conflict as conflict:
            outcomes.append(conflict.messages[0].key)

    threads = [threading.Thread(target=close, args=(w,)) for w in ("A", "B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("final") == 1
    assert len(_finalised(db)) == 1
    frozen = final.frozen(db.cursor(), MAY)
    assert frozen["narrative_revision"] == 2  # the winner's text, kept as revision 2
    assert final.draft(db.cursor(), MAY)["narrative"] == frozen["narrative"]
