"""A monitoring as the unit really has one, for the tests that print documents.

A team of three with 18-digit NIPs and pangkat, costs in the millions, an agency head's title
and city, several letters, activities, findings and a report with paragraphs: what shows a
column too narrow, a signature block split over two pages or a number wrapped mid-number.
"""

from __future__ import annotations

import datetime as dt

from dumas.render.documents.inputs import DocumentSettings, MonitoringDocument
from tests.test_documents import settings as _settings

ON = dt.date(2026, 5, 12)

TEAM = [
    {
        "name": "Dra. Rina Wulandari Kusumaningrum, M.Si.",
        "nip": "197505052000032004",
        "rank": "Pembina Tingkat I (IV/b)",
        "position": "Kepala Bidang Pemantauan Tindak Lanjut Pengaduan Masyarakat",
        "is_lead": True,
    },
    {
        "name": "Muhammad Rizky Pratama, S.H., M.H.",
        "nip": "198803152010121001",
        "rank": "Penata Tingkat I (III/d)",
        "position": "Kepala Subbidang Pemantauan Wilayah II",
        "is_lead": False,
    },
    {
        "name": "Anindya Puspitasari, S.Sos.",
        "nip": "199412202019032015",
        "rank": "Penata Muda (III/a)",
        "position": "Analis Pengaduan Masyarakat",
        "is_lead": False,
    },
]

COSTS = [
    {"item": "uang_harian", "person": TEAM[0]["name"], "planned": 1_720_000, "actual": 1_720_000},
    {"item": "uang_harian", "person": TEAM[1]["name"], "planned": 1_720_000, "actual": 1_720_000},
    {"item": "uang_harian", "person": TEAM[2]["name"], "planned": 1_720_000, "actual": 1_720_000},
    {"item": "transport", "person": None, "planned": 12_450_000, "actual": 11_987_500},
    {"item": "penginapan", "person": None, "planned": 6_000_000, "actual": 6_525_000},
]

_SUMMARIES = [
    "Sengketa tanah ulayat masyarakat adat di Kabupaten Manokwari yang belum diselesaikan",
    "Keterlambatan pembayaran ganti rugi pembebasan lahan jalan nasional",
    "Dugaan pungutan liar dalam pelayanan administrasi kependudukan di tingkat kecamatan",
    "Permohonan kejelasan status kepegawaian tenaga honorer yang telah mengabdi 15 tahun",
]


def letters() -> list[dict]:
    """Four forwarding letters still awaiting a response, with long numbers and ages."""
    return [
        {
            "agenda_no": f"PM-2026/01/{1234 + i:05d}",
            "letter_no": f"B-{1187 + i}/Kemensetneg/D-4/DM.04.02/01/2026",
            "letter_date": dt.date(2026, 1, 12 + i),
            "summary": summary,
            "status": "Belum ditanggapi",
            "age_wd": 1194 + i,
        }
        for i, summary in enumerate(_SUMMARIES)
    ]


def settings(**overrides: object) -> DocumentSettings:
    """The unit's settings with every official named and long titles."""
    return _settings(**overrides)  # type: ignore[return-value]


