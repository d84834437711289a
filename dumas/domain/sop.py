"""What SOP 305/2012 itself says that the documents cite: its title and its Dasar Hukum.

The legal basis is the default of the editable list in the document settings
(dumas/queries/settings.py, key `legal_basis`): the full titles as the SOP's Dasar Hukum
writes them, then the SOP itself.
"""

from __future__ import annotations

TITLE = (
    "Standard Operating Procedure Nomor 305/2012 tentang Pemantauan Tindak Lanjut "
    "Pengaduan Masyarakat di Lingkungan Kementerian Sekretariat Negara"
)

LEGAL_BASIS: tuple[str, ...] = (
    "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik",
    "Peraturan Menteri Pendayagunaan Aparatur Negara Nomor: PER/05/M.PAN/4/2009 tentang "
    "Pedoman Umum Penanganan Pengaduan Masyarakat bagi Instansi Pemerintah",
    "Peraturan Menteri Sekretaris Negara Nomor 2 Tahun 2011 tentang Organisasi dan Tata "
    "Kerja Kementerian Sekretariat Negara",
    "Peraturan Menteri Sekretaris Negara Nomor 21 Tahun 2011 tentang Penyusunan dan Evaluasi "
    "Standard Operating Procedures Kementerian Sekretariat Negara",
    TITLE,
)
