"""The catalogues speak the unit's vocabulary (docs/vocabulary.md): one word per thing,
buttons in sentence case, messages with a full stop."""

from __future__ import annotations

import re

import pytest

from dumas.i18n import LANGUAGES, MESSAGES

# Words of docs/vocabulary.md's "not to use" column, and what to write instead.
NOT_IN_INDONESIAN = {
    r"\bjawaban\b|\b(di|men)jawab\b": "tanggapan (of an agency), keputusan (of the Deputi)",
    r"\blembaga\b|\binstitusi\b": "instansi",
    r"\bmonitoring\b": "pemantauan",
    r"\bpengingat\b|\breminder\b": "surat konfirmasi",
    r"\bsurat tugas\b": "surat perintah",
    r"\bdraf\b": "konsep",
    r"\blog audit\b": "jejak audit",
    r"\btertunggak\b": "belum ditanggapi",
    r"\bsurel\b": "e-mail",
    r"\blingkup\b": "cakupan",
    r"\bdivisi\b": "bidang",
    r"\bdulu\b": "dahulu",
    r"\bke (kasubbid|kabid|asdep|deputi|ppk|bpp|analis|pimpinan)\b": "kepada before a person",
}
NOT_IN_ENGLISH = {
    r"\binstitutions?\b": "agency",
    r"\bconfirmation letters?\b": "reminder (surat konfirmasi)",
    r"\bdivisions?\b": "Bidang",
    r"\brepl(y|ies)\b": "response",
    r"(?<!\()assignment letters?\b": "Surat Perintah",
}
# The SOP's own phrases are the only place for "database" in Indonesian text.
SOP_DATABASE = re.compile(r"telaahan database|database tindak lanjut", re.IGNORECASE)

BUTTONS = (
    "agency_address.save", "complaint.reveal", "export.download", "filters.reset",
    "form.save", "import.export_all", "import.preview", "import.rejects_download",
    "import.run", "import.run_valid", "import.template", "merge.run", "monitoring.add",
    "monitoring.add_activity", "monitoring.add_agreement", "monitoring.add_contact",
    "monitoring.download_docx", "monitoring.memo_approve", "monitoring.memo_paper_save",
    "monitoring.memo_return", "monitoring.plan_from_sbm", "monitoring.record_bpp_received_on",
    "monitoring.record_document", "monitoring.record_ppk_accepted_on",
    "monitoring.record_submitted_on", "monitoring.save", "monitoring.save_costs",
    "monitoring.save_result", "monitoring.save_results", "ops_token.create", "ops_token.revoke",
    "plans.add_all", "plans.add_note",
    "plans.add_programme_row", "plans.add_row", "plans.add_selected", "plans.bulk_apply",
    "plans.confirm_add_no", "plans.confirm_add_yes", "plans.create", "plans.download_xlsx",
    "plans.remove", "plans.save", "reports.check", "reports.docx", "reports.finalise",
    "reports.forward", "reports.reload_draft", "reports.return", "reports.save_draft",
    "reports.table_download", "reports.xlsx", "sbm.copy", "sbm.save", "settings.sample",
    "settings.save", "setup.submit", "signin.sign_out", "signin.sso", "signin.submit",
    "users.create", "users.disable", "users.enable", "users.reset", "users.save_official",
    "users.save_roles", "notices.save", "users.save_email",
    "reminders.preview", "reminders.download_zip", "reminders.download_combined",
    "reminders.download_list", "reminders.record", "reminders.download_recorded",
    "reminders.start_again",
)  # fmt: skip
BUTTON_PREFIXES = ("plan_act.", "m_act.", "row_choice.")
# Words that keep their capital inside a sentence-case label: titles and fixed names.
PROPER = {
    "Administrator", "Asdep", "Bidang", "Deputi", "Kabid", "Kasubbid", "Agenda", "Surat",
    "Perintah", "Dumas", "Monitor",
}  # fmt: skip
INDONESIAN_SMALL_WORDS = {"dan", "ke", "di", "dari", "untuk", "yang", "atau"}


