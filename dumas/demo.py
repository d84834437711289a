"""Deterministic demo data: five years of complaints, letters, reminders and responses.

Every value is drawn column-wise with numpy from one seed (no Python loop per row) and
DuckDB builds the strings, so a million complaints take seconds. The same seed and the
same `today` give the same database (with the same Faker version for the name pools).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from dumas import config
from dumas.db import Database

EPOCH = dt.date(1970, 1, 1)
NEVER = 10**9  # a day ordinal after any real date: "no such date"
YEARS = 5

CHANNELS = ("surat", "email", "lapor", "langsung", "whatsapp")
CHANNEL_FIRST_YEAR = (0.40, 0.20, 0.15, 0.12, 0.13)  # SP4N-LAPOR! grows over the years
CHANNEL_LAST_YEAR = (0.20, 0.18, 0.42, 0.07, 0.13)
OFFLINE = (0, 3)  # letters and walk-ins are registered on working days only
EMAIL_SHARE = (0.10, 0.97, 0.45, 0.05, 0.0)  # complainants giving an e-mail, per channel

CATEGORY_SHARE = {
    "pertanahan": 22,
    "penegakan_hukum": 16,
    "pelayanan_publik": 13,
    "kepegawaian": 8,
    "bantuan_sosial": 8,
    "korupsi": 7,
    "infrastruktur": 6,
    "ketenagakerjaan": 5,
    "pendidikan": 4,
    "kesehatan": 4,
    "lingkungan": 3,
    "lainnya": 4,
}
CATEGORY_PROBLEM = {
    "pertanahan": "03",
    "kepegawaian": "04",
    "penegakan_hukum": "05",
    "pelayanan_publik": "02",
    "bantuan_sosial": "07",
    "korupsi": "06",
    "infrastruktur": "09",
    "ketenagakerjaan": "02",
    "pendidikan": "02",
    "kesehatan": "02",
    "lingkungan": "08",
    "lainnya": "10",
}

# Agencies (short names) or agency categories (@code) that handle each substance.
AFFINITY = {
    "pertanahan": ("ATR/BPN", "@pemkab", "@pemprov", "Kemenhut", "PTPN III", "Perhutani"),
    "kepegawaian": ("BKN", "KemenPANRB", "@pemkab", "@pemprov", "Kemendagri", "Kemenag", "Taspen"),
    "penegakan_hukum": (
        "Polri",
        "@kepolisian",
        "Kejagung",
        "@kejaksaan",
        "MA",
        "@peradilan",
        "Kemenkum",
        "Kemenimipas",
        "KY",
        "Kompolnas",
        "Komnas HAM",
        "LPSK",
        "BNN",
    ),
    "pelayanan_publik": (
        "@pemkab",
        "@pemprov",
        "Kemendagri",
        "Kemenimipas",
        "PLN",
        "Pos Indonesia",
        "KAI",
        "Telkom",
        "PAM Jaya",
        "Transjakarta",
        "Komdigi",
        "Kemenhub",
        "ORI",
    ),
    "bantuan_sosial": ("Kemensos", "@pemkab", "@pemprov", "Kemendes PDT", "BGN", "Perum Bulog"),
    "korupsi": ("KPK", "Kejagung", "@kejaksaan", "Polri", "BPKP", "BPK", "@pemkab", "LKPP"),
    "infrastruktur": (
        "Kementerian PU",
        "@pemkab",
        "@pemprov",
        "Kemenhub",
        "PLN",
        "Jasa Marga",
        "Kementerian PKP",
        "Kemendes PDT",
        "Pelindo",
    ),
    "ketenagakerjaan": ("Kemnaker", "BPJS Ketenagakerjaan", "KP2MI", "@pemkab", "@bumn"),
    "pendidikan": ("Kemendikdasmen", "Kemdiktisaintek", "Kemenag", "@pemkab", "@pemprov"),
    "kesehatan": ("Kemenkes", "BPJS Kesehatan", "BPOM", "@pemkab", "@pemprov"),
    "lingkungan": ("KLH/BPLH", "Kemenhut", "@pemkab", "@pemprov", "Kementerian ESDM", "KKP"),
}
BASE_VOLUME = {
    "kementerian": 0.8,
    "lpnk": 0.5,
    "lembaga_negara": 0.6,
    "peradilan": 1.0,
    "kepolisian": 1.5,
    "kejaksaan": 1.0,
    "tni": 0.6,
    "bumn": 0.6,
    "pemprov": 1.0,
    "pemkab": 1.0,
}
VOLUME_BOOST = {
    "ATR/BPN": 5,
    "Polri": 5,
    "Kemendagri": 2,
    "Kemensos": 2,
    "MA": 2,
    "Kejagung": 2,
    "BKN": 2,
    "PLN": 2,
    "KPK": 2,
    "Pemprov DKI Jakarta": 2.5,
    "Pemprov Jawa Barat": 2.5,
    "Pemprov Jawa Timur": 2,
    "Pemprov Jawa Tengah": 2,
    "Pemprov Sumatera Utara": 1.8,
}
# Population in millions (2024, rounded): where complainants live. DKI is doubled:
# complainants near the Palace come in person.
POPULATION = {
    "11": 5.5,
    "12": 15.6,
    "13": 5.8,
    "14": 6.7,
    "15": 3.7,
    "16": 8.8,
    "17": 2.1,
    "18": 9.3,
    "19": 1.5,
    "21": 2.2,
    "31": 21.0,
    "32": 50.3,
    "33": 37.9,
    "34": 3.8,
    "35": 41.6,
    "36": 12.4,
    "51": 4.4,
    "52": 5.6,
    "53": 5.6,
    "61": 5.6,
    "62": 2.8,
    "63": 4.2,
    "64": 4.0,
    "65": 0.7,
    "71": 2.7,
    "72": 3.1,
    "73": 9.4,
    "74": 2.8,
    "75": 1.2,
    "76": 1.5,
    "81": 1.9,
    "82": 1.3,
    "91": 1.0,
    "92": 0.6,
    "93": 0.5,
    "94": 1.4,
    "95": 1.5,
    "96": 0.6,
}

SUMMARIES = {
    "pertanahan": (
        "Pengaduan mengenai sengketa tanah di {lokus}",
        "Permohonan penyelesaian sertifikat tanah yang tidak kunjung terbit di {lokus}",
        "Laporan dugaan penyerobotan lahan milik warga di {lokus}",
        "Keberatan atas nilai ganti rugi pengadaan tanah untuk kepentingan umum di {lokus}",
        "Permohonan pengukuran ulang batas bidang tanah di {lokus}",
    ),
    "kepegawaian": (
        "Permohonan kejelasan pengangkatan tenaga honorer menjadi PPPK di {lokus}",
        "Keberatan atas mutasi dan penurunan jabatan ASN di lingkungan {instansi}",
        "Pengaduan mengenai tunjangan ASN yang belum dibayarkan di {lokus}",
        "Laporan dugaan pelanggaran disiplin oleh pegawai {instansi} di {lokus}",
    ),
    "penegakan_hukum": (
        "Permohonan perlindungan hukum atas laporan polisi yang tidak ditindaklanjuti di {lokus}",
        "Pengaduan mengenai lambatnya penanganan perkara oleh {instansi}",
        "Keberatan atas penetapan tersangka dalam perkara di {lokus}",
        "Permohonan eksekusi putusan pengadilan yang telah berkekuatan hukum tetap di {lokus}",
        "Laporan dugaan penipuan dan penggelapan yang merugikan warga di {lokus}",
    ),
    "pelayanan_publik": (
        "Keluhan atas pelayanan administrasi kependudukan di {lokus}",
        "Pengaduan mengenai pungutan liar dalam pengurusan perizinan di {lokus}",
        "Keluhan atas lambatnya layanan {instansi} di {lokus}",
        "Pengaduan mengenai tagihan listrik yang tidak wajar di {lokus}",
        "Keluhan atas buruknya layanan air bersih di {lokus}",
    ),
    "bantuan_sosial": (
        "Permohonan bantuan sosial bagi keluarga tidak mampu di {lokus}",
        "Pengaduan mengenai penyaluran bantuan sosial yang tidak tepat sasaran di {lokus}",
        "Permohonan pendaftaran dalam data kesejahteraan sosial di {lokus}",
        "Laporan dugaan pemotongan dana bantuan sosial oleh oknum di {lokus}",
        "Permohonan bantuan bedah rumah tidak layak huni di {lokus}",
    ),
    "korupsi": (
        "Laporan dugaan penyimpangan pengelolaan dana desa di {lokus}",
        "Laporan dugaan korupsi pengadaan barang dan jasa di lingkungan {instansi}",
        "Laporan dugaan gratifikasi oleh pejabat di {lokus}",
        "Laporan dugaan penggelembungan anggaran proyek pembangunan di {lokus}",
    ),
    "infrastruktur": (
        "Permohonan perbaikan jalan rusak di {lokus}",
        "Pengaduan mengenai pembangunan jembatan yang terbengkalai di {lokus}",
        "Permohonan pembangunan saluran drainase untuk mengatasi banjir di {lokus}",
        "Keluhan atas kualitas pekerjaan proyek jalan di {lokus}",
    ),
    "ketenagakerjaan": (
        "Pengaduan mengenai pemutusan hubungan kerja sepihak di {lokus}",
        "Pengaduan mengenai upah di bawah upah minimum di {lokus}",
        "Permohonan bantuan pemulangan pekerja migran asal {lokus}",
        "Pengaduan mengenai klaim Jaminan Hari Tua yang belum dibayarkan di {lokus}",
    ),
    "pendidikan": (
        "Pengaduan mengenai pungutan biaya sekolah di {lokus}",
        "Keluhan atas proses penerimaan peserta didik baru di {lokus}",
        "Permohonan bantuan beasiswa bagi siswa dari {lokus}",
        "Pengaduan mengenai penahanan ijazah oleh sekolah di {lokus}",
    ),
    "kesehatan": (
        "Keluhan atas pelayanan rumah sakit bagi peserta BPJS Kesehatan di {lokus}",
        "Permohonan bantuan biaya pengobatan bagi warga tidak mampu di {lokus}",
        "Pengaduan mengenai penonaktifan kepesertaan Penerima Bantuan Iuran di {lokus}",
        "Laporan peredaran obat dan makanan ilegal di {lokus}",
    ),
    "lingkungan": (
        "Laporan pencemaran sungai oleh limbah pabrik di {lokus}",
        "Pengaduan mengenai aktivitas tambang ilegal di {lokus}",
        "Laporan pembalakan liar di kawasan hutan di {lokus}",
        "Keluhan atas pengelolaan sampah dan tempat pembuangan akhir di {lokus}",
    ),
    "lainnya": (
        "Permohonan audiensi dengan Presiden terkait persoalan warga di {lokus}",
        "Penyampaian aspirasi masyarakat {lokus} kepada Presiden",
        "Permohonan bantuan modal usaha bagi pelaku UMKM di {lokus}",
        "Pengaduan mengenai persoalan sosial kemasyarakatan di {lokus}",
    ),
}

STATUSES = (
    "selesai",
    "dalam_proses",
    "bukan_kewenangan",
    "tidak_dapat_ditindaklanjuti",
    "perlu_klarifikasi",
)
FIRST_STATUS_SHARE = (0.40, 0.34, 0.11, 0.07, 0.08)
RESPONSE_SUMMARIES = {
    "selesai": (
        "Pengaduan telah ditindaklanjuti dan permasalahan dinyatakan selesai.",
        "Telah dilakukan klarifikasi dan penyelesaian; pengadu telah menerima penjelasan.",
        "Permohonan pengadu telah dipenuhi sesuai ketentuan.",
    ),
    "dalam_proses": (
        "Pengaduan sedang ditangani oleh unit kerja terkait.",
        "Telah dilakukan pemeriksaan awal; penanganan masih berlangsung.",
        "Pengaduan telah diteruskan kepada satuan kerja di daerah untuk ditindaklanjuti.",
    ),
    "bukan_kewenangan": (
        "Substansi pengaduan bukan merupakan kewenangan instansi kami.",
        "Pengaduan merupakan kewenangan pemerintah daerah setempat.",
    ),
    "tidak_dapat_ditindaklanjuti": (
        "Pengaduan tidak dapat ditindaklanjuti karena data pendukung tidak lengkap.",
        "Perkara telah berkekuatan hukum tetap sehingga tidak dapat ditindaklanjuti.",
    ),
    "perlu_klarifikasi": (
        "Diperlukan klarifikasi dan dokumen pendukung dari pengadu.",
        "Instansi meminta data tambahan mengenai lokasi dan waktu kejadian.",
    ),
}
RESPONSE_CLASSES = ("PM.01.02", "HM.02.01", "KP.04.03", "OT.02.01", "UM.01.01", "PS.01.00")
PHONE_PREFIXES = (
    "811",
    "812",
    "813",
    "814",
    "815",
    "816",
    "817",
    "818",
    "819",
    "821",
    "822",
    "823",
    "851",
    "852",
    "853",
    "855",
    "856",
    "857",
    "858",
    "859",
    "877",
    "878",
    "831",
    "832",
    "833",
    "838",
    "881",
    "882",
    "883",
    "887",
    "888",
    "895",
    "896",
    "897",
    "898",
    "899",
)
EMAIL_DOMAINS = ("gmail.com", "yahoo.com", "yahoo.co.id", "outlook.com", "hotmail.com")
EMAIL_DOMAIN_SHARE = (0.64, 0.14, 0.12, 0.06, 0.04)


@dataclass(frozen=True)
class _Reference:
    """Reference rows and the working-day calendar, as arrays indexed by position."""

    today: int  # day ordinals (days since 1970-01-01)
    start: int
    workdays: np.ndarray  # sorted ordinals of the working days
    agency_id: np.ndarray
    agency_category: np.ndarray
    agency_label: list[str]  # short name, else name
    agency_province: np.ndarray  # province position, -1 for central agencies
    agency_regency: np.ndarray  # regency position for a Pemkab/Pemkot, else -1
    provinces: list[str]
    province_share: np.ndarray
    regencies: list[str]
    regency_first: np.ndarray  # per province: first regency position and count
    regency_count: np.ndarray
    categories: list[str]
    problems: list[str]


@dataclass(frozen=True)
class _Names:
    """Pools of Indonesian first and last names, male ones first."""

    first: list[str]
    first_male: int
    last: list[str]
    last_male: int


def generate(
    db: Database,
    complaints: int = 25_000,
    *,
    seed: int = 20121228,
    today: dt.date | None = None,
    actor: str = "sistem.demo",
) -> dict[str, int]:
    """Fill an empty database with demo data; return the rows inserted per data table.

    `today` defaults to config.today() (Asia/Jakarta, or DUMAS_TODAY when pinned).
    """
    from dumas import facts, services

    if complaints < 1:
        raise ValueError("The number of demo complaints must be at least 1.")
    today = today or config.today()
    with db.transaction() as cur:
        if cur.execute("SELECT count(*) FROM complaint").fetchone()[0]:
            raise ValueError("The database already has complaints: demo data needs an empty one.")
        # The frames are dropped as soon as they are inserted, before the commit.
        counts = _insert(cur, _build(_reference(cur, today), complaints, seed))
        facts.refresh(cur)
        new = {"seed": seed, "today": today.isoformat(), "counts": counts}
        services.audit(cur, actor, "demo.generate", "database", None, None, new)
    return counts


def _build(ref: _Reference, n: int, seed: int) -> dict[str, pd.DataFrame]:
    """All four tables as frames, drawn in a fixed order from one generator."""
    rng = np.random.default_rng(seed)
    weights = _agency_weights(ref)
    complaint, agencies = _complaints(rng, ref, n, weights, _name_pools(seed))
    forwarding = _forwardings(rng, ref, complaint["received"].to_numpy(), agencies)
    rate, delay = _behaviour(rng, ref, weights)
    response, first_answer = _responses(rng, ref, forwarding, rate, delay)
    reminder = _reminders(rng, ref, forwarding, first_answer)
    _number_outgoing(rng, forwarding, reminder)
    return {
        "complaint": complaint,
        "forwarding": forwarding,
        "reminder": reminder,
        "response": response,
    }


# --- reference data ---------------------------------------------------------------------


_SQL_WORKDAYS = """
SELECT d - DATE '1970-01-01'
  FROM calendar_day
 WHERE is_working
 ORDER BY d
