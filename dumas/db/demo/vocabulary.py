"""The words the demo writes: summary and response templates, statuses, contacts."""

from __future__ import annotations

from dumas.domain.codes import ResponseStatus

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

STATUSES = (  # in the order of FIRST_STATUS_SHARE
    ResponseStatus.SELESAI,
    ResponseStatus.DALAM_PROSES,
    ResponseStatus.BUKAN_KEWENANGAN,
    ResponseStatus.TIDAK_DAPAT_DITINDAKLANJUTI,
    ResponseStatus.PERLU_KLARIFIKASI,
)
FIRST_STATUS_SHARE = (0.40, 0.34, 0.11, 0.07, 0.08)
RESPONSE_SUMMARIES = {
    ResponseStatus.SELESAI: (
        "Pengaduan telah ditindaklanjuti dan permasalahan dinyatakan selesai.",
        "Telah dilakukan klarifikasi dan penyelesaian; pengadu telah menerima penjelasan.",
        "Permohonan pengadu telah dipenuhi sesuai ketentuan.",
    ),
    ResponseStatus.DALAM_PROSES: (
        "Pengaduan sedang ditangani oleh unit kerja terkait.",
        "Telah dilakukan pemeriksaan awal; penanganan masih berlangsung.",
        "Pengaduan telah diteruskan kepada satuan kerja di daerah untuk ditindaklanjuti.",
    ),
    ResponseStatus.BUKAN_KEWENANGAN: (
        "Substansi pengaduan bukan merupakan kewenangan instansi kami.",
        "Pengaduan merupakan kewenangan pemerintah daerah setempat.",
    ),
    ResponseStatus.TIDAK_DAPAT_DITINDAKLANJUTI: (
        "Pengaduan tidak dapat ditindaklanjuti karena data pendukung tidak lengkap.",
        "Perkara telah berkekuatan hukum tetap sehingga tidak dapat ditindaklanjuti.",
    ),
    ResponseStatus.PERLU_KLARIFIKASI: (
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