def _text(message: str) -> str:
    """The message without its `{placeholders}`, which name values, not words."""
    return re.sub(r"\{[a-z_]*\}", " ", message)


def _button_keys() -> list[str]:
    return sorted({*BUTTONS, *(k for k in MESSAGES["id"] if k.startswith(BUTTON_PREFIXES))})


def _words(label: str) -> list[str]:
    return [w.strip("()[],.:;«»“”'") for w in _text(label).split()]


def _capitalised_later_words(label: str) -> list[str]:
    """Words after the first that start with a capital and are not titles or acronyms."""
    return [w for w in _words(label)[1:] if w[:1].isupper() and not w.isupper() and w not in PROPER]


def _offences(catalogue: dict[str, str], rules: dict[str, str]) -> list[tuple[str, str, str]]:
    return [
        (key, match.group(0), instead)
        for key, message in catalogue.items()
        for pattern, instead in rules.items()
        if (match := re.search(pattern, _text(message), re.IGNORECASE))
    ]


def test_the_indonesian_catalogue_uses_none_of_the_words_not_to_use() -> None:
    assert _offences(MESSAGES["id"], NOT_IN_INDONESIAN) == []


def test_the_english_catalogue_uses_none_of_the_words_not_to_use() -> None:
    assert _offences(MESSAGES["en"], NOT_IN_ENGLISH) == []


def test_database_appears_in_indonesian_only_in_the_sops_own_phrases() -> None:
    stray = [k for k, m in MESSAGES["id"].items() if "database" in SOP_DATABASE.sub("", m).lower()]
    assert stray == []


def test_the_agenda_number_is_written_no_agenda_and_a_letters_number_nomor_surat() -> None:
    spellings = {
        (key, found)
        for key, message in MESSAGES["id"].items()
        for found in re.findall(r"\b[Nn]o\.?\s+(?:[Aa]genda|[Ss]urat)\b", message)
    }
    assert {found for _, found in spellings} <= {"No Agenda"}, sorted(spellings)


def test_team_is_a_common_noun_in_lower_case_mid_sentence() -> None:
    assert [k for k, m in MESSAGES["id"].items() if re.search(r"\w[ ,]+Tim\b", m)] == []


def test_the_button_list_names_real_messages() -> None:
    assert [key for key in BUTTONS if key not in MESSAGES["id"]] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_button_labels_are_sentence_case_without_a_full_stop(lang: str) -> None:
    bad = {
        key: label
        for key in _button_keys()
        if (label := MESSAGES[lang][key])
        and (
            not label[:1].isupper()
            or label.rstrip().endswith((".", ":"))
            or _capitalised_later_words(label)
        )
    }
    assert bad == {}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_errors_and_confirmations_end_with_a_full_stop(lang: str) -> None:
    messages = {
        key: text
        for key, text in MESSAGES[lang].items()
        if key.startswith("error.")
        or re.search(r"^[a-z_]+\.(\w+_)?saved$|^[a-z]+\.(added|removed|created)$", key)
    }
    assert len(messages) > 100
    assert {k: m for k, m in messages.items() if not m.rstrip().endswith((".", "?"))} == {}


def test_indonesian_menu_entries_are_title_case() -> None:
    lower = {
        key: label
        for key, label in MESSAGES["id"].items()
        if key.startswith("nav.")
        and any(w[:1].islower() for w in _words(label) if w not in INDONESIAN_SMALL_WORDS)
    }
    assert lower == {}


def test_english_menu_entries_are_sentence_case() -> None:
    upper = {
        key: label
        for key, label in MESSAGES["en"].items()
        if key.startswith("nav.") and _capitalised_later_words(label)
    }
    assert upper == {}


def test_people_take_kepada_in_the_plans_actions_and_states() -> None:
    assert MESSAGES["id"]["plan_act.submit"] == "Ajukan kepada Kasubbid"
    assert MESSAGES["id"]["plan_state.proposed"] == "Diusulkan kepada Asdep"
