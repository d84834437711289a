"""The daily digest of "Menunggu Saya": what waits for the reader, what of it is overdue, and
for a Kabid or an Asdep who asked for it what is overdue in their area. The items are the
inbox's own (dumas.queries.inbox.inbox, the page's query); this module only words them, in
the reader's language, as text and as HTML with every value escaped."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
from dataclasses import dataclass
from urllib.parse import urlencode

import duckdb

from dumas import config, i18n
from dumas.domain import periods
from dumas.domain.permissions import User
from dumas.periodic import contents
from dumas.queries import inbox
from dumas.queries.plan_history import InboxItem

# By kind of item: the page's address (navigation.PAGES url_path) and its query parameter,
# as the page "Menunggu Saya" links them (tests/test_mail_digest.py checks they agree).
LINKS = {
    "plan": ("rencana", "plan"),
    "monitoring": ("pemantauan", "id"),
    "finance": ("pemantauan", "id"),
    "report": ("laporan", "report"),
}
INBOX_PATH = "menunggu"
_LATE_STYLE = "color:#b00020;font-weight:bold"


@dataclass(frozen=True)
class Reader:
    """Whom a digest is for: the user, the address, the language, and whether the overdue
    list of their area goes with it."""

    user: User
    email: str
    language: str
    area: bool


@dataclass(frozen=True)
class Digest:
    """One digest: its subject and both parts, and what it counts."""

    subject: str
    text: str
    html: str
    waiting: int
    overdue: int
    area: int


def items_for(
    cur: duckdb.DuckDBPyConnection, reader: Reader, now: dt.datetime
) -> tuple[list[InboxItem], list[InboxItem]]:
    """The reader's own queue and (if asked for) their area's overdue items, as the page
    lists them: overdue first, then by due time."""
    items = inbox.inbox(cur, reader.user, now)
    area = [item for item in items if not item.mine] if reader.area else []
    return [item for item in items if item.mine], area


@dataclass(frozen=True)
class _Entry:
    """One item in words."""

    title: str
    late: str | None
    lines: tuple[str, ...]
    link: str | None


def compose(
    reader: Reader,
    mine: list[InboxItem],
    area: list[InboxItem],
    now: dt.datetime,
    base_url: str | None,
) -> Digest | None:
    """The digest, or None when nothing waits and nothing is overdue in the area."""
    if not mine and not area:
        return None
    lang = reader.language
    overdue = sum(item.late is not None for item in mine)
    mine_key = "mail.digest.section_mine" if overdue else "mail.digest.section_mine_on_time"
    mine_head = i18n.t(mine_key, lang, n=len(mine), late=overdue)
    sections = [(mine_head, [_entry(i, lang, base_url) for i in mine])]
    if area:
        area_head = i18n.t("mail.digest.section_area", lang, n=len(area))
        sections.append((area_head, [_entry(i, lang, base_url) for i in area]))
    words = {
        "greeting": i18n.t("mail.digest.greeting", lang, name=reader.user.full_name),
        "intro": i18n.t("mail.digest.intro", lang,
                        when=i18n.fmt_datetime(now.astimezone(config.TIMEZONE), lang)),
        "link": (i18n.t("mail.digest.open", lang, url=f"{base_url}/{INBOX_PATH}")
                 if base_url else i18n.t("mail.digest.no_link", lang)),
        "footer": i18n.t("mail.digest.footer", lang),
        "empty": i18n.t("inbox.empty", lang),
    }  # fmt: skip
    subject = i18n.t("mail.digest.subject", lang, n=len(mine), late=overdue,
                     day=i18n.fmt_date(now.astimezone(config.TIMEZONE).date(), lang))  # fmt: skip
    if area:
        subject += i18n.t("mail.digest.subject_area", lang, n=len(area))
    return Digest(subject, _text(words, sections), _html(words, sections, base_url, lang),
                  len(mine), overdue, len(area))  # fmt: skip


def _entry(item: InboxItem, lang: str, base_url: str | None) -> _Entry:
    if item.kind == "report":  # its title and period in the reader's language
        period = periods.parse(item.period_code)
        item = dataclasses.replace(item, title=contents.default_title(period, lang),
                                   period_label=contents.period_label(period, lang))  # fmt: skip
    state_key, step_key = inbox.LABELS[item.kind]
    details = i18n.t("inbox.details", lang, period=item.period_label,
                     state=i18n.t(f"{state_key}.{item.state}", lang),
                     step=i18n.t(f"{step_key}.{item.step.key}", lang))  # fmt: skip
    if item.bidang:
        details += " · " + item.bidang
    lines = [details]
    if item.kind in ("monitoring", "finance"):
        method = i18n.t(f"method.{item.method}", lang) if item.method else i18n.MISSING
        lines.insert(0, i18n.t("mail.digest.monitoring", lang,
                               locus=item.locus or i18n.MISSING, method=method))  # fmt: skip
    lines.append(i18n.t("inbox.timing", lang, since=_when(item.since, lang),
                        due=_when(item.due, lang)))  # fmt: skip
    late = None if item.late is None else i18n.t("inbox.late_by", lang,
                                                 late=i18n.fmt_late(item.late, lang))  # fmt: skip
    return _Entry(item.title, late, tuple(lines), _link(item, base_url))


def _when(moment: dt.datetime, lang: str) -> str:
    return i18n.fmt_datetime(moment.astimezone(config.TIMEZONE), lang)


def _link(item: InboxItem, base_url: str | None) -> str | None:
    if not base_url:
        return None
    path, param = LINKS[item.kind]
    return f"{base_url}/{path}?{urlencode({param: item.period_code or str(item.record_id)})}"


Sections = list[tuple[str, list[_Entry]]]


def _text(words: dict[str, str], sections: Sections) -> str:
    out = [words["greeting"], "", words["intro"]]
    for head, entries in sections:
        out += ["", head.upper(), ""]
        if not entries:
            out.append(words["empty"])
        for n, entry in enumerate(entries, start=1):
            late = f"  [{entry.late}]" if entry.late else ""
            out.append(f"{n}. {entry.title}{late}")
            out += [f"   {line}" for line in entry.lines]
            if entry.link:
                out.append(f"   {entry.link}")
    out += ["", words["link"], "", "-- ", words["footer"]]
    return "\n".join(out) + "\n"


def _html(words: dict[str, str], sections: Sections, base_url: str | None, lang: str) -> str:
    """The same in HTML; every text escaped, so a title typed as markup shows as typed."""
    esc = html.escape
    parts = [f"<p>{esc(words['greeting'])}</p>", f"<p>{esc(words['intro'])}</p>"]
    for head, entries in sections:
        parts.append(f"<h3>{esc(head)}</h3>")
        if not entries:
            parts.append(f"<p>{esc(words['empty'])}</p>")
        parts.append("<ol>")
        for entry in entries:
            title = esc(entry.title)
            if entry.link:
                title = f'<a href="{esc(entry.link)}">{title}</a>'
            late = f' <span style="{_LATE_STYLE}">{esc(entry.late)}</span>' if entry.late else ""
            lines = "".join(f"<br>{esc(line)}" for line in entry.lines)
            parts.append(f"<li><strong>{title}</strong>{late}{lines}</li>")
        parts.append("</ol>")
    link = esc(words["link"])
    if base_url:
        address = esc(f"{base_url}/{INBOX_PATH}")
        link = link.replace(address, f'<a href="{address}">{address}</a>')
    parts += [f"<p>{link}</p>", f"<hr><p><small>{esc(words['footer'])}</small></p>"]
    body = "\n".join(parts)
    page = '<!DOCTYPE html>\n<html lang="{lang}"><body style="font-family:sans-serif">\n'
    return page.format(lang=lang) + body + "\n</body></html>\n"
