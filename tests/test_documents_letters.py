"""What each official document says: addressees, signatories by level, tables and totals."""

from __future__ import annotations

import datetime as dt

from dumas.render.documents import (
    DOTS,
    assignment_letter,
    files_to_clarify,
    letter_to_agency,
    memo_to_deputi,
    substance_report,
    travel_request_memo,
)
from dumas.render.documents.inputs import MonitoringDocument
from tests.test_documents import (
    ANALYST,
    ASDEP,
    BIRO,
    DEPUTI,
    LEAD,
    ON,
    PPK,
    letter,
    lines,
    monitoring,
    open_docx,
    rows,
    settings,
    signature_of,
    table_with,
)

LETTER_HEADER = ["No", "No Agenda, Nomor dan Tanggal Surat Penerusan", "Ringkasan", "Status"]


def _labels(doc: object) -> dict[str, str]:
    """The "Label : value" pairs of the borderless label blocks."""
    found = {}
    for table in doc.tables:
        for row in rows(table):
            if len(row) >= 3 and row[1] == ":":
                found[row[0]] = row[2]
    return found


def _clauses(doc: object, label: str) -> list[tuple[str, str]]:
    """The (marker, text) clauses of the block labelled `label` ("Menimbang", "Untuk" ...)."""
    table = next(t for t in doc.tables if rows(t)[0][0] == label)
    return [(row[2], row[3]) for row in rows(table)]


# Memorandum Asdep -> Deputi (SOP step 4a(1))


def test_proposal_memo_goes_from_the_asdep_to_the_deputi_and_is_signed_by_the_asdep():
    doc = open_docx(memo_to_deputi(settings(), monitoring(), ON))
    labels = _labels(doc)
    assert labels["Yth."] == DEPUTI["title"] and labels["Dari"] == ASDEP["title"]
    assert labels["Tanggal"] == "12 Mei 2026"
    assert "Kementerian Dalam Negeri" in labels["Hal"]
    assert signature_of(doc, ASDEP["title"]) == (ASDEP["name"], f"NIP {ASDEP['nip']}")


def test_proposal_memo_names_the_six_scope_items_and_points_to_the_attached_matrix():
    doc = open_docx(memo_to_deputi(settings(), monitoring(), ON))
    items = [p.text for p in doc.paragraphs if p.text[:2] in {"a)", "b)", "c)", "d)", "e)", "f)"}]
    assert [i[:2] for i in items] == ["a)", "b)", "c)", "d)", "e)", "f)"]
    assert "Inspektorat Jenderal" in items[1] and "Rapat koordinasi" in items[2]
    assert "2 surat" in items[5] and "terlampir" in items[5]


def test_proposal_memo_attaches_the_letters_with_a_header_row_and_their_agenda_numbers():
    doc = open_docx(memo_to_deputi(settings(), monitoring(), ON))
    table = table_with(doc, LETTER_HEADER[1])
    assert table[0] == LETTER_HEADER
    # the agenda number, the letter number and its date stacked in one column
    assert [r[1].split("\n")[0] for r in table[1:]] == ["D-2026-0101", "D-2026-0102"]
    assert table[1][1] == "D-2026-0101\nB-55/Kemensetneg/D-4/DM.00.00/01/2026\n10 Januari 2026"
    assert table[1][3] == "Belum ditanggapi (80 hari kerja)"
    header_cells = doc.tables[-1].rows[0].cells
    assert all(run.bold for c in header_cells for run in c.paragraphs[0].runs)


def test_a_missing_scope_item_prints_dots_for_the_drafter_to_fill():
    scope = {"purpose": None, "partner": "Inspektorat Jenderal"}
    doc = open_docx(memo_to_deputi(settings(), monitoring(scope=scope), ON))
    assert f"a)\tTujuan perjalanan dinas: {DOTS};" in lines(doc)


# Surat Perintah: the signatory follows the level (SOP step 4a(2))


def test_assignment_letter_for_a_kabid_led_monitoring_is_signed_by_the_asdep():
    doc = open_docx(assignment_letter(settings(), monitoring(level="kabid"), ON))
    assert signature_of(doc, ASDEP["title"]) == (ASDEP["name"], f"NIP {ASDEP['nip']}")
    assert "Jakarta, 12 Mei 2026" in lines(doc)
    assert PPK["name"] not in "\n".join(lines(doc))


