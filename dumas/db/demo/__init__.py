"""Deterministic demo data: five years of complaints, letters, reminders and responses.

Every value is drawn column-wise with numpy from one seed (no Python loop per row) and
DuckDB builds the strings, so a million complaints take seconds. The same seed and the
same `today` give the same database (with the same Faker version for the name pools).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from dumas import config
from dumas.db import Database
from dumas.db.demo.complaints import draw_complaints
from dumas.db.demo.insert import insert_tables
from dumas.db.demo.letters import behaviour, forwardings, number_outgoing, reminders, responses
from dumas.db.demo.reference import Reference, agency_weights, name_pools, read_reference
from dumas.db.demo.weights import CHANNELS

__all__ = ["CHANNELS", "generate"]


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
    from dumas import services
    from dumas.db import facts
    from dumas.db.demo.people import NAMES
    from dumas.services.users import create_demo_accounts

    if complaints < 1:
        raise ValueError("The number of demo complaints must be at least 1.")
    today = today or config.today()
    with db.transaction() as cur:
        if cur.execute("SELECT count(*) FROM complaint").fetchone()[0]:
            raise ValueError("The database already has complaints: demo data needs an empty one.")
        # The frames are dropped as soon as they are inserted, before the commit.
        counts = insert_tables(cur, _build(read_reference(cur, today), complaints, seed))
        facts.refresh(cur)
        accounts = not cur.execute("SELECT count(*) FROM app_user").fetchall()[0][0]
        if accounts:
            create_demo_accounts(cur, NAMES)  # one per role; marks the database as a demo
        new = {"seed": seed, "today": today.isoformat(), "counts": counts}
        services.audit(cur, actor, "demo.generate", "database", None, None, new)
    if accounts:  # demo plans need the demo accounts (each plan step is its own write)
        from dumas.db.demo.monitorings import demo_settings, progress_demo_monitorings
        from dumas.db.demo.people import record_official_details
        from dumas.db.demo.plans import make_demo_plans
        from dumas.db.demo.reports import make_demo_reports
        from dumas.db.demo.timeline import timeline

        days = timeline(db, today)
        record_official_details(db)
        demo_settings(db, days)  # the plans' estimates take its SBM rates
        make_demo_plans(db, days)
        progress_demo_monitorings(db, days)
        make_demo_reports(db, today)
    return counts


def _build(ref: Reference, n: int, seed: int) -> dict[str, pd.DataFrame]:
    """All four tables as frames, drawn in a fixed order from one generator."""
    rng = np.random.default_rng(seed)
    weights = agency_weights(ref)
    complaint, agencies = draw_complaints(rng, ref, n, weights, name_pools(seed))
    forwarding = forwardings(rng, ref, complaint["received"].to_numpy(), agencies)
    rate, delay = behaviour(rng, ref, weights)
    response, first_answer = responses(rng, ref, forwarding, rate, delay)
    reminder = reminders(rng, ref, forwarding, first_answer)
    number_outgoing(rng, forwarding, reminder)
    return {
        "complaint": complaint,
        "forwarding": forwarding,
        "reminder": reminder,
        "response": response,
    }
