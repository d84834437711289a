"""Demo progress of the approved demo monitorings (SOP steps 4-8), through the services.

The field visit is carried to its report (documents signed, coordination, the trip's
log and results, what was spent, the report's draft); one official-letter monitoring is
carried to its close; the others wait in preparation. Every record is dated by the
demo's timeline (dumas/db/demo/timeline.py). Demo SBM rates for the years of the
schedules and the demo officials' names and NIPs fill the settings so that documents
and cost plans work.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dumas.db import Database
from dumas.db.demo.people import HEAD_OF_FINANCE, PEOPLE
from dumas.db.demo.plans import user
from dumas.db.demo.timeline import Timeline
from dumas.domain import calendar
from dumas.domain.codes import ActivityKind, DocumentKind, MemoOutcome, Method, Result
from dumas.domain.monitoring_flow import MonitoringAction
from dumas.domain.permissions import User
from dumas.queries import monitoring as mq
from dumas.queries import sbm
from dumas.queries import settings as letters
from dumas.services import memo_answer, settings
from dumas.services import monitoring as ms
from dumas.services import monitoring_records as rec


def _rev(db: Database, mid: int) -> int:
    found = mq.detail(db.cursor(), mid)
    assert found is not None, mid  # the demo just created it
    return found["revision"]


def _signed(
    db: Database,
    who: User,
    mid: int,
    kind: str,
    number: str,
    on: dt.date,
    *,
    today: dt.date,
    at: dt.datetime,
) -> None:
    """A document of the monitoring recorded with its number and signing day."""
    document = rec.DocumentRecord(kind, number, signed_on=on)
    rec.record_document(db, who, mid, revision=_rev(db, mid), document=document, today=today,
                        now=at)  # fmt: skip


def _place(db: Database, mid: int) -> tuple[str, str, str]:
    """The monitoring's agency (name, short name) and the name of its locus' province."""
    row = (
        db.cursor()
        .execute(
            """
        SELECT a.name, coalesce(a.short_name, a.name), p.name
          FROM monitoring AS m
          JOIN agency AS a ON a.id = m.agency_id
          LEFT JOIN province AS p ON p.code = m.province_code
         WHERE m.id = $m
        """,
            {"m": mid},
        )
        .fetchall()
    )
    return row[0]


def demo_settings(db: Database, days: Timeline) -> None:
    """The officials (the demo accounts' people) and SBM rates for every year the demo's
    schedules touch, before the plans estimate their costs with them."""
    admin, ppk = user(db, "admin"), user(db, "ppk")
    officials = {
        "asdep": PEOPLE["asdep"],
        "deputi": PEOPLE["deputi"],
        "ppk": PEOPLE["ppk"],
        "kepala_biro_keuangan": HEAD_OF_FINANCE,
    }
    values = {}
    for who, person in officials.items():
        values[f"official.{who}.name"] = person.name
        values[f"official.{who}.nip"] = person.nip
    shown = letters.stored(db.cursor())
    early = days.at(days.back[24], 8)
    settings.save_settings(db, admin, values, now=early,
                           seen={key: shown[key] for key in values})  # fmt: skip
    codes = [
        r[0] for r in db.cursor().execute("SELECT code FROM province ORDER BY code").fetchall()
    ]
    rows = [
        {
            "province_code": code,
            "daily_allowance": 430_000 + 10_000 * (i % 16),
            "lodging_cap": 650_000 + 25_000 * (i % 30),
        }
        for i, code in enumerate(codes)
    ]
    for year in sorted(days.years()):
        settings.save_sbm_rates(db, ppk, year=year, rows=rows, now=early,
                                seen=sbm.rates(db.cursor(), year))  # fmt: skip


def _number(n: int, on: dt.date, *, outgoing: bool = False) -> str:
    """A letter number of the unit: B-n/Kemensetneg/... for letters out, n/... for memos."""
    if outgoing:
        return f"B-{n}/Kemensetneg/D-4/DM.00.00/{on:%m/%Y}"
    return f"{n}/D-4/DM.00.00/{on:%m/%Y}"


def _prepare_visit(db: Database, kabid: User, mid: int, days: Timeline) -> None:
    """Step 4 of the field visit: the scope and the memo, the Deputi's approval the next
    working day, then the Surat Perintah, the travel memo and the planned costs."""
    at = days.at(days.memo, 9)
    rec.save_scope(
        db,
        kabid,
        mid,
        revision=_rev(db, mid),
        now=at,
        values={
            "purpose": "Klarifikasi tindak lanjut surat penerusan yang belum ditanggapi",
            "partner": "Inspektorat dan Biro Hukum",
            "mechanism": "Rapat koordinasi dan klarifikasi",
            "expected_results": "Status tindak lanjut setiap surat jelas",
            "expected_relationship": "Narahubung tetap untuk pengaduan berikutnya",
        },
    )
    today = days.today
    memo = _number(21, days.memo)
    _signed(db, kabid, mid, DocumentKind.MEMO_DEPUTI, memo, days.memo, today=today,
            at=days.at(days.memo, 10))  # fmt: skip
    direction = "Setuju. Utamakan surat yang paling lama belum dijawab."
    deputi, approved = user(db, "deputi"), MemoOutcome.APPROVED
    memo_answer.answer_memo(db, deputi, mid, revision=_rev(db, mid), outcome=approved,
                            note=direction, now=days.at(days.memo_answered, 9))  # fmt: skip
    on = days.memo_answered
    _signed(db, kabid, mid, DocumentKind.SURAT_TUGAS, _number(22, on, outgoing=True), on,
            today=today, at=days.at(on, 13))  # fmt: skip
    _signed(db, kabid, mid, DocumentKind.MEMO_KEUANGAN, _number(23, on), on, today=today,
            at=days.at(on, 14))  # fmt: skip
    at = days.at(on, 15)
    rec.plan_costs_from_sbm(db, kabid, mid, revision=_rev(db, mid), year=days.trip[0].year,
                            now=at)  # fmt: skip
    ms.act(
        db, kabid, mid, revision=_rev(db, mid), action=MonitoringAction.PREPARED, note=None, now=at
    )


def _visit(db: Database, kabid: User, mid: int, days: Timeline) -> None:
    """Steps 5-6 of the field visit: coordination, then the trip's log and results, every
    entry on a day of the trip the Surat Perintah ordered."""
    at = days.at(days.coordinated, 10)
    _, short, province = _place(db, mid)
    today = days.today
    rec.save_coordination(
        db,
        kabid,
        mid,
        revision=_rev(db, mid),
        today=today,
        now=at,
        values={
            "letter_sent_on": at.date(),
            "material_sent_on": at.date(),
            "contact_name": "Kepala Bagian Pengaduan",
            "contact_position": f"Inspektorat {short}",
        },
    )
    ms.act(
        db,
        kabid,
        mid,
        revision=_rev(db, mid),
        action=MonitoringAction.COORDINATED,
        note=None,
        now=at,
    )
    first, second, third = days.trip[:3]
    office = f"Kantor Gubernur {province}"
    log = (
        (ActivityKind.PAPARAN_PERAN, first, office,
         f"Tim pemantauan (3 orang); {short}; Inspektorat Provinsi {province}"),
        (ActivityKind.RAPAT_KOORDINASI, second, f"Ruang rapat {office}",
         f"Tim pemantauan; {short}; perangkat daerah terkait"),
        (ActivityKind.KUNJUNGAN_LOKUS, third, f"Lokasi pengaduan, {province}",
         "Tim pemantauan; pengadu; aparat setempat"),
    )  # fmt: skip
    for kind, day, place, participants in log:
        rec.add_activity(db, kabid, mid, today=today, now=days.at(day, 15),
                         values={"kind": kind, "activity_date": day, "place": place,
                                 "participants": participants})  # fmt: skip
        if kind == ActivityKind.RAPAT_KOORDINASI:  # agreed at the coordination meeting
            rec.add_agreement(db, kabid, mid, item="Instansi menjawab surat yang tersisa",
                              responsible=f"Inspektorat {short}",
                              due_on=calendar.add_working_days(db.cursor(), day, 10),
                              now=days.at(day, 16))  # fmt: skip
    # No agency response is recorded here: the demo's follow-up data stay as generated.
    last = days.trip[-1]
    for n, letter in enumerate(mq.letters(db.cursor(), mid, today).itertuples()):
        rec.record_result(
            db,
            kabid,
            mid,
            forwarding_id=letter.forwarding_id,
            found=rec.ResultInput(
                result=Result.SEBAGIAN if n == 0 else Result.BELUM,
                evidence="Notula rapat koordinasi",
                recommendation="Pantau kesepakatan",
            ),
            today=today,
            now=days.at(last, 14),
        )
    ms.act(
        db,
        kabid,
        mid,
        revision=_rev(db, mid),
        action=MonitoringAction.EXECUTED,
        note=None,
        now=days.at(last, 16),
    )


def _spent(item: str, user_id: int, planned: Decimal) -> int:
    """What a planned line really cost: the allowance as planned, the hotel a little under
    its cap, the flight a little under the estimate (whole thousands of rupiah)."""
    share = {"uang_harian": 1.0, "penginapan": 0.95, "transport": 0.975}[item]
    return int(round(int(planned) * (share - 0.005 * (user_id % 3)), -3))


def _report_visit(db: Database, kabid: User, mid: int, days: Timeline) -> None:
    """Step 7 of the field visit, under way: what was spent, then the report's draft."""
    lines = (
        db.cursor()
        .execute(
            "SELECT item, user_id, planned FROM monitoring_cost WHERE monitoring_id = $m"
            " ORDER BY id",
            {"m": mid},
        )
        .fetchall()
    )
    rows = [
        {"item": item, "user_id": uid, "planned": int(planned),
         "actual": _spent(item, uid, planned)}
        for item, uid, planned in lines
    ]  # fmt: skip
    rec.save_costs(db, kabid, mid, revision=_rev(db, mid), rows=rows,
                   now=days.at(days.costs_spent, 10))  # fmt: skip
    rec.save_report(
        db,
        kabid,
        mid,
        revision=_rev(db, mid),
        now=days.at(days.report_drafted, 15),
        values={
            "introduction": "Pemantauan langsung dilaksanakan berdasarkan Surat Perintah "
            "Asisten Deputi Pengaduan Masyarakat untuk mengklarifikasi surat penerusan "
            "yang belum ditanggapi.",
            "execution": "Tim memaparkan peran Asisten Deputi, mengikuti rapat koordinasi "
            "dengan instansi terkait, dan meninjau lokasi pengaduan.",
            "conclusions": "Sebagian surat telah ditindaklanjuti; sisanya dijanjikan "
            "dijawab sesuai kesepakatan.",
        },
    )


def _close_letter(db: Database, kabid: User, asdep: User, mid: int, days: Timeline) -> None:
    """An official-letter monitoring from preparation to its close: the list of files, the
    material, the Asdep's letter on the first day of its window, a call, the results on
    its last day, the report the next working day and its acceptance the day after."""
    today, (first, last) = days.today, days.letter_window
    agency, short, _ = _place(db, mid)
    at = days.at(days.memo, 11)
    rec.save_scope(
        db,
        kabid,
        mid,
        revision=_rev(db, mid),
        now=at,
        values={"purpose": "Meminta informasi tindak lanjut secara tertulis"},
    )
    files = _number(39, days.memo)  # step 4 of every indirect monitoring
    _signed(db, kabid, mid, DocumentKind.DAFTAR_BERKAS, files, days.memo, today=today, at=at)
    ms.act(db, kabid, mid, revision=_rev(db, mid), action=MonitoringAction.PREPARED, note=None,
           now=at)  # fmt: skip
    at = days.at(days.memo_answered, 11)
    rec.save_coordination(
        db,
        kabid,
        mid,
        revision=_rev(db, mid),
        today=today,
        now=at,
        values={"material_sent_on": at.date(), "contact_name": f"Sekretariat {short}"},
    )
    ms.act(
        db,
        kabid,
        mid,
        revision=_rev(db, mid),
        action=MonitoringAction.COORDINATED,
        note=None,
        now=at,
    )
    letter_no = _number(40, first, outgoing=True)
    _signed(db, kabid, mid, DocumentKind.SURAT_INSTANSI, letter_no, first, today=today,
            at=days.at(first, 10))  # fmt: skip
    call = days.back[12]
    rec.add_activity(db, kabid, mid, today=today, now=days.at(call, 10),
                     values={"kind": ActivityKind.KONTAK_ELEKTRONIK, "activity_date": call,
                             "channel": "Telepon", "participants": f"Sekretariat {short}",
                             "summary": f"Surat Asdep telah diterima {agency}; jawaban "
                                        "sedang disiapkan"})  # fmt: skip
    for letter in mq.letters(db.cursor(), mid, today).itertuples():
        rec.record_result(
            db,
            kabid,
            mid,
            forwarding_id=letter.forwarding_id,
            found=rec.ResultInput(
                result=Result.BELUM,
                evidence="Belum ada jawaban atas surat Asdep",
                recommendation=None,
            ),
            today=today,
            now=days.at(last, 14),
        )
    ms.act(db, kabid, mid, revision=_rev(db, mid), action=MonitoringAction.EXECUTED, note=None,
           now=days.at(last, 15))  # fmt: skip
    reported = days.back[7]
    rec.save_report(
        db,
        kabid,
        mid,
        revision=_rev(db, mid),
        now=days.at(reported, 10),
        values={
            "conclusions": "Instansi belum menanggapi surat resmi",
            "recommendations": "Masukkan ke rencana pemantauan langsung berikutnya",
        },
    )
    report_no = _number(41, reported)
    _signed(db, kabid, mid, DocumentKind.LAPORAN_SUBSTANSI, report_no, reported, today=today,
            at=days.at(reported, 13))  # fmt: skip
    ms.act(db, kabid, mid, revision=_rev(db, mid), action=MonitoringAction.SUBMIT_REPORT,
           note=None, now=days.at(reported, 14))  # fmt: skip
    ms.act(db, asdep, mid, revision=_rev(db, mid), action=MonitoringAction.ACKNOWLEDGE,
           note=None, now=days.at(days.back[6], 10))  # fmt: skip


def progress_demo_monitorings(db: Database, days: Timeline) -> None:
    """Carry the decided demo plan's monitorings forward (demo accounts must exist)."""
    kabid, asdep = user(db, "kabid"), user(db, "asdep")
    rows = db.cursor().execute("SELECT id, method FROM monitoring ORDER BY id").fetchall()
    visits = [mid for mid, method in rows if method == Method.KUNJUNGAN_LAPANGAN]
    letters = [mid for mid, method in rows if method == Method.SURAT_RESMI]
    if visits:
        _prepare_visit(db, kabid, visits[0], days)
        _visit(db, kabid, visits[0], days)
        _report_visit(db, kabid, visits[0], days)
    if letters:
        _close_letter(db, kabid, asdep, letters[0], days)