def test_assignment_letter_for_an_asdep_led_monitoring_is_signed_by_the_ppk():
    doc = open_docx(assignment_letter(settings(), monitoring(level="asdep"), ON))
    assert signature_of(doc, PPK["title"]) == (PPK["name"], f"NIP {PPK['nip']}")
    assert ASDEP["name"] not in "\n".join(lines(doc))


def test_assignment_letter_considers_orders_and_lists_the_team_in_the_kepada_table():
    doc = open_docx(assignment_letter(settings(), monitoring(), ON))
    texts = lines(doc)
    assert "MEMERINTAHKAN:" in texts
    team = table_with(doc, "Pangkat/Golongan")
    assert team[0] == ["No", "Nama", "NIP", "Pangkat/Golongan", "Jabatan"]
    assert team[1] == ["1", LEAD["name"], LEAD["nip"], LEAD["rank"], LEAD["position"]]
    assert team[2] == ["2", ANALYST["name"], DOTS, DOTS, "Analis"]
    considering = _clauses(doc, "Menimbang")
    assert [m for m, _ in considering] == ["a.", "b."]
    assert all(text.startswith("bahwa ") for _, text in considering)


def test_assignment_letter_tasks_say_where_when_and_to_whom_to_report():
    doc = open_docx(assignment_letter(settings(), monitoring(level="asdep"), ON))
    tasks = dict(_clauses(doc, "Untuk"))
    assert "Kementerian Dalam Negeri di DKI Jakarta" in tasks["1."]
    assert "18 Mei 2026 sampai dengan tanggal 21 Mei 2026" in tasks["1."]
    assert tasks["2."] == f"melaporkan hasil pelaksanaan tugas kepada {DEPUTI['title']};"
    grounds = dict(_clauses(doc, "Dasar"))  # the SOP's Dasar Hukum, the SOP, then the plan
    assert grounds["1."] == "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik;"
    assert "Nomor 305/2012" in grounds["5."]
    assert grounds["6."].startswith("Rencana Pemantauan Semester I periode Januari–Juni 2026")


# Memorandum PPK -> Kepala Biro Keuangan (SOP step 4a(3))

DAILY, TICKET, HOTEL, CAR = 530_000, 2_500_000, 850_000, 1_200_000


def _costs() -> list[dict]:
    """Three people for four days, two plane tickets, three people for three nights, a car."""
    people = ["Rina Wulandari", "Dedi Kurniawan", "Sari Dewi"]
    daily = [{"item": "uang_harian", "person": p, "planned": DAILY * 4} for p in people]
    tickets = [{"item": "transport", "person": p, "planned": TICKET} for p in people[:2]]
    hotel = [{"item": "penginapan", "person": p, "planned": HOTEL * 3} for p in people]
    car = [{"item": "sewa_kendaraan", "person": None, "planned": CAR, "actual": None}]
    return daily + tickets + hotel + car


def test_travel_memo_totals_the_planned_costs_exactly():
    doc = open_docx(travel_request_memo(settings(), monitoring(costs=_costs()), ON))
    expected = 3 * 530_000 * 4 + 2 * 2_500_000 + 3 * 850_000 * 3 + 1_200_000
    assert expected == 20_210_000
    costs = table_with(doc, "Uraian")
    assert costs[0] == ["No", "Uraian", "Pelaksana", "Jumlah"]
    assert costs[-1] == ["", "JUMLAH", "", "Rp20.210.000"]
    assert costs[1] == ["1", "Uang harian", "Rina Wulandari", "Rp2.120.000"]
    assert costs[-2][1:] == ["Sewa kendaraan", "Tim", "Rp1.200.000"]
    assert any("perkiraan biaya sebesar Rp20.210.000." in t for t in lines(doc))


