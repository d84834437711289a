"""The sections of the "Pengaturan Naskah" page: the settings form, the letter-number
preview and a sample document built with the stored settings."""

from __future__ import annotations

import dataclasses
import datetime as dt

import streamlit as st

from dumas.domain.codes import DocumentKind, Level, Method
from dumas.domain.errors import Conflict, DomainError
from dumas.queries import settings
from dumas.render.documents import BUILDERS, letter_number
from dumas.render.documents.inputs import DocumentSettings, MonitoringDocument
from dumas.services import settings as service
from dumas.services.common import MAX_TEXT
from dumas.ui.actions import FLASH, perform
from dumas.ui.state import get_db, show_error, t, today

__all__ = ["form", "preview", "sample", "stored"]

_KOP = ("font_name", "font_size")
_NUMBER = ("agency_code", "unit_code", "archive_code", "city")
_PARTS = ("title", "name", "nip")
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The sample is a document, always in Indonesian whatever the interface language.
_SAMPLE = MonitoringDocument(
    level=Level.KABID,
    method=Method.KUNJUNGAN_LAPANGAN,
    agency="Kementerian Dalam Negeri",
    agency_city="Jakarta",
    province="DKI Jakarta",
    plan_title="Rencana Pemantauan",
    team=[{"name": "Nama Ketua Tim", "is_lead": True}, {"name": "Nama Anggota Tim"}],
    documents={},
)


def stored() -> dict[str, str]:
    """Every setting as stored (the default where none is stored)."""
    with get_db().reading() as cur:
        return settings.stored(cur)


def _key(name: str) -> str:
    return f"setting_{name}"


def _text(values: dict[str, str], name: str, label: str, **kwargs: object) -> str:
    """A text field prefilled with the stored value; its help names the default."""
    default = settings.DEFAULTS[name] or t("settings.no_default")
    return st.text_input(
        label, value=values[name], key=_key(name), help=t("settings.default", value=default),
        **kwargs,
    )  # fmt: skip


def _letterhead_help() -> str:
    default = " / ".join(settings.DEFAULTS["letterhead"].splitlines())
    return f"{t('settings.letterhead_help')} {t('settings.default', value=default)}"


def _kop(values: dict[str, str]) -> dict[str, str]:
    st.subheader(t("settings.group_kop"))
    chosen = {
        "letterhead": st.text_area(
            t("settings.letterhead"), value=values["letterhead"], key=_key("letterhead"),
            height=110, max_chars=MAX_TEXT, help=_letterhead_help(),
        )
    }  # fmt: skip
    for column, name in zip(st.columns(2), _KOP, strict=True):
        with column:
            chosen[name] = _text(values, name, t(f"settings.{name}"), max_chars=60)
    return chosen


def _number(values: dict[str, str]) -> dict[str, str]:
    st.subheader(t("settings.group_number"))
    codes = settings.SECURITY_CODES
    current = values["security_code"]
    chosen = {
        "security_code": st.selectbox(
            t("settings.security_code"), codes, index=codes.index(current) if current in codes
            else 0, format_func=lambda code: t(f"security.{code}"), key=_key("security_code"),
        )
    }  # fmt: skip
    for column, name in zip(st.columns(len(_NUMBER)), _NUMBER, strict=True):
        with column:
            chosen[name] = _text(values, name, t(f"settings.{name}"), max_chars=60)
    return chosen


def _officials(values: dict[str, str]) -> dict[str, str]:
    st.subheader(t("settings.group_officials"))
    chosen: dict[str, str] = {}
    for who in settings.OFFICIALS:
        st.markdown(f"**{t(f'official.{who}')}**")
        for column, part in zip(st.columns([3, 3, 2]), _PARTS, strict=True):
            with column:
                name = f"official.{who}.{part}"
                chosen[name] = _text(values, name, t(f"settings.official_{part}"), max_chars=200)
    return chosen


_STANDARDS = ("office_opens", "office_closes", "deputi_minutes", "agency_reply_days",
              "reminder_gap_days")  # fmt: skip


def _standards(values: dict[str, str]) -> dict[str, str]:
    """The unit's own time standards (not the SOP's): office hours, the Deputi's minutes,
    the reply deadline written in the letter to an agency."""
    st.subheader(t("settings.group_standards"))
    st.caption(t("settings.standards_caption"))
    chosen: dict[str, str] = {}
    for column, name in zip(st.columns(len(_STANDARDS)), _STANDARDS, strict=True):
        with column:
            chosen[name] = _text(values, name, t(f"settings.{name}"), max_chars=5)
    return chosen


