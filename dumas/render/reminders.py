"""The files of a batch of reminder letters (surat konfirmasi, issue 20), pure: one .docx
per agency, one combined .docx to print (each letter from a new page), the list as .xlsx,
and a .zip of them all. `reminder_documents` gives the per-agency bytes by agency, so that
another channel (e-mail) can attach them.

The letters are in Indonesian whatever the interface language; the list's headings follow
the user's language.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence

import pandas as pd

from dumas import i18n
from dumas.domain.reminders import LeftOutLetter, ReminderLetter
from dumas.render import xlsx
from dumas.render.documents.inputs import DocumentSettings
from dumas.render.documents.reminder_letter import Rendered, number_and_date, reminder_letters

COMBINED = "surat-konfirmasi-semua.docx"
LIST = "daftar-surat-konfirmasi.xlsx"
ZIP = "surat-konfirmasi.zip"
ZIP_NUMBERED = "surat-konfirmasi-bernomor.zip"  # the letters once their numbers are recorded
LIST_COLUMNS = {
    "agency": "col.agency",
    "kind": "reminders.col.kind",
    "reminder_no": "reminders.col.reminder_no",
    "reminder_date": "reminders.col.reminder_date",
    "agenda_no": "col.agenda_no",
    "letter_no": "reminders.col.forwarding_no",
    "letter_date": "col.letter_date",
    "subject": "reminders.col.subject",
    "age_wd": "col.age_wd",
    "first_reminder_no": "reminders.col.first_reminder_no",
    "first_reminder_on": "reminders.col.first_reminder_on",
}
LEFT_OUT_COLUMNS = {
    "agenda_no": "col.agenda_no",
    "letter_no": "reminders.col.forwarding_no",
    "letter_date": "col.letter_date",
    "agency": "col.agency",
    "reason": "reminders.col.reason",
    "last_reminder_on": "reminders.col.last_reminder_on",
}


def per_agency(letters: Sequence[ReminderLetter]) -> dict[int, list[ReminderLetter]]:
    """The letters by agency (an agency may have a konfirmasi I and a II), in their order."""
    grouped: dict[int, list[ReminderLetter]] = {}
    for letter in letters:
        grouped.setdefault(letter.agency_id, []).append(letter)
    return grouped


def reminder_documents(
    settings: DocumentSettings, letters: Sequence[ReminderLetter], on: dt.date
) -> dict[int, bytes]:
    """One .docx per agency (agency id -> bytes) holding that agency's letters."""
    return _documents(Rendered(settings, letters, on), letters)


def _documents(rendered: Rendered, letters: Sequence[ReminderLetter]) -> dict[int, bytes]:
    positions: dict[int, list[int]] = {}
    for i, letter in enumerate(letters):
        positions.setdefault(letter.agency_id, []).append(i)
    return {agency: rendered.package(own) for agency, own in positions.items()}


def combined_document(
    settings: DocumentSettings, letters: Sequence[ReminderLetter], on: dt.date
) -> bytes:
    """Every letter in one .docx to print, each from a new page."""
    return reminder_letters(settings, letters, on)


def file_names(letters: Sequence[ReminderLetter]) -> dict[int, str]:
    """agency id -> the name of its file: "konfirmasi-<agency>.docx", distinct."""
    names: dict[int, str] = {}
    taken: set[str] = set()
    for agency, own in per_agency(letters).items():
        stem = f"konfirmasi-{_slug(own[0].agency)}"
        name, n = f"{stem}.docx", 1
        while name in taken:
            n += 1
            name = f"{stem}-{n}.docx"
        taken.add(name)
        names[agency] = name
    return names


def bundle(
    settings: DocumentSettings,
    letters: Sequence[ReminderLetter],
    on: dt.date,
    letter_list: bytes,
) -> bytes:
    """A .zip of the per-agency files, the combined file and the list."""
    buffer = io.BytesIO()
    names = file_names(letters)
    rendered = Rendered(settings, letters, on)  # each letter written once for both
    # Stored, not deflated again: a .docx and an .xlsx are zip files already.
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for agency, data in _documents(rendered, letters).items():
            archive.writestr(names[agency], data)
        archive.writestr(COMBINED, rendered.package(range(len(letters))))
        archive.writestr(LIST, letter_list)
    return buffer.getvalue()


