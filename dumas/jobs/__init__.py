"""Scheduled jobs of the serving process (docs/decisions/0013): the nightly backup, the
import drop folder and the draft periodic reports, run by a small scheduler thread; each
run recorded in job_run and shown on "Tugas Terjadwal". No Streamlit here: server.py
starts the scheduler (dumas/ui/scheduling.py)."""
