"""The sections of the "Standar Biaya (SBM)" page: the year, the rates per province in an
editable table (saved on a button), a copy of last year's rates, and the xlsx export.

The table's base is the year's stored rates, or last year's after "copy"; its key carries a
round number that moves on every copy and save, so the editor starts again from the base.
"""

from __future__ import annotations

from decimal import Decimal

import pandas as pd
import streamlit as st

from dumas import i18n
from dumas.domain.errors import DomainError
from dumas.queries import sbm
from dumas.render import followup_table
from dumas.services import settings as service
from dumas.ui import data
from dumas.ui.actions import FLASH, perform
from dumas.ui.state import get_db, lang, show_error, t, today
from dumas.ui.widgets import edit_table, generated_text, xlsx_button

__all__ = ["SBM_COLUMNS", "editor", "editor_key", "export", "save", "stored", "year"]

# Column -> catalogue id of its header, in screen and Excel order.
SBM_COLUMNS = {
    "province_code": "sbm.col.code",
    "province": "sbm.col.province",
    "daily_allowance": "field.daily_allowance",
    "lodging_cap": "field.lodging_cap",
}
MONEY = ("daily_allowance", "lodging_cap")
FIRST_YEAR, LAST_YEAR = 2000, 2040  # the years save_sbm_rates accepts

Rates = dict[str, tuple[Decimal, Decimal]]  # province code -> (daily allowance, lodging cap)


# Read only here: a year's rates, one row per province that has them.
def year() -> int:
    """The budget year shown (this year unless chosen)."""
    this = min(max(today().year, FIRST_YEAR), LAST_YEAR)
    chosen = st.number_input(
        t("field.year"), min_value=FIRST_YEAR, max_value=LAST_YEAR, value=this, step=1,
        key="sbm_year", width=160,
    )  # fmt: skip
    return int(chosen)


def stored(chosen: int) -> Rates:
    """The stored rates of one year."""
    with get_db().reading() as cur:
        return sbm.rates(cur, chosen)


def _table(rates: Rates) -> pd.DataFrame:
    """The 38 provinces in reference order with their rates (empty where none)."""
    provinces = data.options("province")
    codes = [str(code) for code in provinces]
    amounts = {name: [] for name in MONEY}
    for code in codes:
        pair = rates.get(code, (None, None))
        for name, amount in zip(MONEY, pair, strict=True):
            amounts[name].append(float("nan") if amount is None else float(amount))
    return pd.DataFrame({"province_code": codes, "province": list(provinces.values()), **amounts})


def _round() -> int:
    return int(st.session_state.get("sbm_round", 0))


def _copied_key(chosen: int) -> str:
    return f"sbm_copied_{chosen}"


def editor_key(chosen: int) -> str:
    """The table editor's key for this year and round."""
    return f"sbm_editor_{chosen}_{_round()}"


def _copy(chosen: int) -> None:
    """Last year's rates become this year's editing base (saved only on "save")."""
    previous = stored(chosen - 1)
    if not previous:
        st.warning(t("sbm.nothing_to_copy", year=chosen - 1), icon=":material/warning:")
        return
    st.session_state[_copied_key(chosen)] = previous
    st.session_state["sbm_round"] = _round() + 1  # a fresh editor over the copied base


def editor(chosen: int, rates: Rates) -> pd.DataFrame:
    """The rates table to edit; returns the table it was drawn from (the edits stay in the
    editor's session state until saved)."""
    if st.button(t("sbm.copy", year=chosen - 1), key="sbm_copy", icon=":material/content_copy:"):
        _copy(chosen)
    copied = st.session_state.get(_copied_key(chosen))
    if copied:
        st.info(t("sbm.copied", year=chosen - 1), icon=":material/content_copy:")
    money = {"min_value": 0, "step": 1, "format": "localized"}
    config_ = {
        "province_code": st.column_config.TextColumn(t("sbm.col.code"), width="small"),
        "province": st.column_config.TextColumn(t("sbm.col.province")),
        **{name: st.column_config.NumberColumn(t(f"field.{name}"), **money) for name in MONEY},
    }
    drawn = _table(copied or rates)
    edit_table(
        drawn, key=editor_key(chosen), hide_index=True, num_rows="fixed",
        disabled=["province_code", "province"], column_config=config_, width="stretch",
    )  # fmt: skip
    return drawn


def _amount(value: object) -> object:
    return None if value is None or pd.isna(value) else value


def _located(error: DomainError, places: list[str]) -> DomainError:
    """The refusal with each row number of the filled rows told as the table's row and
    province; repeated messages shown once."""
    messages = []
    for message in error.messages:
        row = message.params.get("row")
        if isinstance(row, int) and 1 <= row <= len(places):
            params = {**message.params, "row": places[row - 1]}
            message = type(message)(message.key, params, message.field)
        if message not in messages:
            messages.append(message)
    return type(error)(*messages)


def save(chosen: int, rates: Rates, drawn: pd.DataFrame) -> None:
    """Store the filled rows as this year's rates (replacing the year's stored ones), in a
    callback carrying the table as this screen drew it and the year's rates it showed: a
    year someone else saved meanwhile is refused with who and when, the edits kept."""
    st.caption(t("sbm.filled_only"))
    if error := st.session_state.pop(_ERROR, None):
        show_error(error)
    base = drawn.to_dict("records")
    st.button(t("sbm.save"), key="sbm_save", type="primary", icon=":material/save:",
              on_click=_save, args=(chosen, editor_key(chosen), base, rates))  # fmt: skip


_ERROR = "sbm_error"


def _save(chosen: int, key: str, base: list[dict], seen: Rates) -> None:
    """Callback: the drawn table with the editor's changes, sent with the rates it showed."""
    table = [dict(row) for row in base]
    for position, changes in ((st.session_state.get(key) or {}).get("edited_rows") or {}).items():
        table[int(position)].update(changes)
    rows, places = [], []
    for position, row in enumerate(table, start=1):
        amounts = {name: _amount(row.get(name)) for name in MONEY}
        if all(value is None for value in amounts.values()):
            continue
        rows.append({"province_code": row["province_code"], **amounts})
        places.append(f"{position} ({row['province']})")
    try:
        count = perform(service.save_sbm_rates, year=chosen, rows=rows, seen=seen)
    except DomainError as error:
        st.session_state[_ERROR] = _located(error, places)
        return
    st.session_state.pop(_copied_key(chosen), None)
    st.session_state["sbm_round"] = _round() + 1  # the editor starts again from what is stored
    st.session_state[FLASH] = t("sbm.saved", year=chosen, n=count)


def export(chosen: int, rates: Rates) -> None:
    """The year's stored rates as .xlsx."""
    if not rates:
        st.caption(t("sbm.none_stored", year=chosen))
        return
    frame = _table(rates).dropna(subset=list(MONEY), how="all")
    frame = frame.astype({name: "Int64" for name in MONEY})  # whole rupiah
    language, generated = lang(), generated_text()
    title, note = i18n.t("sbm.export_title", lang(), year=chosen), t("sbm.export_note")
    xlsx_button(
        lambda: followup_table.workbook(
            frame, SBM_COLUMNS, lang=language, title=title, filters_text=note,
            generated=generated,
        ),
        filename=f"sbm-{chosen}.xlsx",
        key="sbm_xlsx",
    )  # fmt: skip