def test_travel_memo_goes_from_the_ppk_to_the_finance_bureau_with_the_nominal_list():
    doc = open_docx(travel_request_memo(settings(), monitoring(costs=_costs()), ON))
    labels = _labels(doc)
    assert labels["Yth."] == BIRO["title"] and labels["Dari"] == PPK["title"]
    assert signature_of(doc, PPK["title"]) == (PPK["name"], f"NIP {PPK['nip']}")
    nominal = table_with(doc, "Berangkat–Kembali")
    assert nominal[0] == [
        "No",
        "Nama/NIP",
        "Pangkat/Gol.",
        "Jabatan",
        "Tujuan",
        "Berangkat–Kembali",
        "Lama hari",
    ]
    assert nominal[1][1] == f"{LEAD['name']}\n{LEAD['nip']}"  # the NIP under the name
    assert nominal[1][4:] == ["Jakarta, DKI Jakarta", "18 Mei 2026 – 21 Mei 2026", "4"]


def test_travel_memo_cites_the_assignment_letter_once_it_is_numbered():
    signed = {
        "surat_tugas": {
            "letter_no": "B-77/Kemensetneg/D-4/DM.00.00/05/2026",
            "signed_on": dt.date(2026, 5, 11),
        }
    }
    doc = open_docx(travel_request_memo(settings(), monitoring(documents=signed), ON))
    opening = "Berdasarkan Surat Perintah Nomor B-77/Kemensetneg/D-4/DM.00.00/05/2026 tanggal"
    assert any(t.startswith(f"{opening} 11 Mei 2026") for t in lines(doc))


# Daftar berkas (SOP step 4b)


def test_files_to_clarify_list_the_letters_and_are_signed_by_the_team_lead():
    indirect = monitoring(method="klarifikasi_berkas", team=[ANALYST, LEAD])
    doc = open_docx(files_to_clarify(settings(), indirect, ON))
    assert _labels(doc)["Instansi"] == "Kementerian Dalam Negeri"
    table = table_with(doc, LETTER_HEADER[1])
    assert table[0] == LETTER_HEADER
    assert [r[1].split("\n")[0] for r in table[1:]] == ["D-2026-0101", "D-2026-0102"]
    # the lead signs even when listed second
    assert signature_of(doc, "Ketua Tim") == (LEAD["name"], f"NIP {LEAD['nip']}")


# Surat dinas to the agency (SOP step 6b(2))


def test_agency_letter_cites_each_forwarding_letter_as_a_numbered_point():
    doc = open_docx(letter_to_agency(settings(), monitoring(), ON))
    texts = lines(doc)
    assert "1.\tNomor B-55/Kemensetneg/D-4/DM.00.00/01/2026 tanggal 10 Januari 2026;" in texts
    assert "2.\tNomor B-56/Kemensetneg/D-4/DM.00.00/01/2026 tanggal 12 Januari 2026." in texts
    assert any("14 (empat belas) hari kerja" in t for t in texts)
    assert "Atas perhatian dan kerja sama Saudara, kami ucapkan terima kasih." in texts


def test_agency_letter_cites_a_single_letter_inline():
    one = monitoring(letters=[letter("D-2026-0101", 55, 10)])
    texts = lines(open_docx(letter_to_agency(settings(), one, ON)))
    cited = "Nomor B-55/Kemensetneg/D-4/DM.00.00/01/2026 tanggal 10 Januari 2026"
    assert any(t.startswith(f"Menindaklanjuti surat kami {cited}") for t in texts)
    assert not any(t.startswith("1.\t") for t in texts)


def test_agency_letter_heads_with_number_and_date_and_is_signed_by_the_asdep_copy_to_deputi():
    doc = open_docx(letter_to_agency(settings(), monitoring(), ON))
    head = rows(doc.tables[0])
    # the number is too long to share its line with the date: the date goes above, right
    assert doc.paragraphs[0].text == "Jakarta, 12 Mei 2026"
    assert doc.paragraphs[0].alignment == 2
    assert head[0] == ["Nomor", ":", "B-.../Kemensetneg/D-4/DM.00.00/05/2026", ""]
    assert [r[0] for r in head] == ["Nomor", "Sifat", "Lampiran", "Hal"]
    assert head[1][2] == "Biasa"
    texts = lines(doc)
    assert texts[texts.index("Yth. Menteri Dalam Negeri") + 1 :][:2] == [
        "Kementerian Dalam Negeri",
        "di Jakarta",
    ]
    assert signature_of(doc, ASDEP["title"]) == (ASDEP["name"], f"NIP {ASDEP['nip']}")
    assert texts[texts.index("Tembusan:") + 1] == DEPUTI["title"]