"""
_SQL_AGENCIES = """
SELECT id, coalesce(nullif(short_name, ''), name), category_code, coalesce(province_code, ''), name
  FROM agency
 ORDER BY id
"""


def _ordinal(day: dt.date) -> int:
    """Days since 1970-01-01."""
    return (day - EPOCH).days


def _reference(cur: duckdb.DuckDBPyConnection, today: dt.date) -> _Reference:
    """Read the reference tables and the calendar the demo draws from."""
    workdays = np.array([r[0] for r in cur.execute(_SQL_WORKDAYS).fetchall()], dtype=np.int64)
    start = _five_years_before(today)
    if len(workdays) == 0 or _ordinal(today) > workdays[-1] or today <= start:
        raise ValueError(f"{today} is outside the working-day calendar.")
    provinces = [r[0] for r in cur.execute("SELECT code FROM province ORDER BY code").fetchall()]
    regencies, first, count = _regencies(provinces)
    agencies = cur.execute(_SQL_AGENCIES).fetchall()
    prov_pos = {code: i for i, code in enumerate(provinces)}
    reg_pos = {(regencies_prov, name): i for i, (regencies_prov, name) in enumerate(regencies)}
    share = np.array([POPULATION.get(code, 1.0) for code in provinces])
    return _Reference(
        today=_ordinal(today),
        start=_ordinal(start),
        workdays=workdays,
        agency_id=np.array([a[0] for a in agencies], dtype=np.int32),
        agency_category=np.array([a[2] for a in agencies]),
        agency_label=[a[1] for a in agencies],
        agency_province=np.array([prov_pos.get(a[3], -1) for a in agencies]),
        agency_regency=np.array([reg_pos.get((a[3], _own_regency(a[4])), -1) for a in agencies]),
        provinces=provinces,
        province_share=share / share.sum(),
        regencies=[name for _, name in regencies],
        regency_first=first,
        regency_count=count,
        categories=[
            r[0] for r in cur.execute("SELECT code FROM category ORDER BY code").fetchall()
        ],
        problems=[
            r[0] for r in cur.execute("SELECT code FROM problem_code ORDER BY code").fetchall()
        ],
    )


def _five_years_before(today: dt.date) -> dt.date:
    """The first day of the five years that end with today (never before 2000-01-01)."""
    try:
        first = today.replace(year=today.year - YEARS)
    except ValueError:  # 29 February
        first = today.replace(year=today.year - YEARS, day=28)
    return max(first + dt.timedelta(days=1), dt.date(2000, 1, 1))


def _regencies(provinces: list[str]) -> tuple[list[tuple[str, str]], np.ndarray, np.ndarray]:
    """Regencies of the known provinces grouped by province (capital first)."""
    path = config.REFERENCE_DIR / "regencies.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [(r["province_code"], r["name"]) for r in csv.DictReader(fh)]
    order = {code: i for i, code in enumerate(provinces)}
    rows = sorted((r for r in rows if r[0] in order), key=lambda r: order[r[0]])
    by_province = np.array([order[code] for code, _ in rows], dtype=np.int64)
    count = np.bincount(by_province, minlength=len(provinces))
    if (count == 0).any():
        raise ValueError("regencies.csv lacks a regency for some province.")
    return rows, np.concatenate([[0], np.cumsum(count)[:-1]]), count


def _own_regency(agency_name: str) -> str:
    """'Pemerintah Kabupaten Bogor' -> 'Kabupaten Bogor'; '' for other agencies."""
    for prefix, kind in (("Pemerintah Kabupaten ", "Kabupaten "), ("Pemerintah Kota ", "Kota ")):
        if agency_name.startswith(prefix):
            return kind + agency_name.removeprefix(prefix)
    return ""


def _agency_weights(ref: _Reference) -> np.ndarray:
    """Probability of each agency per category: volume times affinity, rows sum to 1."""
    label = np.array(ref.agency_label)
    base = np.array([BASE_VOLUME.get(c, 0.6) for c in ref.agency_category])
    base *= np.array([VOLUME_BOOST.get(x, 1.0) for x in ref.agency_label])
    regional = ref.agency_province >= 0
    share = ref.province_share[np.where(regional, ref.agency_province, 0)] * len(ref.provinces)
    base = np.where(regional, base * np.sqrt(share), base)
    weights = np.empty((len(ref.categories), len(label)))
    for i, category in enumerate(ref.categories):
        names = AFFINITY.get(category)
        if names is None:
            weights[i] = base
            continue
        named = np.isin(label, names)
        kinds = np.isin(ref.agency_category, [x[1:] for x in names if x.startswith("@")])
        weights[i] = base * np.where(named, 20.0, np.where(kinds, 1.5, 0.04))
    return weights / weights.sum(axis=1, keepdims=True)


def _name_pools(seed: int) -> _Names:
    """A few thousand Indonesian names from Faker, drawn once and combined later."""
    from faker import Faker

    fake = Faker("id_ID")
    fake.seed_instance(seed)
    male = _unique(fake.first_name_male() for _ in range(3000))
    female = _unique(fake.first_name_female() for _ in range(3000))
    last_male = _unique(fake.last_name_male() for _ in range(2000))
    last_female = _unique(fake.last_name_female() for _ in range(2000))
    return _Names(male + female, len(male), last_male + last_female, len(last_male))


def _unique(values: Iterable[str]) -> list[str]:
    """Distinct values in first-seen order."""
    return list(dict.fromkeys(values))


# --- helpers ----------------------------------------------------------------------------


def _add_workdays(workdays: np.ndarray, days: np.ndarray, k: np.ndarray) -> np.ndarray:
    """The k-th working day after each day (k = 0 keeps a working day); NEVER past the
    calendar's end."""
    pos = np.searchsorted(workdays, days, side="right") - 1 + k
    inside = (pos >= 0) & (pos < len(workdays))
    return np.where(inside, workdays[np.clip(pos, 0, len(workdays) - 1)], NEVER)


