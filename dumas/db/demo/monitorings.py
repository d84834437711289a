"""Demo progress of the approved demo monitorings (SOP steps 4-8), through the services.

The field visit is carried to its report (documents signed, coordination, the visit's
log, results); one official-letter monitoring is
carried to its close; the others wait in preparation. Demo SBM rates for the year and
demo officials' names fill the settings so that documents and cost plans work.
"""

from __future__ import annotations

import datetime as dt

from dumas import config
from dumas.db import Database
from dumas.db.demo.plans import user
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


def _moment(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), config.TIMEZONE)


def _demo_settings(db: Database, today: dt.date) -> None:
    """Demo officials (the demo accounts' names) and SBM rates for this year."""
    admin, ppk = user(db, "admin"), user(db, "ppk")
    names = {
        f"official.{who}.name": f"Demo {label}"
        for who, label in (
            ("asdep", "Asdep"),
            ("deputi", "Deputi"),
            ("ppk", "PPK"),
            ("kepala_biro_keuangan", "Kepala Biro Keuangan"),
        )
    }
    shown = letters.stored(db.cursor())
    settings.save_settings(db, admin, names, now=_moment(today, 8),
                           seen={key: shown[key] for key in names})  # fmt: skip
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
    settings.save_sbm_rates(db, ppk, year=today.year, rows=rows, now=_moment(today, 8),
                            seen=sbm.rates(db.cursor(), today.year))  # fmt: skip


def _prepare_visit(db: Database, kabid: User, mid: int, start: dt.date, today: dt.date) -> None:
    """Step 4 of the field visit: scope, the memo and the Deputi's approval, then the other
    two signed documents, planned costs."""
    at = _moment(start, 10)
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
    direct = (DocumentKind.MEMO_DEPUTI, DocumentKind.SURAT_TUGAS, DocumentKind.MEMO_KEUANGAN)
    for n, kind in enumerate(direct, start=21):
        number = (
            f"B-{n}/Kemensetneg/D-4/DM.00.00/{start:%m/%Y}"
            if kind == DocumentKind.SURAT_TUGAS
            else f"{n}/D-4/DM.00.00/{start:%m/%Y}"
        )
        _signed(db, kabid, mid, kind, number, start, today=today, at=at)
        if kind == DocumentKind.MEMO_DEPUTI:  # the Deputi approves it in the app, with a direction
            direction = "Setuju. Utamakan surat yang paling lama belum dijawab."
            deputi, approved = user(db, "deputi"), MemoOutcome.APPROVED
            memo_answer.answer_memo(db, deputi, mid, revision=_rev(db, mid), outcome=approved,
                                    note=direction, now=at)  # fmt: skip
    rec.plan_costs_from_sbm(db, kabid, mid, revision=_rev(db, mid), year=today.year, now=at)
    ms.act(
        db, kabid, mid, revision=_rev(db, mid), action=MonitoringAction.PREPARED, note=None, now=at
    )


def _visit(db: Database, kabid: User, mid: int, start: dt.date, today: dt.date) -> None:
    """Steps 5-6 of the field visit: coordination, the visit, results."""
    at = _moment(start + dt.timedelta(days=1), 10)
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
            "contact_position": "Inspektorat",
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
    visit = calendar.add_working_days(db.cursor(), start, 5)
    for kind in (ActivityKind.PAPARAN_PERAN, ActivityKind.RAPAT_KOORDINASI):
        rec.add_activity(
            db,
            kabid,
            mid,
            today=today,
            now=_moment(visit, 15),
            values={
                "kind": kind,
                "activity_date": visit,
                "place": "Kantor instansi",
                "participants": "Tim pemantauan; Inspektorat; Biro Hukum",
            },
        )
    rec.add_agreement(
        db,
        kabid,
        mid,
        item="Instansi menjawab surat yang tersisa",
        responsible="Inspektorat",
        due_on=visit + dt.timedelta(days=21),
        now=_moment(visit, 16),
    )
    # No agency response is recorded here: the demo's follow-up data stay as generated.
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
            now=_moment(visit, 17),
        )
    ms.act(
        db,
        kabid,
        mid,
        revision=_rev(db, mid),
        action=MonitoringAction.EXECUTED,
        note=None,
        now=_moment(visit, 17),
    )


def _close_letter(
    db: Database, kabid: User, asdep: User, mid: int, start: dt.date, today: dt.date
) -> None:
    """An official-letter monitoring from preparation to its close."""
    at = _moment(start, 11)
    rec.save_scope(
        db,
        kabid,
        mid,
        revision=_rev(db, mid),
        now=at,
        values={"purpose": "Meminta informasi tindak lanjut secara tertulis"},
    )
    files = f"39/D-4/DM.00.00/{start:%m/%Y}"  # step 4 of every indirect monitoring
    _signed(db, kabid, mid, DocumentKind.DAFTAR_BERKAS, files, start, today=today, at=at)
    ms.act(db, kabid, mid, revision=_rev(db, mid), action=MonitoringAction.PREPARED, note=None,
           now=at)  # fmt: skip
    rec.save_coordination(
        db,
        kabid,
        mid,
        revision=_rev(db, mid),
        today=today,
        now=at,
        values={"material_sent_on": start, "contact_name": "Sekretariat"},
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
    letter_no = f"B-40/Kemensetneg/D-4/DM.00.00/{start:%m/%Y}"
    _signed(db, kabid, mid, DocumentKind.SURAT_INSTANSI, letter_no, start, today=today, at=at)
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
            now=at,
        )
    ms.act(
        db, kabid, mid, revision=_rev(db, mid), action=MonitoringAction.EXECUTED, note=None, now=at
    )
    rec.save_report(
        db,
        kabid,
        mid,
        revision=_rev(db, mid),
        now=at,
        values={
            "conclusions": "Instansi belum menanggapi surat resmi",
            "recommendations": "Masukkan ke rencana pemantauan langsung berikutnya",
        },
    )
    ms.act(
        db,
        kabid,
        mid,
        revision=_rev(db, mid),
        action=MonitoringAction.SUBMIT_REPORT,
        note=None,
        now=at,
    )
    ms.act(
        db,
        asdep,
        mid,
        revision=_rev(db, mid),
        action=MonitoringAction.ACKNOWLEDGE,
        note=None,
        now=at + dt.timedelta(hours=2),
    )


def progress_demo_monitorings(db: Database, today: dt.date) -> None:
    """Carry the decided demo plan's monitorings forward (demo accounts must exist)."""
    _demo_settings(db, today)
    kabid, asdep = user(db, "kabid"), user(db, "asdep")
    rows = db.cursor().execute("SELECT id, method FROM monitoring ORDER BY id").fetchall()
    start = calendar.add_working_days(db.cursor(), today - dt.timedelta(days=27), 1)
    visits = [mid for mid, method in rows if method == Method.KUNJUNGAN_LAPANGAN]
    letters = [mid for mid, method in rows if method == Method.SURAT_RESMI]
    if visits:
        _prepare_visit(db, kabid, visits[0], start, today)
        _visit(db, kabid, visits[0], start, today)
    if letters:
        _close_letter(db, kabid, asdep, letters[0], start, today)