def test_agency_letter_without_a_known_head_or_city_leaves_them_dotted_never_guessed():
    unknown = monitoring(agency_head=None, agency_city=None)
    texts = lines(open_docx(letter_to_agency(settings(), unknown, ON)))
    at = texts.index(f"Yth. {DOTS}")
    assert texts[at : at + 3] == [f"Yth. {DOTS}", "Kementerian Dalam Negeri", f"di {DOTS}"]
    assert not [x for x in texts if "Pimpinan" in x or "Tempat" in x]


# Laporan hasil pemantauan (SOP steps 7-8)


def _reported(**overrides: object) -> MonitoringDocument:
    """A monitoring with its activities, results, agreements and narrative filled in."""
    return monitoring(
        activities=[
            {
                "kind_label": "Rapat koordinasi",
                "date": dt.date(2026, 5, 18),
                "place": "Kantor Itjen Kemendagri",
                "participants": "Itjen, Biro Hukum",
                "summary": "Membahas dua surat",
            }
        ],
        results=[
            {
                "agenda_no": "D-2026-0101",
                "letter_no": "B-55",
                "result_label": "Dalam proses",
                "evidence": "Notulen rapat",
                "recommendation": None,
            }
        ],
        agreements=[
            {
                "item": "Tanggapan tertulis dalam 30 hari",
                "responsible": "Itjen",
                "due_on": dt.date(2026, 6, 30),
            }
        ],
        report={"introduction": "Pengantar.", "analysis": "Tanggapan terlambat."},
        **overrides,
    )


def test_report_of_a_kabid_led_monitoring_is_addressed_to_the_asdep_and_signed_by_the_lead():
    doc = open_docx(substance_report(settings(), _reported(level="kabid"), ON))
    assert _labels(doc)["Kepada Yth."] == ASDEP["title"]
    assert signature_of(doc, "Ketua Tim") == (LEAD["name"], f"NIP {LEAD['nip']}")


def test_report_of_an_asdep_led_monitoring_is_addressed_to_the_deputi():
    doc = open_docx(substance_report(settings(), _reported(level="asdep"), ON))
    assert _labels(doc)["Kepada Yth."] == DEPUTI["title"]


def test_report_has_sections_a_to_f_and_cites_the_recorded_assignment_letter():
    signed = {
        "surat_tugas": {
            "letter_no": "B-77/Kemensetneg/D-4/DM.00.00/05/2026",
            "signed_on": dt.date(2026, 5, 11),
        }
    }
    texts = lines(open_docx(substance_report(settings(), _reported(documents=signed), ON)))
    sections = [t for t in texts if t[:3] in {"A. ", "B. ", "C. ", "D. ", "E. ", "F. "}]
    assert [s[0] for s in sections] == list("ABCDEF")
    assert (
        "f.\tSurat Perintah Nomor B-77/Kemensetneg/D-4/DM.00.00/05/2026 tanggal 11 Mei 2026."
        in texts
    )
    assert any("Nomor 305/2012" in t for t in texts)
    assert "Pengantar." in texts and "Tanggapan terlambat." in texts


def test_report_tabulates_activities_results_and_agreements():
    doc = open_docx(substance_report(settings(), _reported(), ON))
    activities = table_with(doc, "Kegiatan")
    assert activities[0] == ["No", "Tanggal", "Kegiatan", "Tempat", "Peserta"]
    assert activities[1][:3] == ["1", "18 Mei 2026", "Rapat koordinasi\nMembahas dua surat"]
    results = table_with(doc, "Rekomendasi")
    assert results[0] == ["No", "No Agenda/Nomor Surat", "Hasil/Bukti", "Rekomendasi"]
    assert results[1] == ["1", "D-2026-0101\nB-55", "Dalam proses\nNotulen rapat", DOTS]
    agreements = table_with(doc, "Kesepakatan")
    assert agreements[1] == ["1", "Tanggapan tertulis dalam 30 hari", "Itjen", "30 Juni 2026"]
