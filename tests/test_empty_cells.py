"""Empty values read "–" in every table of every page a role may open, never None or nan;
every table and metric card goes through the helpers in dumas/ui/widgets.py.

A world with gaps: a complaint without contact, an answered letter next to an unanswered one,
an approved monitoring whose steps 4-8 are all still empty, and a draft plan with a row of no
letters (no oldest unanswered letter, no age). Every role opens every page it may use, the
plan and the monitoring opened too; a null cell passes only where the table shows "–" for it.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from streamlit import dataframe_util
from streamlit.testing.v1 import AppTest

from dumas import i18n
from dumas.config import ROOT
from dumas.db import Database
from dumas.domain.permissions import PERMISSIONS, Role
from dumas.queries import plans as pq
from dumas.services import plans
from dumas.ui.navigation import PAGES
from tests.conftest import Factory, prebuilt, signed_in_app
from tests.monitoring_support import approved, people_of

pytestmark = pytest.mark.usefixtures("app_env")  # see conftest.app_env

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
WORDS = {"none", "nan", "nat", "<na>", "null"}


def _world(db: Database) -> dict[str, int | str]:
    """The world with gaps: a complaint without contact whose letter is in an approved
    monitoring (steps 4-8 empty), an answered letter, and a draft plan whose one row has
    no letters."""
    make = Factory(db)
    kemendagri = make.agency("Kementerian Dalam Negeri")
    bpn = make.agency("Kementerian Agraria dan Tata Ruang/Badan Pertanahan Nasional")
    p = people_of(db)
    quiet = make.complaint(complainant_contact=None)
    letters = [make.forward(quiet, kemendagri, dt.date(2026, 6, 1))]
    answered = make.complaint(received_on=dt.date(2026, 2, 2))
    make.forward(answered, bpn, dt.date(2026, 3, 1))
    make.respond(answered, bpn, dt.date(2026, 4, 1))
    monitoring = approved(db, p, letters, direct=True, now=NOW)
    draft = plans.create_plan(
        db, p.analyst, title="Kosong", period="2026-12", source="database",
        bidang="Bidang Uji", now=NOW,
    )  # fmt: skip
    revision = pq.plan(db.cursor(), draft)["revision"]
    plans.save_rows(
        db, p.analyst, draft, revision=revision, deleted=[], updated={}, now=NOW,
        added=[{"agency_id": bpn, "origin_reason": "Program kerja"}],
    )  # fmt: skip
    return {"plan": draft, "monitoring": monitoring, "agenda": "UJI-0001"}


world_prebuilt = prebuilt("empty-cells-world", _world)


@pytest.fixture
def world(world_prebuilt, db_path) -> dict[str, int | str]:
    """The ids of _world: the test's database is a copy of that world."""
    return world_prebuilt[1]


def _shown_as_none(at: AppTest) -> list[tuple[int, str, object]]:
    """(table, column, value) of every cell a reader would see as None, nan or NaT."""
    bad = []
    for number, table in enumerate(at.dataframe):
        frame = table.value
        covered = table.proto.placeholder == i18n.MISSING
        styler = table.proto.arrow_data.styler
        shown = (
            dataframe_util.convert_arrow_bytes_to_pandas_df(styler.display_values)
            if styler.display_values
            else None
        )
        for column in frame.columns:
            for row, value in enumerate(frame[column]):
                text = shown.iat[row, frame.columns.get_loc(column)] if shown is not None else value
                if isinstance(text, str) and text.strip().lower() in WORDS:
                    bad.append((number, str(column), text))
                elif shown is None and not covered and _missing(value):
                    bad.append((number, str(column), value))
    return bad


def _missing(value: object) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and bool(pd.isna(value)))


def _actions(role: Role) -> set:
    return {action for action, roles in PERMISSIONS.items() if role in roles}


@pytest.mark.parametrize("role", list(Role))
def test_no_table_on_any_page_a_role_may_open_shows_none_or_nan(role, world):
    allowed = [p for p in PAGES if any(a in _actions(role) for a in p.actions)]
    visits: list[tuple[str, dict[str, str]]] = [(p.path, {}) for p in allowed]
    paths = {p.path for p in allowed}
    if "pages/complaint.py" in paths:
        visits.append(("pages/complaint.py", {"agenda": world["agenda"]}))
    if "pages/plans.py" in paths:
        visits += [("pages/plans.py", {"plan": str(world["plan"]), "plan_view": v})
                   for v in ("matrix", "letters", "history")]  # fmt: skip
    if "pages/monitorings.py" in paths:
        visits.append(("pages/monitorings.py", {"id": str(world["monitoring"])}))
    at = signed_in_app(role).run()
    found = {}
    for path, query in visits:
        at.query_params.clear()
        for key, value in query.items():
            at.query_params[key] = value
        at.switch_page(path).run()
        assert not at.exception, (role, path, at.exception)
        if bad := _shown_as_none(at):
            found[(path, tuple(query.values()))] = bad
    assert not found


def test_every_table_of_the_app_goes_through_the_helper_that_shows_empty_cells_as_a_dash():
    direct = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in [*(ROOT / "dumas" / "ui").rglob("*.py"), *(ROOT / "pages").glob("*.py")]
        if path.name != "widgets.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "st.dataframe(" in line or "st.data_editor(" in line or ".dataframe(" in line
    ]
    assert not direct, "use widgets.show_table / edit_table: " + ", ".join(direct)


def test_every_metric_card_goes_through_metric_row_which_shortens_wide_figures():
    direct = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in [*(ROOT / "dumas" / "ui").rglob("*.py"), *(ROOT / "pages").glob("*.py")]
        if path.name != "widgets.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ".metric(" in line
    ]
    assert not direct, "use widgets.metric_row with a Figure: " + ", ".join(direct)