def list_workbook(
    settings: DocumentSettings,
    letters: Sequence[ReminderLetter],
    left_out: Sequence[LeftOutLetter],
    on: dt.date,
    *,
    lang: str,
    title: str,
    generated: str,
) -> bytes:
    """The letters reminded of, one row each with its reminder's number (a draft's "...")
    and date; the letters left out, with why, on a second sheet when there are any."""
    rows = []
    for letter in letters:
        number, dated = number_and_date(settings, letter, on)
        kind = i18n.t(f"reminder.{letter.kind}", lang)
        for x in letter.letters:
            rows.append(
                {
                    "agency": letter.agency,
                    "kind": kind,
                    "reminder_no": number,
                    "reminder_date": dated,
                    "agenda_no": x.agenda_no,
                    "letter_no": x.letter_no,
                    "letter_date": x.letter_date,
                    "subject": x.subject,
                    "age_wd": x.age_wd,
                    "first_reminder_no": x.first_reminder_no,
                    "first_reminder_on": x.first_reminder_on,
                }
            )
    sheets = [_sheet(rows, LIST_COLUMNS, title, i18n.t("reminders.sheet_letters", lang), lang)]
    if left_out:
        gone = [
            {
                "agenda_no": x.agenda_no,
                "letter_no": x.letter_no,
                "letter_date": x.letter_date,
                "agency": x.agency,
                "reason": i18n.t(f"reminders.left_out.{x.reason}", lang),
                "last_reminder_on": x.last_reminder_on,
            }
            for x in left_out
        ]
        sheets.append(
            _sheet(
                gone,
                LEFT_OUT_COLUMNS,
                i18n.t("reminders.sheet_left_out_title", lang),
                i18n.t("reminders.sheet_left_out", lang),
                lang,
            )
        )
    return xlsx.to_xlsx_sheets(sheets, filters="", generated=generated)


def _sheet(
    rows: list[dict], columns: dict[str, str], title: str, name: str, lang: str
) -> xlsx.Sheet:
    frame = pd.DataFrame(rows, columns=list(columns))
    if "age_wd" in frame:
        frame["age_wd"] = frame["age_wd"].astype("Int64")
    labels = {column: i18n.t(key, lang) for column, key in columns.items()}
    return xlsx.Sheet(frame, title, name, labels)


def _slug(name: str) -> str:
    """An agency's name as a file name: ASCII letters and digits joined by hyphens."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:60].rstrip("-") or "instansi"


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def agency_mail(
    settings: DocumentSettings, letter: ReminderLetter
) -> tuple[str, str, list[tuple[str, bytes, str]]]:
    """A recorded letter as the e-mail that carries it to its agency: subject, body and the
    letter's .docx (the same file as the download), in Indonesian as the letter is."""
    if not letter.letter_no or letter.letter_date is None:
        raise ValueError("only a recorded letter, with its number and date, is e-mailed")
    kind = i18n.t(f"reminder.{letter.kind}", "id")
    number, on = letter.letter_no, i18n.fmt_date(letter.letter_date, "id")
    name = file_names([letter])[letter.agency_id]
    data = reminder_documents(settings, [letter], letter.letter_date)[letter.agency_id]
    subject = i18n.t("reminders.mail_subject", "id", kind=kind, number=number, date=on)
    body = i18n.t(
        "reminders.mail_body",
        "id",
        head=letter.agency_head or letter.agency,
        agency=letter.agency,
        kind=kind[:1].lower() + kind[1:],
        number=number,
        date=on,
        count=i18n.fmt_int(len(letter.letters), "id"),
        file=name,
    )
    return subject, body, [(name, data, DOCX)]
