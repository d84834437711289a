"""The coded values the database stores, one StrEnum per coded column, with their labels.

Each enum's values are exactly those its column's CHECK constraint in schema.sql allows
(tests/test_codes.py compares them with the migrated database). Members are str, so
they go into SQL parameters and DataFrames unchanged. A member's label is the catalogue
entry `label_key` (dumas/i18n): the text itself lives only in the catalogues.

Roles are `permissions.Role`; the states of plans and monitorings are their flows' enums.
"""

from __future__ import annotations

from enum import StrEnum


class Coded(StrEnum):
    """A coded value; `prefix` names its group of labels in the catalogues."""

    _label_prefix: str  # set per enum by its class keyword, e.g. Channel(prefix="channel")

    def __init_subclass__(cls, *, prefix: str = "", **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        cls._label_prefix = prefix

    @property
    def label_key(self) -> str:
        """The catalogue key of this value's label, e.g. "channel.surat"."""
        return f"{self._label_prefix}.{self.value}"

    @classmethod
    def allows(cls, value: object) -> bool:
        """Whether value is one of the codes, as its CHECK constraint would say."""
        return isinstance(value, str) and value in cls._value2member_map_


class Channel(Coded, prefix="channel"):
    """How a complaint reached the office (complaint.channel)."""

    SURAT = "surat"
    EMAIL = "email"
    LAPOR = "lapor"  # SP4N-LAPOR!
    LANGSUNG = "langsung"  # walk-in
    WHATSAPP = "whatsapp"


class ResponseStatus(Coded, prefix="status"):
    """The follow-up status an agency's response reports (response.status)."""

    DALAM_PROSES = "dalam_proses"
    SELESAI = "selesai"
    BUKAN_KEWENANGAN = "bukan_kewenangan"
    TIDAK_DAPAT_DITINDAKLANJUTI = "tidak_dapat_ditindaklanjuti"
    PERLU_KLARIFIKASI = "perlu_klarifikasi"


class ReferenceList(Coded, prefix="reference_list"):
    """A master list whose values sheets write in other ways (reference_alias.list)."""

    CATEGORY = "category"
    CHANNEL = "channel"
    PROVINCE = "province"
    PROBLEM_CODE = "problem_code"
    RESPONSE_STATUS = "response_status"


class ReminderKind(Coded, prefix="reminder"):
    """Which confirmation letter a reminder is (reminder.kind)."""

    KONFIRMASI_1 = "konfirmasi_1"
    KONFIRMASI_2 = "konfirmasi_2"


class PlanSource(Coded, prefix="source"):
    """What a monitoring plan is drawn from (plan.source)."""

    DATABASE = "database"  # the follow-up database
    WORK_PROGRAMME = "work_programme"


class RowOrigin(Coded, prefix="origin"):
    """Why a row is in a plan's matrix (plan_row.origin)."""

    DATABASE = "database"  # letters picked from the follow-up database
    WORK_PROGRAMME = "work_programme"  # added by hand, with a reason


class Method(Coded, prefix="method"):
    """How a row is monitored (plan_row.method, copied to monitoring.method)."""

    KUNJUNGAN_LAPANGAN = "kunjungan_lapangan"  # the only direct method: a field visit
    # Retired (issue 14): preparing the files is step 4 of every indirect monitoring, not a
    # method. Stored rows keep it (the CHECK still allows it) and run as indirect; no new
    # row is given it (`offered`).
    KLARIFIKASI_BERKAS = "klarifikasi_berkas"
    KONTAK_ELEKTRONIK = "kontak_elektronik"  # SOP step 6b(1): electronic contact
    SURAT_RESMI = "surat_resmi"  # SOP step 6b(2): the Asdep's official letter

    @classmethod
    def offered(cls) -> list[Method]:
        """The methods a plan row may be given now: the field visit (direct) and the SOP's
        two indirect ways; the retired "klarifikasi berkas" only stays readable."""
        return [method for method in cls if method is not cls.KLARIFIKASI_BERKAS]


class Priority(Coded, prefix="priority"):
    """A row's priority (plan_row.priority); a high one needs a reason."""

    TINGGI = "tinggi"
    SEDANG = "sedang"
    RENDAH = "rendah"


class Level(Coded, prefix="level"):
    """Who leads a monitoring (plan_row.level, monitoring.level)."""

    KABID = "kabid"  # the Kabid and below; the Asdep receives the report
    ASDEP = "asdep"  # the Asdep; the Deputi approves and receives the report


class RowStatus(Coded, prefix="row_status"):
    """Where one row of a plan's matrix stands (plan_row.status)."""

    PENDING = "pending"  # not yet decided
    AWAITING_DEPUTI = "awaiting_deputi"  # approved by the Asdep, Asdep-led: the Deputi decides
    APPROVED = "approved"
    REJECTED = "rejected"


class DocumentKind(Coded, prefix="document"):
    """A signed document of a monitoring, recorded once (monitoring_document.kind)."""

    MEMO_DEPUTI = "memo_deputi"
    SURAT_TUGAS = "surat_tugas"
    MEMO_KEUANGAN = "memo_keuangan"
    DAFTAR_BERKAS = "daftar_berkas"
    SURAT_INSTANSI = "surat_instansi"
    LAPORAN_SUBSTANSI = "laporan_substansi"


class ActivityKind(Coded, prefix="activity"):
    """An entry of a monitoring's execution log (monitoring_activity.kind)."""

    PAPARAN_PERAN = "paparan_peran"
    DISKUSI = "diskusi"
    KUNJUNGAN_LOKUS = "kunjungan_lokus"
    RAPAT_KOORDINASI = "rapat_koordinasi"
    RAPAT_KONSULTASI = "rapat_konsultasi"
    KONTAK_ELEKTRONIK = "kontak_elektronik"


class Result(Coded, prefix="result"):
    """What a monitoring found for one letter (monitoring_result.result)."""

    DITINDAKLANJUTI = "ditindaklanjuti"
    SEBAGIAN = "sebagian"
    BELUM = "belum"
    TIDAK_DAPAT = "tidak_dapat"
    BUKAN_KEWENANGAN = "bukan_kewenangan"


class CostItem(Coded, prefix="cost_item"):
    """A line of a direct monitoring's money (monitoring_cost.item)."""

    UANG_HARIAN = "uang_harian"
    TRANSPORT = "transport"
    PENGINAPAN = "penginapan"
    REPRESENTASI = "representasi"
    SEWA_KENDARAAN = "sewa_kendaraan"


class MemoOutcome(Coded, prefix="memo_outcome"):
    """The Deputi's answer to the memorandum proposing a direct visit
    (monitoring_memo_answer.outcome)."""

    APPROVED = "approved"  # with the Deputi's direction, if any
    RETURNED = "returned"  # with a note: the team revises the memo and asks again


class AnswerVia(Coded, prefix="memo_via"):
    """How the Deputi's answer reached the record (monitoring_memo_answer.via)."""

    APP = "app"  # the Deputi answered in the app
    PAPER = "paper"  # a written disposition, entered by a team member
    PLAN = "plan"  # Asdep-led: the Deputi's approval of the plan row in SOP step 3


class JobOutcome(Coded, prefix="jobs.outcome"):
    """How a scheduled job's run ended (job_run.outcome; dumas/jobs/)."""

    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"  # nothing to do (an empty drop folder)


class SummaryDayKind(StrEnum):
    """What a day_summary row counts on its day (figures.sql day_summary_source): never
    shown, so no label."""

    LETTER = "letter"  # letters dated that day
    RESPONSE = "response"  # letters first answered that day
    OPEN = "open"  # letters dated that day with no response yet


class MailKind(Coded, prefix="mail.kind"):
    """What an e-mail was (mail_log.kind; dumas/mail/)."""

    DIGEST = "digest"  # a user's daily digest of "Menunggu Saya"
    AGENCY = "agency"  # a letter e-mailed to an agency, with its files


class MailOutcome(Coded, prefix="mail.outcome"):
    """Whether the mail server took an e-mail (mail_log.outcome)."""

    SENT = "sent"
    FAILED = "failed"  # refused, unreachable, authentication failed: the reason is kept


class RecordKind(Coded, prefix="attachment_kind"):
    """The kind of record a file is attached to (attachment.record_kind)."""

    COMPLAINT = "complaint"  # the complaint itself: its letter, with the complainant's identity
    FORWARDING = "forwarding"
    REMINDER = "reminder"
    RESPONSE = "response"  # the agency's response letter
    MONITORING_DOCUMENT = "monitoring_document"  # a monitoring's signed document, by its kind
    MONITORING_RESULT = "monitoring_result"  # a monitoring's evidence for one letter


class MediaType(StrEnum):
    """What an attached file is, as its content says (attachment.media_type): shown by its
    file type (dumas/domain/file_types.py EXTENSIONS), so no label."""

    PDF = "application/pdf"
    JPEG = "image/jpeg"
    PNG = "image/png"
    DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
