"""User text shown as typed: plain() itself, t() around it, and a scan of the code that
nothing else reaches a Markdown-rendering element (docs/user-text.md)."""

from __future__ import annotations

import pytest

from dumas.periodic.table import ReportTable
from dumas.render import charts
from dumas.ui.escape import WORD_JOINER, Markdown, plain
from tests.markdown_scan import unsafe_texts

# What Streamlit 1.67 makes of these when they reach Markdown unescaped (measured in
# Chromium): bold, colour, an image fetched, a link, maths, an emoji, an icon, a logo,
# autolinks, typographic arrows, list and heading markers, HTML.
HOSTILE = [
    "**b**",
    ":red[x]",
    "![](http://127.0.0.1:9/beacon)",
    "[x](javascript:alert(1))",
    "<img src=x onerror=alert(1)>",
    r"$\href{http://127.0.0.1:9/k}{x}$",
    "http://127.0.0.1:9/auto",
    "www.example.com",
    "budi@setneg.go.id",
    ":smile: :+1:",
    ":material/home: :material_home: :streamlit:",
    "a -> b -- c >= d <- e <-> f ~= g <= h",
    r"a \ b \\ c \* d",
    "# heading",
    "1. item",
    "- item",
    "> quote",
    "| a | b |",
    "_em_ ~~del~~ `code`",
    "&amp; &#65;",
]


def _unescaped(markdown: str) -> str:
    """The text CommonMark reads from escapes alone (what the user sees, joiners aside)."""
    out, chars = [], iter(markdown)
    for ch in chars:
        out.append(next(chars) if ch == "\\" else ch)
    return "".join(out).replace(WORD_JOINER, "")


def _bare_punctuation(markdown: str) -> list[str]:
    """ASCII punctuation not escaped by a backslash (the blank-line &nbsp; aside)."""
    bare, chars = [], iter(markdown.replace("&nbsp;", ""))
    for ch in chars:
        if ch == "\\":
            next(chars)
        elif ch.isascii() and not ch.isalnum() and not ch.isspace():
            bare.append(ch)
    return bare


@pytest.mark.parametrize("text", HOSTILE)
def test_plain_escapes_every_punctuation_mark_and_reads_back_as_typed(text):
    shown = plain(text)
    assert isinstance(shown, Markdown)
    assert _bare_punctuation(shown) == []
    assert _unescaped(shown) == text


def test_plain_breaks_the_patterns_streamlit_matches_after_escapes_are_resolved():
    text = "see http://x.id www.x.id a@b.id :smile: :streamlit: a -> b"
    shown = _unescaped(plain(text).replace(WORD_JOINER, "|"))
    assert shown == "see http:|//x.id www|.x.id a@|b.id :|smile: :|streamlit: a -|> b"
    assert WORD_JOINER not in plain("10:30 x--y a->b 1:2")  # joined only where it would match


def test_plain_keeps_line_breaks_inside_one_paragraph_and_one_space_between_words():
    assert plain("a\n\n  b\tc  \r\nd\n") == "a  \n&nbsp;  \nb c  \nd"
    assert plain("") == "" and plain("\n \n") == ""


def test_plain_leaves_markdown_that_is_already_safe_alone():
    once = plain("**b**")
    assert plain(once) is once
    assert plain(3) == "3" and plain(1.5) == "1\\.5"


def test_t_shows_the_values_it_formats_literally_and_keeps_its_own_markdown(app_env):
    from dumas.ui.state import t

    shown = t("complaint.not_found", agenda="[Sesi berakhir](http://x)")
    assert isinstance(shown, Markdown)
    assert "\\[Sesi berakhir\\]\\(http\\:" in shown
    assert t("plans.candidates", n="1.234").startswith("**1\\.234** surat")
    nested = t("plans.done", action=t("plan_event.submit"))
    assert "\\" not in nested


