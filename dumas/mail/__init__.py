"""Notices by e-mail (README "Notices by e-mail", docs/decisions/0018): addresses checked,
messages built (text and HTML parts, attachments), sent through SMTP, and the daily digest
of "Menunggu Saya" composed from the inbox's own query. No Streamlit here; the writes (the
mail log, the preferences) are services (dumas/services/mail.py, notices.py)."""
