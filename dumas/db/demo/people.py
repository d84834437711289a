"""The demo's people: a name with degrees, an 18-digit NIP, pangkat/golongan and jabatan
for each demo account (one per role), and the officials the documents name.

A NIP reads birth date (8 digits), appointment month (6), sex (1: male, 2: female) and a
sequence number (3), as a civil servant's does. The people are invented.
"""

from __future__ import annotations

from dataclasses import dataclass

from dumas.db import Database
from dumas.services import users


@dataclass(frozen=True)
class Person:
    name: str
    nip: str
    rank: str  # pangkat/golongan
    position: str  # jabatan


# By demo account (the role's name).
PEOPLE: dict[str, Person] = {
    "analis": Person(
        "Rizky Ananda Putri, S.Sos.",
        "199203152015032001",
        "Penata (III/c)",
        "Analis Kebijakan Ahli Muda",
    ),
    "kasubbid": Person(
        "Hendra Wijaya, S.H., M.H.",
        "198306202008011003",
        "Penata Tingkat I (III/d)",
        "Kepala Subbidang Pemantauan I",
    ),
    "kabid": Person(
        "Dr. Sri Wahyuni Lestari, S.IP., M.Si.",
        "197609142001122001",
        "Pembina (IV/a)",
        "Kepala Bidang Pemantauan I",
    ),
    "asdep": Person(
        "Drs. Bambang Setiawan, M.A.P.",
        "196811031994031002",
        "Pembina Utama Muda (IV/c)",
        "Asisten Deputi Pengaduan Masyarakat",
    ),
    "deputi": Person(
        "Dr. Andi Rahman Hakim, S.H., M.H.",
        "196503171990031001",
        "Pembina Utama (IV/e)",
        "Deputi Bidang Hubungan Kelembagaan dan Kemasyarakatan",
    ),
    "ppk": Person(
        "Yuliana Kusumawati, S.E., M.Ak.",
        "198001252005012002",
        "Penata Tingkat I (III/d)",
        "Pejabat Pembuat Komitmen",
    ),
    "bpp": Person(
        "Agus Prasetyo, A.Md.",
        "198709082010121001",
        "Pengatur Tingkat I (II/d)",
        "Bendahara Pengeluaran Pembantu",
    ),
    "pimpinan": Person(
        "Ir. Haryanto Sudarmo, M.Sc.",
        "196912051995031001",
        "Pembina Utama Madya (IV/d)",
        "Staf Ahli Menteri Sekretaris Negara",
    ),
    "admin": Person(
        "Teguh Santoso, S.Kom.",
        "199011212014021001",
        "Penata Muda Tingkat I (III/b)",
        "Pranata Komputer Ahli Pertama",
    ),
}
# Signs the travel facilities but has no account in the demo.
HEAD_OF_FINANCE = Person(
    "Dra. Ratna Dewi Anggraini, M.M.",
    "196907221993032001",
    "Pembina Utama Muda (IV/c)",
    "Kepala Biro Keuangan",
)
NAMES = {username: person.name for username, person in PEOPLE.items()}


def record_official_details(db: Database) -> None:
    """Each demo account's NIP, pangkat/golongan and jabatan, entered by the administrator."""
    from dumas.db.demo.plans import user

    admin = user(db, "admin")
    for username, person in PEOPLE.items():
        account = db.cursor().execute(
            "SELECT id, revision FROM app_user WHERE username = $u", {"u": username}
        )
        uid, revision = account.fetchall()[0]
        users.set_official_details(db, admin, uid, revision=revision, nip=person.nip,
                                   rank=person.rank, position=person.position)  # fmt: skip
