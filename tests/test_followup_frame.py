"""Tindak Lanjut draws its frame first: the title, the sidebar filters and the view switch
leave the server before the first dashboard query runs, then the figures follow.

The order is the order of the messages the script sends (what the browser receives, in
time), not the order of the elements on the page: the KPI cards take their place above
the view switch, but are filled after it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from streamlit.runtime.forward_msg_queue import ForwardMsgQueue

from dumas.domain.permissions import Role
from dumas.ui import data
from tests.conftest import signed_in_app

pytestmark = pytest.mark.usefixtures("app_env")  # see conftest.app_env

QUERY = "<query>"  # marks a dashboard query among the elements sent
FRAME = {
    "heading",  # the title
    "date_input",  # the period filter
    "multiselect",  # the list filters
    "text_input",  # the search filter
    "button_group:view",  # the view switch
}


@pytest.fixture
def sent(monkeypatch, db, make, kemendagri) -> list[str]:
    """The element types the app sends, in order, with QUERY where a dashboard query ran."""
    complaint = make.complaint(summary="Sengketa tanah")
    make.forward(complaint, kemendagri, dt.date(2026, 6, 1))
    db.close()
    order: list[str] = []
    enqueue, query = ForwardMsgQueue.enqueue, data.followup_query

    def record(queue, msg):
        if msg.WhichOneof("type") == "delta":
            element = msg.delta.new_element
            kind = element.WhichOneof("type") or ""
            key = getattr(element, kind).id.rsplit("-", 1)[-1] if kind == "button_group" else ""
            order.append(f"{kind}:{key}" if key else kind)
        enqueue(queue, msg)

    def spy(*args, **kwargs):
        order.append(QUERY)
        return query(*args, **kwargs)

    monkeypatch.setattr(ForwardMsgQueue, "enqueue", record)
    monkeypatch.setattr(data, "followup_query", spy)
    return order


@pytest.mark.parametrize("role", list(Role))
def test_the_dashboard_sends_title_filters_and_view_switch_before_its_first_query(role, sent):
    at = signed_in_app(role).run()
    assert not at.exception
    assert QUERY in sent, "the dashboard ran no query"
    before = set(sent[: sent.index(QUERY)])
    assert not FRAME - before, f"sent after the first query: {FRAME - before}"
    assert "metric" not in before and "dataframe" not in before  # no figure before the frame
    assert at.title[0].value == "Tindak Lanjut Pengaduan"
    assert len(at.metric) >= 10  # the KPI cards are all there in the end


def test_on_the_page_the_kpi_cards_still_stand_between_the_title_and_the_view_switch(sent):
    at = signed_in_app(Role.ANALIS).run()
    labels = [getattr(node, "label", None) or getattr(node, "value", None) for node in at.main]
    place = {label: n for n, label in enumerate(labels) if isinstance(label, str)}
    assert place["Tindak Lanjut Pengaduan"] < place["Belum ditanggapi"] < place["Tampilan"]