def _basis(values: dict[str, str]) -> dict[str, str]:
    """The legal basis the Surat Perintah, the substance report and the periodic report
    cite, one item per line."""
    st.subheader(t("settings.group_basis"))
    return {
        "legal_basis": st.text_area(
            t("settings.legal_basis"), value=values["legal_basis"], key=_key("legal_basis"),
            height=200, max_chars=MAX_TEXT, help=t("settings.legal_basis_help"),
        )
    }  # fmt: skip


def _report_route(values: dict[str, str]) -> dict[str, str]:
    """The periodic report's addressee, forwarding official and due working day."""
    st.subheader(t("settings.group_report"))
    who, officials = "report.forwarding_official", settings.OFFICIALS
    left, middle, right = st.columns([3, 2, 2])
    with left:
        addressee = _text(values, "report.addressee", t("settings.report.addressee"),
                          max_chars=200)  # fmt: skip
    with middle:
        chosen = st.selectbox(
            t(f"settings.{who}"), officials, key=_key(who),
            index=officials.index(values[who]) if values[who] in officials else 0,
            format_func=lambda code: t(f"official.{code}"),
        )  # fmt: skip
    with right:
        day = _text(values, "report.due_working_day", t("settings.report.due_working_day"),
                    max_chars=2)  # fmt: skip
    return {"report.addressee": addressee, who: chosen, "report.due_working_day": day}


_ERROR, _NOTE = "settings_error", "settings_note"


def form(values: dict[str, str]) -> None:
    """Every setting, grouped as the documents use them; saved together on one button, in
    a callback carrying the values this screen showed, so a setting someone else changed
    meanwhile is refused with who and when instead of being overwritten unseen."""
    if note := st.session_state.pop(_NOTE, None):
        st.info(note, icon=":material/info:")
    if error := st.session_state.pop(_ERROR, None):
        show_error(error)
    with st.form("settings_form"):
        names = [*_kop(values), *_number(values), *_officials(values), *_standards(values),
                 *_basis(values)]  # fmt: skip
        names += [*_report_route(values)]
        st.caption(t("settings.empty_is_default"))
        shown = {name: values[name] for name in names}
        st.form_submit_button(t("settings.save"), key="settings_save", type="primary",
                              on_click=_save, args=(shown,))  # fmt: skip


def _save(shown: dict[str, str]) -> None:
    """Callback: store what differs from the values the screen showed."""
    state = st.session_state
    chosen = {name: state.get(_key(name)) or "" for name in shown}
    changed = {name: value for name, value in chosen.items() if value != shown[name]}
    if not changed:
        st.session_state[_NOTE] = t("settings.unchanged")
        return
    seen = {name: shown[name] for name in changed}
    try:
        perform(service.save_settings, changed, seen=seen)
    except Conflict as conflict:
        state[_ERROR] = conflict
        latest = stored()
        for name in changed:
            if latest[name] != seen[name]:
                state.pop(_key(name), None)  # drawn again with the colleague's value
        return
    except DomainError as error:
        state[_ERROR] = error
        return
    for name in changed:
        state.pop(_key(name), None)  # drawn again from what was stored
    st.session_state[FLASH] = t("settings.saved", n=len(changed))


def _for_documents() -> DocumentSettings:
    with get_db().reading() as cur:
        return settings.for_documents(cur)


def preview() -> DocumentSettings:
    """The numbers a draft made today gets; returns the settings the documents use."""
    shaped = _for_documents()
    st.subheader(t("settings.preview"))
    on = today()
    external, memo = st.columns(2)
    for column, kind, label in (
        (external, DocumentKind.SURAT_INSTANSI, "settings.preview_external"),
        (memo, DocumentKind.MEMO_DEPUTI, "settings.preview_memo"),
    ):
        with column:
            st.markdown(t(label))
            st.code(letter_number(shaped, kind, on), language=None)
    st.caption(t("settings.preview_caption"))
    return shaped


def sample(shaped: DocumentSettings) -> None:
    """An assignment letter built with the stored kop, font and officials, as .docx."""
    on = today()
    monitoring = dataclasses.replace(
        _SAMPLE,
        schedule_from=on + dt.timedelta(days=7),
        schedule_to=on + dt.timedelta(days=9),
        approved_on=on,
    )
    st.download_button(
        t("settings.sample"),
        data=lambda: BUILDERS[DocumentKind.SURAT_TUGAS](shaped, monitoring, on),
        file_name="contoh-surat-perintah.docx",
        mime=DOCX_MIME,
        icon=":material/description:",
        key="settings_sample",
        on_click="ignore",
    )
    st.caption(t("settings.sample_caption"))