def _running_number(groups: np.ndarray) -> np.ndarray:
    """1-based rank of each row within its group, in row order."""
    order = np.argsort(groups, kind="stable")
    ranked = groups[order]
    rank = np.empty(len(groups), dtype=np.int64)
    rank[order] = np.arange(len(groups)) - np.searchsorted(ranked, ranked, side="left") + 1
    return rank


def _year(days: np.ndarray) -> np.ndarray:
    """Calendar year of each day ordinal."""
    return days.astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def _text(codes: np.ndarray, values: list[str] | tuple[str, ...]) -> pd.Categorical:
    """Strings by position (-1 = NULL) as a categorical DuckDB reads without copying."""
    labels, inverse = np.unique(np.array(values, dtype=object), return_inverse=True)
    mapped = np.where(codes >= 0, inverse[np.clip(codes, 0, None)], -1)
    return pd.Categorical.from_codes(mapped, categories=labels.tolist())


def _pick(rng: np.random.Generator, first: np.ndarray, count: np.ndarray) -> np.ndarray:
    """A uniform position in [first, first + count) per row."""
    return first + (count * rng.random(len(first))).astype(np.int64)


def _stamp(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    """Epoch seconds during office hours (08-16 WIB, UTC+7) on each day."""
    return days * 86_400 + rng.integers(8 * 3600, 16 * 3600, len(days)) - 7 * 3600


# --- complaints -------------------------------------------------------------------------


def _category_share(ref: _Reference) -> np.ndarray:
    """Probability of each substance category."""
    share = np.array([CATEGORY_SHARE.get(c, 1) for c in ref.categories], dtype=float)
    return share / share.sum()


def _complaints(
    rng: np.random.Generator, ref: _Reference, n: int, weights: np.ndarray, names: _Names
) -> tuple[pd.DataFrame, np.ndarray]:
    """The complaint frame and three candidate agencies per row (reported one first)."""
    received, channel = _received(rng, ref, n)
    category = rng.choice(len(ref.categories), n, p=_category_share(ref))
    agencies = _draw_agencies(rng, weights, category)
    province, regency = _locus(rng, ref, agencies[:, 0])
    frame = pd.DataFrame(
        {
            "id": np.arange(1, n + 1),
            "seq": _running_number(_year(received)),
            "received": received,
            "created": _stamp(rng, received),
            "channel": _text(channel, CHANNELS),
            **_people(rng, names, channel),
            "province": _text(province, ref.provinces),
            "regency": _text(regency, ref.regencies),
            "agency_id": ref.agency_id[agencies[:, 0]],
            "problem": _text(_problems(rng, ref, category), ref.problems),
            "category": _text(category, ref.categories),
            "template": _summaries(rng, ref, category),
            "instansi": _text(agencies[:, 0], ref.agency_label),
        }
    )
    return frame, agencies


def _received(rng: np.random.Generator, ref: _Reference, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Dates received (volume growing over the years, fewer on days off) and channels."""
    days = np.arange(ref.start, ref.today + 1)
    t = (days - ref.start) / max(len(days) - 1, 1)
    working = np.isin(days, ref.workdays)
    weight = (1 + 0.6 * t) * np.where(working, 1.0, 0.25)
    received = np.sort(rng.choice(days, n, p=weight / weight.sum()))
    channel = _channels(rng, (received - ref.start) / max(len(days) - 1, 1))
    offline = np.isin(channel, OFFLINE)
    nxt = ref.workdays[np.clip(np.searchsorted(ref.workdays, received), 0, len(ref.workdays) - 1)]
    prev = ref.workdays[np.clip(np.searchsorted(ref.workdays, received, "right") - 1, 0, None)]
    moved = np.where(nxt <= ref.today, nxt, prev)
    received = np.where(offline, moved, received)
    order = np.argsort(received, kind="stable")
    return received[order], channel[order]


def _channels(rng: np.random.Generator, t: np.ndarray) -> np.ndarray:
    """Channel positions, the mix moving linearly from the first to the last year."""
    first, last = np.array(CHANNEL_FIRST_YEAR), np.array(CHANNEL_LAST_YEAR)
    cumulative = np.cumsum(first + np.outer(t, last - first), axis=1)
    u = rng.random(len(t)) * cumulative[:, -1]
    return (u[:, None] > cumulative).sum(axis=1)


def _draw_agencies(
    rng: np.random.Generator, weights: np.ndarray, category: np.ndarray
) -> np.ndarray:
    """Per row: the reported agency and two more candidates for forwarding."""
    out = np.empty((len(category), 3), dtype=np.int64)
    for c in range(len(weights)):
        rows = np.flatnonzero(category == c)
        out[rows] = rng.choice(weights.shape[1], (len(rows), 3), p=weights[c])
    return out


def _locus(
    rng: np.random.Generator, ref: _Reference, agency: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Province and regency: the regional agency's own, else where complainants live."""
    province = ref.agency_province[agency]
    drawn = rng.choice(len(ref.provinces), len(agency), p=ref.province_share)
    province = np.where(province >= 0, province, drawn)
    skew = rng.random(len(agency)) ** 1.7  # the capital comes first and most often
    regency = ref.regency_first[province] + (ref.regency_count[province] * skew).astype(np.int64)
    own = ref.agency_regency[agency]
    return province, np.where(own >= 0, own, regency)


def _problems(rng: np.random.Generator, ref: _Reference, category: np.ndarray) -> np.ndarray:
    """Mostly the category's own problem code, sometimes abuse of power or another."""
    last = len(ref.problems) - 1
    own = np.array(
        [
            ref.problems.index(p) if p in ref.problems else last
            for p in (CATEGORY_PROBLEM.get(c, "10") for c in ref.categories)
        ]
    )
    abuse = ref.problems.index("01") if "01" in ref.problems else last
    u = rng.random(len(category))
    other = rng.integers(0, len(ref.problems), len(category))
    return np.where(u < 0.8, own[category], np.where(u < 0.9, abuse, other))


def _summaries(rng: np.random.Generator, ref: _Reference, category: np.ndarray) -> pd.Categorical:
    """A summary template of the complaint's category."""
    groups = [SUMMARIES.get(c, SUMMARIES["lainnya"]) for c in ref.categories]
    count = np.array([len(g) for g in groups])
    first = np.concatenate([[0], np.cumsum(count)[:-1]])
    texts = [t for g in groups for t in g]
    return _text(_pick(rng, first[category], count[category]), texts)


def _people(rng: np.random.Generator, names: _Names, channel: np.ndarray) -> dict[str, object]:
    """Complainant name and contact parts (a mobile number or an e-mail address)."""
    n = len(channel)
    male = rng.random(n) < 0.6
    first = np.where(
        male,
        rng.integers(0, names.first_male, n),
        rng.integers(names.first_male, len(names.first), n),
    )
    last = np.where(
        male, rng.integers(0, names.last_male, n), rng.integers(names.last_male, len(names.last), n)
    )
    last = np.where(rng.random(n) < 0.12, -1, last)  # many Indonesians have one name
    separator = np.where(last < 0, -1, rng.integers(0, 3, n))
    return {
        "first": _text(first, names.first),
        "last": _text(last, names.last),
        "first_key": _text(first, [_ascii(x) for x in names.first]),
        "last_key": _text(last, [_ascii(x) for x in names.last]),
        "separator": _text(separator, (".", "_", "")),
        "digits": np.where(rng.random(n) < 0.5, rng.integers(1, 2000, n), 0),
        "domain": _text(rng.choice(len(EMAIL_DOMAINS), n, p=EMAIL_DOMAIN_SHARE), EMAIL_DOMAINS),
        "is_email": rng.random(n) < np.array(EMAIL_SHARE)[channel],
        "prefix": _text(rng.integers(0, len(PHONE_PREFIXES), n), PHONE_PREFIXES),
        "phone": rng.integers(0, 10**8, n),
        "short_phone": rng.random(n) < 0.3,
        "intl": rng.random(n) < 0.08,
    }


def _ascii(name: str) -> str:
    """A name as e-mail letters: lower-case a-z only."""
    return "".join(ch for ch in name.lower() if "a" <= ch <= "z") or "pengadu"


# --- letters and responses --------------------------------------------------------------


def _forwardings(
    rng: np.random.Generator, ref: _Reference, received: np.ndarray, agencies: np.ndarray
) -> pd.DataFrame:
    """One letter per complaint (some to two agencies) a few working days after receipt."""
    n = len(received)
    first = np.where(rng.random(n) < 0.85, agencies[:, 0], agencies[:, 1])
    second = np.flatnonzero((rng.random(n) < 0.085) & (agencies[:, 2] != first))
    wait = np.minimum(rng.geometric(0.35, n), 15)
    later = wait + np.where(rng.random(n) < 0.7, 0, rng.integers(1, 10, n))
    complaint = np.concatenate([np.arange(n), second])
    agency = np.concatenate([first, agencies[second, 2]])
    day = np.concatenate(
        [
            _add_workdays(ref.workdays, received, wait),
            _add_workdays(ref.workdays, received[second], later[second]),
        ]
    )
    keep = np.flatnonzero(day <= ref.today)  # not yet forwarded: no letter
    order = keep[np.lexsort((complaint[keep], day[keep]))]
    return pd.DataFrame(
        {
            "id": np.arange(1, len(order) + 1),
            "complaint_id": complaint[order] + 1,
            "agency_pos": agency[order],
            "agency_id": ref.agency_id[agency[order]],
            "day": day[order],
            "created": _stamp(rng, day[order]),
        }
    )


def _behaviour(
    rng: np.random.Generator, ref: _Reference, weights: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per agency: the share of letters it ever answers and its median delay (working days)."""
    k = len(ref.agency_id)
    rate = rng.uniform(0.40, 0.85, k)
    silent = rng.random(k) < 0.08
    rate[silent] = rng.uniform(0.05, 0.15, silent.sum())
    busiest = np.argsort(-(_category_share(ref) @ weights), kind="stable")[:8]
    picked = rng.choice(busiest, 4, replace=False)
    rate[picked[:2]] = rng.uniform(0.05, 0.12, 2)  # big and chronically silent
    rate[picked[2:]] = rng.uniform(0.88, 0.95, 2)  # big and exemplary
    delay = np.exp(rng.uniform(np.log(5), np.log(35), k))
    return rate, delay


def _responses(
    rng: np.random.Generator,
    ref: _Reference,
    fwd: pd.DataFrame,
    rate: np.ndarray,
    delay: np.ndarray,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Responses (some 'dalam_proses' followed by a final one) and each letter's first."""
    m = len(fwd)
    agency, day = fwd["agency_pos"].to_numpy(), fwd["day"].to_numpy()
    wait = np.minimum(np.rint(delay[agency] * np.exp(0.85 * rng.standard_normal(m))), 500)
    first = _add_workdays(ref.workdays, day, wait.astype(np.int64))
    first = np.where((rng.random(m) < rate[agency]) & (first <= ref.today), first, NEVER)
    status = rng.choice(len(STATUSES), m, p=FIRST_STATUS_SHARE)
    again = (status == STATUSES.index("dalam_proses")) & (rng.random(m) < 0.5)
    wait = 1 + np.minimum(np.rint(25 * np.exp(0.7 * rng.standard_normal(m))), 400)
    second = _add_workdays(ref.workdays, np.minimum(first, ref.workdays[-1]), wait.astype(np.int64))
    second = np.where(again & (first < NEVER) & (second <= ref.today), second, NEVER)
    final = np.where(rng.random(m) < 0.85, 0, STATUSES.index("tidak_dapat_ditindaklanjuti"))
    one, two = np.flatnonzero(first < NEVER), np.flatnonzero(second < NEVER)
    source = np.concatenate([one, two])
    answer_day = np.concatenate([first[one], second[two]])
    order = np.lexsort((source, answer_day))
    states = np.concatenate([status[one], final[two]])[order]
    frame = _response_frame(rng, ref, fwd, source[order], answer_day[order], states)
    return frame, first


def _response_frame(
    rng: np.random.Generator,
    ref: _Reference,
    fwd: pd.DataFrame,
    source: np.ndarray,
    day: np.ndarray,
    status: np.ndarray,
) -> pd.DataFrame:
    """Response rows with per-agency letter numbering (a running number per year)."""
    agency = fwd["agency_pos"].to_numpy()[source]
    k = len(ref.agency_id)
    base, step = rng.integers(1, 400, k), rng.integers(1, 30, k)  # other letters in between
    rank = _running_number(agency * 10_000 + _year(day))
    groups = [RESPONSE_SUMMARIES[s] for s in STATUSES]
    count = np.array([len(g) for g in groups])
    first = np.concatenate([[0], np.cumsum(count)[:-1]])
    return pd.DataFrame(
        {
            "id": np.arange(1, len(source) + 1),
            "complaint_id": fwd["complaint_id"].to_numpy()[source],
            "agency_id": ref.agency_id[agency],
            "seq": base[agency] + step[agency] * (rank - 1),
            "code": _text(agency, [_letter_code(x) for x in ref.agency_label]),
            "class": _text(rng.integers(0, len(RESPONSE_CLASSES), k)[agency], RESPONSE_CLASSES),
            "day": day,
            "status": _text(status, STATUSES),
            "summary": _text(
                _pick(rng, first[status], count[status]), [t for g in groups for t in g]
            ),
            "created": _stamp(rng, day),
        }
    )


def _letter_code(label: str) -> str:
    """'Kemendagri' -> 'KEMENDAGRI'; 'Pemprov Papua Selatan' -> 'PEMPROV-PS'."""
    words = "".join(ch if ch.isalnum() else " " for ch in label.upper()).split() or ["INST"]
    if len("".join(words)) <= 12:
        return "".join(words)
    return words[0] + "-" + "".join(w[0] for w in words[1:])


def _reminders(
    rng: np.random.Generator, ref: _Reference, fwd: pd.DataFrame, first_answer: np.ndarray
) -> pd.DataFrame:
    """Konfirmasi letters for letters still unanswered after about 30 and 60 working days."""
    m, day = len(fwd), fwd["day"].to_numpy()
    due1 = _add_workdays(ref.workdays, day, 30 + rng.integers(0, 6, m))
    due2 = _add_workdays(ref.workdays, day, 60 + rng.integers(0, 6, m))
    sent1 = (due1 <= ref.today) & (due1 < first_answer) & (rng.random(m) < 0.6)
    sent2 = sent1 & (due2 <= ref.today) & (due2 < first_answer) & (rng.random(m) < 0.5)
    one, two = np.flatnonzero(sent1), np.flatnonzero(sent2)
    source = np.concatenate([one, two])
    kind = np.concatenate([np.zeros(len(one), np.int64), np.ones(len(two), np.int64)])
    letter_day = np.concatenate([due1[one], due2[two]])
    order = np.lexsort((kind, source, letter_day))
    return pd.DataFrame(
        {
            "id": np.arange(1, len(order) + 1),
            "forwarding_id": fwd["id"].to_numpy()[source[order]],
            "kind": _text(kind[order], ("konfirmasi_1", "konfirmasi_2")),
            "day": letter_day[order],
            "created": _stamp(rng, letter_day[order]),
        }
    )


def _number_outgoing(
    rng: np.random.Generator, forwarding: pd.DataFrame, reminder: pd.DataFrame
) -> None:
    """Registry numbers per year over all outgoing letters, with gaps for the ministry's
    other letters; a year the data starts in the middle of starts at a matching number."""
    days = np.concatenate([forwarding["day"].to_numpy(), reminder["day"].to_numpy()])
    order = np.lexsort((np.arange(len(days)), days))
    gaps = rng.integers(1, 6, len(days))
    total = np.cumsum(gaps)
    year = _year(days[order])
    first = np.searchsorted(year, year, side="left")
    new_year = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)
    per_day = total[-1] / max(days.max() - days.min(), 1) if len(days) else 0
    offset = np.rint((days[order][first] - new_year) * per_day).astype(np.int64)
    seq = np.empty(len(days), dtype=np.int64)
    seq[order] = total - total[first] + gaps[first] + offset
    forwarding["seq"] = seq[: len(forwarding)]
    reminder["seq"] = seq[len(forwarding) :]


# --- insert -----------------------------------------------------------------------------

_INSERT = {
    "complaint": """
        INSERT INTO complaint (id, agenda_no, received_on, channel, complainant_name,
               complainant_contact, province_code, regency, reported_agency_id, problem_code,
               category_code, summary, created_at)
        SELECT id,
               printf('DM-%d-%06d', year(DATE '1970-01-01' + received::INTEGER), seq),
               DATE '1970-01-01' + received::INTEGER,
               channel::VARCHAR,
               concat_ws(' ', first::VARCHAR, last::VARCHAR),
               CASE WHEN is_email
                    THEN concat(first_key::VARCHAR, separator::VARCHAR, last_key::VARCHAR,
                                CASE WHEN digits > 0 THEN digits::VARCHAR END,
                                '@', domain::VARCHAR)
                    ELSE concat(CASE WHEN intl THEN '+62' ELSE '0' END, prefix::VARCHAR,
                                CASE WHEN short_phone THEN printf('%07d', phone % 10000000)
                                     ELSE printf('%08d', phone) END)
               END,
               province::VARCHAR,
               regency::VARCHAR,
               agency_id,
               problem::VARCHAR,
               category::VARCHAR,
               replace(replace(template::VARCHAR, '{lokus}', regency::VARCHAR),
                       '{instansi}', instansi::VARCHAR),
               to_timestamp(created)
          FROM _demo_source
    """,
    "forwarding": """
        INSERT INTO forwarding (id, complaint_id, agency_id, letter_no, letter_date, created_at)
        SELECT id, complaint_id, agency_id,
               printf('B-%d/Kemensetneg/D-4/DM.04.00/%02d/%d', seq,
                      month(DATE '1970-01-01' + day::INTEGER),
                      year(DATE '1970-01-01' + day::INTEGER)),
               DATE '1970-01-01' + day::INTEGER,
               to_timestamp(created)
          FROM _demo_source
    """,
    "reminder": """
        INSERT INTO reminder (id, forwarding_id, kind, letter_no, letter_date, created_at)
        SELECT id, forwarding_id, kind::VARCHAR,
               printf('B-%d/Kemensetneg/D-4/DM.04.01/%02d/%d', seq,
                      month(DATE '1970-01-01' + day::INTEGER),
                      year(DATE '1970-01-01' + day::INTEGER)),
               DATE '1970-01-01' + day::INTEGER,
               to_timestamp(created)
          FROM _demo_source
    """,
    "response": """
        INSERT INTO response (id, complaint_id, agency_id, letter_no, response_date, status,
               summary, created_at)
        SELECT id, complaint_id, agency_id,
               printf('B-%d/%s/%s/%02d/%d', seq, code::VARCHAR, class::VARCHAR,
                      month(DATE '1970-01-01' + day::INTEGER),
                      year(DATE '1970-01-01' + day::INTEGER)),
               DATE '1970-01-01' + day::INTEGER,
               status::VARCHAR,
               summary::VARCHAR,
               to_timestamp(created)
          FROM _demo_source
    """,
}


def _insert(cur: duckdb.DuckDBPyConnection, tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    """Insert each frame through its SQL, parents first; return the row counts."""
    counts: dict[str, int] = {}
    for table in ("complaint", "forwarding", "reminder", "response"):
        cur.register("_demo_source", tables[table])
        try:
            cur.execute(_INSERT[table])
        finally:
            cur.unregister("_demo_source")
        counts[table] = len(tables[table])
    return counts