def monitoring(**overrides: object) -> MonitoringDocument:
    """A Kabid-led field visit of four days to the Attorney General's Office, fully recorded."""
    fields: dict = {
        "id": 41,
        "level": "kabid",
        "method": "kunjungan_lapangan",
        "agency": "Kejaksaan Agung Republik Indonesia",
        "agency_head": "Jaksa Agung Republik Indonesia",
        "agency_city": "Jakarta",
        "province": "DKI Jakarta",
        "schedule_from": dt.date(2026, 5, 18),
        "schedule_to": dt.date(2026, 5, 21),
        "days": 4,
        "plan_title": "Rencana Pemantauan Semester I",
        "plan_period": "Januari–Juni 2026",
        "approved_on": dt.date(2026, 5, 4),
        "team": TEAM,
        "letters": letters(),
        "scope": {
            "purpose": "Mengklarifikasi tindak lanjut empat surat penerusan pengaduan masyarakat "
            "yang belum ditanggapi lebih dari 1.000 hari kerja",
            "partner": "Jaksa Agung Muda Bidang Pengawasan",
            "mechanism": "Rapat koordinasi dan klarifikasi berkas per surat penerusan",
            "expected_results": "Tanggapan tertulis atas keempat surat dan jadwal penyelesaiannya",
            "expected_relationship": "Kerja sama penanganan pengaduan yang berkelanjutan",
        },
        "documents": {},
        "costs": COSTS,
        "activities": [
            {
                "kind_label": "Rapat koordinasi",
                "date": dt.date(2026, 5, 19),
                "place": "Ruang Rapat Jaksa Agung Muda Bidang Pengawasan, Gedung Bundar Lt. 3",
                "participants": "Tim Pemantauan (3 orang); Inspektur II dan dua staf",
                "summary": "Kejaksaan menjelaskan bahwa dua surat telah ditindaklanjuti.",
            },
            {
                "kind_label": "Klarifikasi berkas",
                "date": dt.date(2026, 5, 20),
                "place": "Sekretariat Jaksa Agung Muda Bidang Pengawasan",
                "participants": "Tim Pemantauan (3 orang); Kepala Bagian Pengaduan",
                "summary": "Berkas empat pengaduan diperiksa satu per satu.",
            },
        ],
        "agreements": [
            {
                "item": "Tanggapan tertulis atas dua surat yang belum dijawab",
                "responsible": "Jaksa Agung Muda Bidang Pengawasan",
                "due_on": dt.date(2026, 6, 30),
            }
        ],
        "results": [
            {
                "agenda_no": letter["agenda_no"],
                "letter_no": letter["letter_no"],
                "result_label": "Sudah ditindaklanjuti" if i < 2 else "Dalam proses",
                "evidence": "Surat Jaksa Agung Muda Bidang Pengawasan Nomor "
                f"B-{201 + i}/H/Hjw/05/2026",
                "recommendation": "Dipantau sampai tanggapan tertulis diterima",
            }
            for i, letter in enumerate(letters())
        ],
        "report": {
            "introduction": "Pemantauan dilaksanakan berdasarkan Rencana Pemantauan Semester I.\n"
            "Pemantauan ini merupakan tindak lanjut atas empat surat penerusan.",
            "execution": "Hari pertama: rapat koordinasi.\n\nHari kedua: klarifikasi berkas.",
            "analysis": "Dua dari empat pengaduan telah ditindaklanjuti.\n"
            "Dua lainnya masih dalam proses pemeriksaan oleh Inspektorat.",
            "conclusions": "Kejaksaan Agung telah menindaklanjuti sebagian pengaduan.",
            "recommendations": "Pemantauan lanjutan melalui surat konfirmasi pada bulan Juli.",
        },
        **overrides,
    }
    return MonitoringDocument(**fields)


# Issue 15 (document content): an indirect monitoring, and a report written at length.
AGENCY_LETTER = {"letter_no": "B-245/Kemensetneg/D-4/DM.04.02/05/2026", "signed_on": ON}


def long_analysis(characters: int = 10_000) -> str:
    """An analysis of numbered findings in three paragraphs, `characters` long at least:
    every finding's number shows whether the whole text was printed."""
    sentence = (
        "Temuan {n:03d}: surat penerusan belum ditanggapi karena disposisi di tingkat "
        "Inspektorat berhenti pada pemeriksaan pendahuluan tanpa batas waktu yang jelas."
    )
    findings: list[str] = []
    while sum(len(f) + 1 for f in findings) < characters:
        findings.append(sentence.format(n=len(findings) + 1))
    third = len(findings) // 3
    parts = (findings[:third], findings[third : 2 * third], findings[2 * third :])
    return "\n".join(" ".join(part) for part in parts)


def indirect(**overrides: object) -> MonitoringDocument:
    """The same agency chased by an official letter (an indirect way, no Surat Perintah):
    approved by the Asdep in step 3, its letter to the agency recorded as signed."""
    fields: dict = {
        "method": "surat_resmi",
        "schedule_from": dt.date(2026, 5, 12),
        "schedule_to": dt.date(2026, 5, 12),
        "days": 1,
        "costs": [],
        "documents": {"surat_instansi": AGENCY_LETTER},
        "activities": [
            {
                "kind_label": "Kontak elektronik",
                "date": dt.date(2026, 5, 13),
                "place": None,
                "participants": "Kepala Bagian Pengaduan Jaksa Agung Muda Bidang Pengawasan",
                "summary": "Konfirmasi penerimaan surat permintaan informasi.",
            }
        ],
        **overrides,
    }
    return monitoring(**fields)
