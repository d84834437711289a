"""The scheduled jobs in a real `streamlit run server.py`: a file dropped into the import
folder while the app serves is imported by the serving process, which holds the database."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from dumas.db import connect
from tests.browser_support import running_app
from tests.importing import row, xlsx


@pytest.mark.slow
@pytest.mark.server
def test_the_running_app_imports_a_file_dropped_into_its_folder_while_it_serves(
    db_path: Path, tmp_path: Path
):
    drop = tmp_path / "masuk"
    settings = {
        "DUMAS_JOBS": "1",  # the suite switches them off for every other server
        "DUMAS_JOBS_TICK_SECONDS": "1",
        "DUMAS_IMPORT_DROP": str(drop),
        "DUMAS_IMPORT_POLL_SECONDS": "1",
        "DUMAS_IMPORT_SETTLE_SECONDS": "1",
        "DUMAS_BACKUP_AT": "off",
        "DUMAS_REPORT_AT": "off",
    }
    with running_app(db_path, settings):
        drop.mkdir()
        (drop / "rekap-harian.xlsx").write_bytes(xlsx([row(agenda_no="SAJI-0001")]))
        deadline = time.monotonic() + 60
        while not list((drop / "done").glob("*.txt")) and time.monotonic() < deadline:
            time.sleep(0.2)
        [report] = (drop / "done").glob("rekap-harian-*.txt")
        assert report.read_text("utf-8").startswith("Impor selesai.\n")
        assert [p.name for p in drop.iterdir() if p.is_file()] == []
    db = connect(db_path)  # the app has stopped: its writes are in the file
    try:
        cur = db.cursor()
        assert cur.execute("SELECT agenda_no FROM complaint").fetchall() == [("SAJI-0001",)]
        runs = cur.execute("SELECT outcome, message FROM job_run WHERE job = 'import_drop'"
                           " AND outcome <> 'skipped'").fetchall()  # fmt: skip
        assert runs == [("ok", "1 berkas diimpor, 0 gagal.")]
        assert cur.execute(
            "SELECT count(*) FROM job_run WHERE job <> 'import_drop'"
        ).fetchone() == (0,)
    finally:
        db.close()