def test_a_chart_shows_an_agency_name_literally_not_as_plotly_html():
    columns = [{"name": "agency", "label": "Instansi <b>", "kind": "text"},
               {"name": "current", "label": "Periode ini", "kind": "int"}]  # fmt: skip
    rows = [{"agency": '<a href="http://x">Dinas & Co</a>', "current": 3}]
    chart = {"type": "bar", "category": "agency", "values": ["current"]}
    table = {"key": "agencies", "title": "T", "columns": columns, "rows": rows, "chart": chart}
    figure = charts.report_chart(ReportTable.from_dict(table))
    label = figure.data[0].y[0]
    assert label == '&lt;a href="http://x"&gt;Dinas &amp; Co&lt;/a&gt;'
    assert figure.layout.yaxis.title.text == "Instansi &lt;b&gt;"


def test_no_page_hands_a_markdown_element_text_that_skipped_plain():
    assert [str(f) for f in unsafe_texts()] == []


# Each line marked "# unsafe" must be reported, and no other.
_SAMPLE = """
import streamlit as st
from dumas import i18n
from dumas.importer.import_report import count_lines
from dumas.ui import complaint_sections as sections
from dumas.ui.state import t
from dumas.ui.escape import plain

FLASH = "sample_flash"


def header(c, report):
    rows = [(t("complaint.summary"), c["summary"])]
    st.subheader(f"{t('col.agenda_no')} {c['agenda_no']}")  # unsafe
    st.subheader(f"{t('col.agenda_no')} {plain(c['agenda_no'])}")
    st.markdown(" · ".join(f"**{k}:** {v}" for k, v in rows))  # unsafe
    st.markdown(" · ".join(f"**{k}:** {plain(v)}" for k, v in rows))
    st.warning(t("complaint.not_found", agenda=c["agenda_no"]))
    st.warning(i18n.t("complaint.not_found", "id", agenda=c["agenda_no"]))  # unsafe
    st.caption(i18n.fmt_int(3) + " " + i18n.MISSING)
    st.markdown("\\n".join(count_lines(report, "id")))  # unsafe
    st.markdown("\\n".join(count_lines(report, "id", quote=plain)))
    st.expander(_title(c))  # unsafe
    st.expander(_label(c))
    st.tabs([t("form.response"), c["agency"]])  # unsafe
    st.segmented_control(t("x.y"), ["a"], format_func=lambda a: c[a])  # unsafe
    st.selectbox(t("x.y"), ["a"], format_func=lambda a: c[a])
    st.radio(t("x.y"), [c["agency"]])  # unsafe
    st.pills(t("x.y"), options=["a", "b"])
    st.column_config.TextColumn(t("x.y"), help=c["note"])  # unsafe
    st.button(t("x.y"), help=c["note"])  # unsafe
    st.page_link("pages/plans.py", label=c["title"])  # unsafe
    box = st.error if c else st.info
    box(c["name"])  # unsafe
    sections.header(c)
    details = t("inbox.details")
    details += " · " + c["bidang"]
    st.markdown(details)  # unsafe
    cards = [(t("kpi.complaints"), "1")]
    cards.append((c["agency"], "2"))
    for label, value in cards:
        st.metric(label, value)  # unsafe
    _keep(t("plans.saved"))
    _keep(c["agency"])
    if message := st.session_state.pop(FLASH, None):
        st.success(message)  # unsafe


def _title(c):
    return f"{c['agency']} ({t('x.y')})"


def _label(c):
    return plain(c["agency"]) + t("x.y")


def _keep(message):
    st.session_state[FLASH] = message
"""


def test_the_scan_reports_exactly_the_texts_that_could_carry_user_text(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(_SAMPLE, encoding="utf-8")
    expected = [n for n, line in enumerate(_SAMPLE.splitlines(), 1) if line.endswith("# unsafe")]
    found = unsafe_texts((sample,), tmp_path)
    assert sorted({f.line for f in found}) == expected
