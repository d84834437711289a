-- Dumas Monitor schema. All DDL lives here, as named migrations applied in order
-- at start-up and recorded in schema_migration (see dumas/db/). A migration is
-- never edited once released: add a new one below.
--
-- No FOREIGN KEY clauses: DuckDB executes an UPDATE of an indexed column as a delete
-- and an insert, which a foreign key pointing at the row refuses (its documented
-- limitation), so agency merges and import updates would fail. References are checked
-- by the services instead, and tests/test_demo.py looks for orphans in the demo database
-- (docs/decisions/0001-no-foreign-keys.md).

-- migration: 0001_core
CREATE TABLE IF NOT EXISTS meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE TABLE province (
    code VARCHAR PRIMARY KEY,          -- Kemendagri code, e.g. '31' DKI Jakarta
    name VARCHAR NOT NULL UNIQUE
);

CREATE TABLE problem_code (
    code VARCHAR PRIMARY KEY CHECK (length(code) = 2),   -- kode masalah 01..10
    name VARCHAR NOT NULL
);

CREATE TABLE category (
    code VARCHAR PRIMARY KEY,          -- substance category
    name VARCHAR NOT NULL
);

CREATE TABLE agency_category (
    code VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL
);

CREATE TABLE agency (
    id            INTEGER PRIMARY KEY,
    name          VARCHAR NOT NULL UNIQUE,
    short_name    VARCHAR,
    category_code VARCHAR NOT NULL,
    province_code VARCHAR,
    head_title    VARCHAR,            -- office title of the agency's head (letters)
    city          VARCHAR,
    from_import   BOOLEAN NOT NULL DEFAULT false  -- created by an import, to be merged
);

CREATE TABLE agency_alias (
    alias_key VARCHAR PRIMARY KEY,     -- normalised: lower case, single spaces
    alias     VARCHAR NOT NULL,
    agency_id INTEGER NOT NULL
);

CREATE TABLE complaint (
    id                  BIGINT PRIMARY KEY,
    agenda_no           VARCHAR NOT NULL UNIQUE,
    received_on         DATE NOT NULL,
    channel             VARCHAR     -- NULL when an imported sheet does not say
        CHECK (channel IN ('surat', 'email', 'lapor', 'langsung', 'whatsapp')),
    complainant_name    VARCHAR,      -- personal data
    complainant_contact VARCHAR,      -- personal data
    province_code       VARCHAR,
    regency             VARCHAR,
    reported_agency_id  INTEGER,
    problem_code        VARCHAR,
    category_code       VARCHAR,
    summary             VARCHAR,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

CREATE TABLE forwarding (
    id           BIGINT PRIMARY KEY,
    complaint_id BIGINT NOT NULL,
    agency_id    INTEGER NOT NULL,
    letter_no    VARCHAR NOT NULL UNIQUE,   -- no duplicate forwarding letter number
    letter_date  DATE NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

CREATE TABLE reminder (
    id            BIGINT PRIMARY KEY,
    forwarding_id BIGINT NOT NULL,
    kind          VARCHAR NOT NULL CHECK (kind IN ('konfirmasi_1', 'konfirmasi_2')),
    letter_no     VARCHAR NOT NULL UNIQUE,
    letter_date   DATE NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

CREATE TABLE response (
    id            BIGINT PRIMARY KEY,
    complaint_id  BIGINT NOT NULL,
    agency_id     INTEGER NOT NULL,
    letter_no     VARCHAR NOT NULL,
    response_date DATE NOT NULL,
    status        VARCHAR NOT NULL CHECK (status IN (
        'dalam_proses', 'selesai', 'bukan_kewenangan',
        'tidak_dapat_ditindaklanjuti', 'perlu_klarifikasi')),
    summary       VARCHAR,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    UNIQUE (agency_id, letter_no)      -- an agency's letter is recorded once
);

-- Working-day calendar: one row per date; wd_index counts working days up to and
-- including d, so "working days from a to b" is wd_index(b) - wd_index(a).
CREATE TABLE calendar_day (
    d          DATE PRIMARY KEY,
    is_working BOOLEAN NOT NULL,
    wd_index   INTEGER NOT NULL,
    holiday    VARCHAR                 -- name of the holiday or cuti bersama, if any
);

-- Administrator corrections to the holiday calendar (decree changes).
CREATE TABLE calendar_override (
    d          DATE PRIMARY KEY,
    is_working BOOLEAN NOT NULL,
    note       VARCHAR NOT NULL
);

-- Append-only audit trail: every write appends one row in its own transaction.
CREATE TABLE audit_log (
    id        BIGINT PRIMARY KEY,
    logged_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    actor     VARCHAR NOT NULL,
    action    VARCHAR NOT NULL,
    entity    VARCHAR NOT NULL,
    entity_id VARCHAR,
    old_value JSON,
    new_value JSON
);

-- migration: 0002_reference_data
-- (Python step: loads data/reference/*.csv and builds calendar_day; see db.py)

-- migration: 0003_letter_fact
-- One row per forwarding letter with what its figures need, kept in step with the base
-- tables and the calendar by dumas/db/facts.py inside every write transaction. Nothing here
-- depends on a date: letter_facts(as_of) in figures.sql derives answered, age and status
-- at any date. It exists for speed: the dashboard scans one table, no joins per letter.
CREATE TABLE letter_fact (
    forwarding_id     BIGINT NOT NULL,  -- no index: derived rows, rebuilt by complaint
    complaint_id      BIGINT NOT NULL,
    agency_id         INTEGER NOT NULL,
    letter_no         VARCHAR NOT NULL,
    letter_date       DATE NOT NULL,
    letter_wd         INTEGER NOT NULL, -- calendar_day.wd_index of letter_date
    agenda_no         VARCHAR NOT NULL,
    received_on       DATE NOT NULL,
    channel           VARCHAR,
    province_code     VARCHAR,
    category_code     VARCHAR,
    problem_code      VARCHAR,
    first_response_on DATE,             -- the agency's first response on or after the letter
    first_response_wd INTEGER,          -- calendar_day.wd_index of first_response_on
    responses         STRUCT(d DATE, id BIGINT, status VARCHAR)[],  -- those responses, in order
    reminder_dates    DATE[]            -- surat konfirmasi sent about this letter, in order
);
-- (Python step: fills letter_fact from the base tables; see db.py)

-- migration: 0004_accounts
CREATE TABLE app_user (
    id              INTEGER PRIMARY KEY,
    username        VARCHAR NOT NULL UNIQUE,   -- stored lower case
    full_name       VARCHAR NOT NULL,
    password_hash   VARCHAR NOT NULL,          -- scrypt (memory-hard), see dumas/services/auth.py
    is_active       BOOLEAN NOT NULL DEFAULT true,
    bidang          VARCHAR,                   -- for Kasubbid and Kabid
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

CREATE TABLE user_role (
    user_id INTEGER NOT NULL,
    role    VARCHAR NOT NULL CHECK (role IN ('analis', 'kasubbid', 'kabid', 'asdep', 'deputi',
                                             'ppk', 'bpp', 'pimpinan', 'admin')),
    PRIMARY KEY (user_id, role)
);

-- A signed-in browser: the cookie holds the token, the table only its SHA-256.
CREATE TABLE user_session (
    token_hash VARCHAR PRIMARY KEY,
    user_id    INTEGER NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen  TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    ended_at   TIMESTAMPTZ                 -- signed out, or ended by an administrator
);

-- migration: 0005_monitoring_plan
-- The monitoring-plan matrix (SOP steps 1-3) and the monitorings it approves. States and
-- actions are checked by dumas/domain/plan_flow.py (the transition table); the CHECKs here only
-- keep impossible values out.
CREATE TABLE plan (
    id           INTEGER PRIMARY KEY,
    title        VARCHAR NOT NULL,
    period_label VARCHAR NOT NULL,            -- e.g. "Semester I 2026"
    source       VARCHAR NOT NULL CHECK (source IN ('database', 'work_programme')),
    bidang       VARCHAR,                     -- whose Kasubbid and Kabid handle it (NULL: any)
    state        VARCHAR NOT NULL CHECK (state IN ('draft', 'submitted', 'discussion',
                     'proposed', 'awaiting_deputi', 'decided', 'rejected', 'cancelled')),
    version      INTEGER NOT NULL DEFAULT 0,  -- times submitted: a resubmission is a new version
    revision     INTEGER NOT NULL DEFAULT 1,  -- bumped by every write; a stale screen is refused
    state_since  TIMESTAMPTZ NOT NULL,
    created_by   INTEGER NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL
);

-- One row of the matrix: a target agency (and locus) with what the analyst proposes.
-- Money in whole rupiah as DECIMAL: the estimate is computed in SQL (queries/plans.py).
CREATE TABLE plan_row (
    id              INTEGER PRIMARY KEY,
    plan_id         INTEGER NOT NULL,
    agency_id       INTEGER NOT NULL,
    province_code   VARCHAR,                  -- the locus
    origin          VARCHAR NOT NULL CHECK (origin IN ('database', 'work_programme')),
    origin_reason   VARCHAR,                  -- required for work-programme rows
    method          VARCHAR CHECK (method IN ('kunjungan_lapangan', 'klarifikasi_berkas',
                        'kontak_elektronik', 'surat_resmi')),
    priority        VARCHAR CHECK (priority IN ('tinggi', 'sedang', 'rendah')),
    priority_reason VARCHAR,
    schedule_from   DATE,
    schedule_to     DATE,
    level           VARCHAR CHECK (level IN ('kabid', 'asdep')),  -- who leads it
    team_lead       INTEGER,                  -- app_user.id
    team            INTEGER[] NOT NULL DEFAULT [],  -- app_user.id of the members (lead too)
    persons         INTEGER CHECK (persons >= 0),
    days            INTEGER CHECK (days >= 0),
    transport       DECIMAL(15, 0) CHECK (transport >= 0),  -- per person, return trip
    lodging         DECIMAL(15, 0) CHECK (lodging >= 0),    -- per person-night
    allowance       DECIMAL(15, 0) CHECK (allowance >= 0),  -- uang harian, per person-day
    status          VARCHAR NOT NULL DEFAULT 'pending' CHECK (status IN (
                        'pending', 'awaiting_deputi', 'approved', 'rejected')),
    decision_note   VARCHAR,                  -- the latest direction or reason for this row
    position        INTEGER NOT NULL
);

-- The forwarding letters a row will clarify; a letter is in at most one row of a plan.
CREATE TABLE plan_letter (
    plan_id       INTEGER NOT NULL,
    plan_row_id   INTEGER NOT NULL,
    forwarding_id BIGINT NOT NULL,
    PRIMARY KEY (plan_id, forwarding_id)
);

-- Every transition and every discussion note, in order (the SOP checklist reads it).
CREATE TABLE plan_event (
    id         INTEGER PRIMARY KEY,
    plan_id    INTEGER NOT NULL,
    occurred_at TIMESTAMPTZ NOT NULL,
    actor_id   INTEGER NOT NULL,
    action     VARCHAR NOT NULL,
    from_state VARCHAR NOT NULL,
    to_state   VARCHAR NOT NULL,
    version    INTEGER NOT NULL,
    note       VARCHAR,
    rows       JSON                          -- the matrix as it stood after the event
);

-- An approved row, carried through SOP steps 4-8 (dumas/domain/monitoring_flow.py MonitoringState).
CREATE TABLE monitoring (
    id            INTEGER PRIMARY KEY,
    plan_id       INTEGER NOT NULL,
    plan_row_id   INTEGER NOT NULL UNIQUE,
    agency_id     INTEGER NOT NULL,
    province_code VARCHAR,
    level         VARCHAR NOT NULL CHECK (level IN ('kabid', 'asdep')),
    method        VARCHAR NOT NULL,
    team_lead     INTEGER NOT NULL,
    schedule_from DATE,
    schedule_to   DATE,
    estimated_cost DECIMAL(18, 0),
    state         VARCHAR NOT NULL DEFAULT 'preparation' CHECK (state IN ('preparation',
                      'coordination', 'execution', 'reporting', 'submission', 'closed')),
    approved_by   INTEGER NOT NULL,           -- the last approver (Asdep, or Deputi)
    approved_at   TIMESTAMPTZ NOT NULL
);

CREATE TABLE monitoring_member (
    monitoring_id INTEGER NOT NULL,
    user_id       INTEGER NOT NULL,
    is_lead       BOOLEAN NOT NULL,
    PRIMARY KEY (monitoring_id, user_id)
);

CREATE TABLE monitoring_letter (
    monitoring_id INTEGER NOT NULL,
    forwarding_id BIGINT NOT NULL,
    PRIMARY KEY (monitoring_id, forwarding_id)
);

-- migration: 0006_monitoring_steps
-- SOP steps 4-8 of an approved monitoring: scope, signed documents, coordination, the
-- execution log, per-letter results, the reports, money, and where they went.
ALTER TABLE monitoring ADD COLUMN state_since TIMESTAMPTZ;
ALTER TABLE monitoring ADD COLUMN revision INTEGER DEFAULT 1;
UPDATE monitoring SET state_since = approved_at, revision = 1;
ALTER TABLE app_user ADD COLUMN nip VARCHAR;       -- for assignment letters and lists
ALTER TABLE app_user ADD COLUMN rank VARCHAR;      -- pangkat/golongan
ALTER TABLE app_user ADD COLUMN position VARCHAR;  -- jabatan

-- Step 4a(1): the six scope items of the proposal memorandum (f is the letters matrix).
CREATE TABLE monitoring_scope (
    monitoring_id         INTEGER PRIMARY KEY,
    purpose               VARCHAR,
    partner               VARCHAR,
    mechanism             VARCHAR,
    expected_results      VARCHAR,
    expected_relationship VARCHAR
);

-- A generated document once signed: its number and date, recorded once.
CREATE TABLE monitoring_document (
    monitoring_id INTEGER NOT NULL,
    kind          VARCHAR NOT NULL CHECK (kind IN ('memo_deputi', 'surat_tugas',
                      'memo_keuangan', 'daftar_berkas', 'surat_instansi',
                      'laporan_substansi')),
    letter_no     VARCHAR NOT NULL,
    signed_on     DATE NOT NULL,
    recorded_by   INTEGER NOT NULL,
    PRIMARY KEY (monitoring_id, kind)
);

-- Step 5: what was sent to the agency, and who the contact is there.
CREATE TABLE monitoring_coordination (
    monitoring_id      INTEGER PRIMARY KEY,
    letter_sent_on     DATE,       -- the assignment letter (direct monitoring)
    material_sent_on   DATE,       -- the monitoring material
    contact_name       VARCHAR,
    contact_position   VARCHAR,
    contact_phone      VARCHAR,
    contact_email      VARCHAR,
    note               VARCHAR
);

-- Step 6: the log (direct: activities; indirect: electronic contacts and the letter).
CREATE TABLE monitoring_activity (
    id            INTEGER PRIMARY KEY,
    monitoring_id INTEGER NOT NULL,
    kind          VARCHAR NOT NULL CHECK (kind IN ('paparan_peran', 'diskusi',
                      'kunjungan_lokus', 'rapat_koordinasi', 'rapat_konsultasi',
                      'kontak_elektronik')),
    activity_date DATE NOT NULL,
    place         VARCHAR,
    participants  VARCHAR,
    channel       VARCHAR,        -- electronic contact: telepon, email, WhatsApp ...
    summary       VARCHAR         -- what was discussed, or the contact's outcome
);

CREATE TABLE monitoring_agreement (
    id            INTEGER PRIMARY KEY,
    monitoring_id INTEGER NOT NULL,
    item          VARCHAR NOT NULL,
    responsible   VARCHAR,
    due_on        DATE
);

-- Step 6: what the monitoring found for each letter it clarified.
CREATE TABLE monitoring_result (
    monitoring_id  INTEGER NOT NULL,
    forwarding_id  BIGINT NOT NULL,
    result         VARCHAR NOT NULL CHECK (result IN ('ditindaklanjuti', 'sebagian',
                       'belum', 'tidak_dapat', 'bukan_kewenangan')),
    evidence       VARCHAR,
    recommendation VARCHAR,
    response_id    BIGINT,         -- the agency response recorded during the monitoring
    PRIMARY KEY (monitoring_id, forwarding_id)
);

-- Step 7: the narrative parts of the substance report, written in the app.
CREATE TABLE monitoring_report (
    monitoring_id   INTEGER PRIMARY KEY,
    introduction    VARCHAR,
    execution       VARCHAR,
    analysis        VARCHAR,
    conclusions     VARCHAR,
    recommendations VARCHAR
);

-- Step 7: money of a direct monitoring, planned against actual, per item and person.
CREATE TABLE monitoring_cost (
    id            INTEGER PRIMARY KEY,
    monitoring_id INTEGER NOT NULL,
    item          VARCHAR NOT NULL CHECK (item IN ('uang_harian', 'transport', 'penginapan',
                      'representasi', 'sewa_kendaraan')),
    user_id       INTEGER,        -- the person, when the item is per person
    planned       DECIMAL(15, 0) NOT NULL CHECK (planned >= 0),
    actual        DECIMAL(15, 0) CHECK (actual >= 0)
);

-- Step 8b: the financial accountability, to the PPK through the BPP.
CREATE TABLE monitoring_finance (
    monitoring_id   INTEGER PRIMARY KEY,
    submitted_on    DATE,         -- by the team to the BPP
    bpp_received_on DATE,
    ppk_accepted_on DATE
);

-- Steps 4-8: every transition and record, in order.
CREATE TABLE monitoring_event (
    id            INTEGER PRIMARY KEY,
    monitoring_id INTEGER NOT NULL,
    occurred_at   TIMESTAMPTZ NOT NULL,
    actor_id      INTEGER NOT NULL,
    action        VARCHAR NOT NULL,
    from_state    VARCHAR NOT NULL,
    to_state      VARCHAR NOT NULL,
    note          VARCHAR
);

-- Standar Biaya Masukan: daily allowance and lodging cap per person by year and
-- province, kept by finance staff (never in code).
CREATE TABLE sbm_rate (
    year            INTEGER NOT NULL,
    province_code   VARCHAR NOT NULL,
    daily_allowance DECIMAL(15, 0) NOT NULL CHECK (daily_allowance >= 0),
    lodging_cap     DECIMAL(15, 0) NOT NULL CHECK (lodging_cap >= 0),
    PRIMARY KEY (year, province_code)
);

-- Letterhead, letter-number parts, officials and font, edited by an administrator;
-- dumas/queries/settings.py holds the defaults of docs/letters.md for keys not set here.
CREATE TABLE setting (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

-- migration: 0007_periodic_report
-- A finalised periodic report: its figures frozen as they were sent, so late data never
-- changes what the Minister received (dumas/services/periodic.py).
CREATE TABLE periodic_report (
    id           INTEGER PRIMARY KEY,
    period_code  VARCHAR NOT NULL UNIQUE,   -- 2026-05, 2026-S1, 2026, or A..B: one final each
    title        VARCHAR NOT NULL,
    narrative    JSON,                      -- key issues and recommendations, as written
    data         JSON NOT NULL,             -- the report's tables as finalised (Indonesian)
    finalised_by INTEGER NOT NULL,
    finalised_at TIMESTAMPTZ NOT NULL
);

-- migration: 0008_report_draft
-- A periodic report's narrative (key issues, recommendations) as written before it is
-- finalised: one per period, saved with the revision the writer's screen showed.
CREATE TABLE report_draft (
    period_code VARCHAR PRIMARY KEY,
    narrative   JSON NOT NULL,
    revision    INTEGER NOT NULL,
    saved_by    INTEGER NOT NULL,
    saved_at    TIMESTAMPTZ NOT NULL
);

-- migration: 0009_decision_revisions
-- The version a screen showed, for the decisions that had none: an account's
-- revision, bumped by every administrator change (status, password, roles, official
-- details) so a change made from a stale "Pengguna" screen is refused; and the draft
-- revision of the narrative a periodic report froze.
ALTER TABLE app_user ADD COLUMN revision INTEGER DEFAULT 1;
UPDATE app_user SET revision = 1;
ALTER TABLE periodic_report ADD COLUMN narrative_revision INTEGER;  -- report_draft.revision

-- migration: 0010_sign_in_throttle
-- Every refused sign-in, by the name tried (known or not) and the source it came from,
-- kept only for DUMAS_LOCK_MINUTES (dumas/services/auth.py counts them per name and source, and
-- per source, to throttle; it purges older rows on each attempt, so no index is needed).
CREATE TABLE sign_in_failure (
    username  VARCHAR NOT NULL,              -- as typed, lower case, at most 100 characters
    source    VARCHAR NOT NULL,              -- client address (IPv6: its /64)
    failed_at TIMESTAMPTZ NOT NULL
);
-- Where each session was opened from: a source where an account signed in recently is
-- "familiar", and a lock caused by others does not apply there.
ALTER TABLE user_session ADD COLUMN source VARCHAR;

-- migration: 0011_figure_digest
-- The digest of figures.sql whose macros the database holds. connect() re-defines the
-- figures only when that file changed, so opening an up-to-date database writes nothing.
CREATE TABLE figure_definition (digest VARCHAR NOT NULL);

-- migration: 0012_step8_two_tracks
-- SOP step 8 runs two tracks in parallel: the receiver accepts the substance report
-- whenever it is submitted, the money goes team -> BPP -> PPK on its own clock, and the
-- monitoring closes when both are done. A direct visit whose report is accepted while its
-- accountability is still open waits in the new state 'accepted'. DuckDB can neither
-- change a CHECK in place nor add a column with one, so the table is replaced by one
-- with the same columns and rows (kept meanwhile in a temporary copy of this session).
CREATE TEMP TABLE monitoring_before_0012 AS SELECT * FROM monitoring;
CREATE OR REPLACE TABLE monitoring (
    id            INTEGER PRIMARY KEY,
    plan_id       INTEGER NOT NULL,
    plan_row_id   INTEGER NOT NULL UNIQUE,
    agency_id     INTEGER NOT NULL,
    province_code VARCHAR,
    level         VARCHAR NOT NULL CHECK (level IN ('kabid', 'asdep')),
    method        VARCHAR NOT NULL,
    team_lead     INTEGER NOT NULL,
    schedule_from DATE,
    schedule_to   DATE,
    estimated_cost DECIMAL(18, 0),
    state         VARCHAR NOT NULL DEFAULT 'preparation' CHECK (state IN ('preparation',
                      'coordination', 'execution', 'reporting', 'submission', 'accepted',
                      'closed')),
    approved_by   INTEGER NOT NULL,           -- the last approver (Asdep, or Deputi)
    approved_at   TIMESTAMPTZ NOT NULL,
    state_since   TIMESTAMPTZ,
    revision      INTEGER DEFAULT 1
);
INSERT INTO monitoring (id, plan_id, plan_row_id, agency_id, province_code, level, method,
                        team_lead, schedule_from, schedule_to, estimated_cost, state,
                        approved_by, approved_at, state_since, revision)
SELECT id, plan_id, plan_row_id, agency_id, province_code, level, method, team_lead,
       schedule_from, schedule_to, estimated_cost, state, approved_by, approved_at,
       state_since, revision
  FROM monitoring_before_0012;

-- migration: 0013_deputi_answer
-- SOP step 4a: the Deputi's answer ("arahan dan persetujuan") to the memorandum proposing
-- a direct visit. One row per answer, kept: a returned memo is revised (a new number) and
-- answered again. The assignment letter and the travel memorandum wait for an approval
-- (dumas/domain/monitoring_flow.py document_refusal). `via`: the Deputi in the app, a
-- written disposition entered by a team member, or (Asdep-led) the Deputi's approval of
-- the plan row in step 3, recorded when the memo is.
CREATE TABLE monitoring_memo_answer (
    id             INTEGER PRIMARY KEY,
    monitoring_id  INTEGER NOT NULL,
    memo_no        VARCHAR NOT NULL,   -- the memorandum answered (monitoring_document)
    memo_signed_on DATE NOT NULL,
    outcome        VARCHAR NOT NULL CHECK (outcome IN ('approved', 'returned')),
    note           VARCHAR,            -- the direction (approved) or the reason (returned)
    answered_on    DATE NOT NULL,      -- the day of the answer or of the disposition
    answered_by    INTEGER,            -- the Deputi's account (app, plan); NULL on paper
    entered_by     INTEGER NOT NULL,   -- who recorded it
    via            VARCHAR NOT NULL CHECK (via IN ('app', 'paper', 'plan')),
    recorded_at    TIMESTAMPTZ NOT NULL
);
-- An Asdep-led visit whose memo was recorded before this table: approved in step 3.
INSERT INTO monitoring_memo_answer
SELECT row_number() OVER (ORDER BY m.id), m.id, d.letter_no, d.signed_on, 'approved',
       r.decision_note, timezone('Asia/Jakarta', m.approved_at)::DATE, m.approved_by,
       d.recorded_by, 'plan', current_timestamp
  FROM monitoring AS m
  JOIN monitoring_document AS d ON d.monitoring_id = m.id AND d.kind = 'memo_deputi'
  LEFT JOIN plan_row AS r ON r.id = m.plan_row_id
 WHERE m.level = 'asdep' AND m.method = 'kunjungan_lapangan';

-- migration: 0014a_result_dates
-- When each monitoring result was recorded: the day its finding and its letter clarified
-- count in the periodic report (docs/figures.md "Monitorings"). Set on the first save
-- and again whenever the result itself changes (dumas/services/monitoring_records.py).
-- Existing rows: from the audit log, the moment of the save that set the result the row
-- holds (the first 'monitoring.result' row for the letter with that result after the last
-- with another); a row without one keeps its monitoring's approval, as counted before.
ALTER TABLE monitoring_result ADD COLUMN recorded_at TIMESTAMPTZ;
UPDATE monitoring_result AS r
   SET recorded_at = coalesce(
       (WITH saves AS (
            SELECT a.logged_at, json_extract_string(a.new_value, '$.result') AS result
              FROM audit_log AS a
             WHERE a.action = 'monitoring.result' AND a.entity = 'monitoring'
               AND a.entity_id = r.monitoring_id::VARCHAR
               AND json_extract(a.new_value, '$.f')::BIGINT = r.forwarding_id
        )
        SELECT min(s.logged_at) FROM saves AS s
         WHERE s.result = r.result
           AND s.logged_at > coalesce((SELECT max(o.logged_at) FROM saves AS o
                                        WHERE o.result <> r.result), '-infinity')),
       (SELECT m.approved_at FROM monitoring AS m WHERE m.id = r.monitoring_id));

-- migration: 0015_report_route
-- A periodic report's route (dumas/domain/report_flow.py): the Kabid's check of a draft
-- revision or its return with a note, and the Deputi's forwarding to the Minister with the
-- date it was sent. Drafting and finalising keep their own tables; the frozen copy in
-- periodic_report never changes (docs/decisions/0007).
CREATE TABLE periodic_report_event (
    id          INTEGER PRIMARY KEY,
    period_code VARCHAR NOT NULL,            -- 2026-05, 2026-S1, 2026, or A..B
    action      VARCHAR NOT NULL CHECK (action IN ('check', 'return', 'forward')),
    revision    INTEGER NOT NULL,            -- the draft revision the actor's screen showed
    actor_id    INTEGER NOT NULL,
    acted_at    TIMESTAMPTZ NOT NULL,
    sent_on     DATE,                        -- forward: the day the report was sent
    note        VARCHAR
);

-- migration: 0016_plan_period_year
-- A plan's period always carries its year (dumas/services/plans.py period_with_year): every
-- document's basis clause and the matrix's title cite it. A stored label without a
-- four-digit year ("Semester II") gets the year the plan was created in, in Asia/Jakarta.
UPDATE plan
   SET period_label = period_label || ' '
                      || year(timezone('Asia/Jakarta', created_at))::VARCHAR
 WHERE NOT regexp_matches(period_label, '(^|[^0-9])[0-9]{4}([^0-9]|$)');

-- migration: 0017_plan_period_code
-- A plan is for a report period (dumas/domain/periods.py plan_period: 2026-S2, 2026-12,
-- 2026), so plans, monitorings and reports line up; period_label keeps its Indonesian name
-- for the documents. NULL: a plan from before, whose free-text label stays as it was.
ALTER TABLE plan ADD COLUMN period_code VARCHAR;

-- migration: 0018_ops_token
-- Tokens an Administrator creates so that the command line hands its work to the running
-- app (POST /ops/command, docs/decisions/0012-cli-hands-over-to-the-app.md). Only the
-- SHA-256 of a token is kept: the token itself is shown once, when it is created.
CREATE TABLE ops_token (
    id           INTEGER PRIMARY KEY,
    label        VARCHAR NOT NULL,          -- who uses it ("impor malam"): the audit's actor
    token_hash   VARCHAR NOT NULL UNIQUE,   -- hex SHA-256 of the token (services/ops_tokens.py)
    created_by   INTEGER NOT NULL,          -- the Administrator (app_user.id)
    created_at   TIMESTAMPTZ NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ
);

-- migration: 0019_job_run
-- The scheduled jobs the serving process runs (dumas/jobs/): one row per run, written when
-- it ends (dumas/services/jobs.py record_run). A run with nothing to do ('skipped', e.g. an
-- empty drop folder polled every minute) replaces the job's previous skipped row, so the
-- table grows by the runs that did something. The page "Tugas Terjadwal" reads it; a job's
-- next run follows from its last start (dumas/queries/jobs.py).
CREATE TABLE job_run (
    id          INTEGER PRIMARY KEY,
    job         VARCHAR NOT NULL,            -- dumas/jobs/catalogue.py NAMES
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ NOT NULL,
    outcome     VARCHAR NOT NULL CHECK (outcome IN ('ok', 'failed', 'skipped')),
    message     VARCHAR,                     -- one line (in Bahasa Indonesia, as the log)
    log         VARCHAR                      -- the run's log lines, one per line
);
-- "Jalankan sekarang": an Administrator asks for a run; the scheduler starts it at its next
-- look and the run's record removes the request (one per job, the latest).
CREATE TABLE job_request (
    job          VARCHAR PRIMARY KEY,
    requested_at TIMESTAMPTZ NOT NULL,
    requested_by VARCHAR NOT NULL            -- app_user.username
);

-- migration: 0020_letter_fact_complaint_letters
-- How many forwarding letters the letter's complaint has (all of them, whatever their date):
-- the dashboard counts a complaint with one letter from that letter alone, and groups only
-- the complaints with several (docs/figures.md "Complaints"). Kept by dumas/db/facts.py with
-- the other stored facts (refreshed by complaint, so every letter of a complaint at once).
ALTER TABLE letter_fact ADD COLUMN IF NOT EXISTS complaint_letters INTEGER;
UPDATE letter_fact AS lf
   SET complaint_letters = n.letters
  FROM (SELECT complaint_id, count(*)::INTEGER AS letters
          FROM letter_fact GROUP BY complaint_id) AS n
 WHERE n.complaint_id = lf.complaint_id;

-- migration: 0021_followup_summaries
-- Counts of letter_fact for the dashboard's unfiltered figures (figures.sql
-- agency_summary_source and day_summary_source; docs/figures.md "Summaries"). Kept in step
-- by dumas/db/facts.py in the same transaction as letter_fact: the rows of the complaints a
-- write touches are taken out of the counts before it and added back after it. No keys: a
-- count that falls to zero is deleted.
CREATE TABLE agency_summary (
    agency_id INTEGER NOT NULL,
    single    BOOLEAN NOT NULL,  -- the letter's complaint has this one letter
    days      INTEGER,           -- working days to the first response; NULL: none yet
    n         BIGINT NOT NULL
);
CREATE TABLE day_summary (
    d    DATE NOT NULL,
    kind VARCHAR NOT NULL CHECK (kind IN ('letter', 'response', 'open')),
    n    BIGINT NOT NULL
);
-- (Python step: counts letter_fact; see db.py)

-- migration: 0022_reference_aliases
-- Other ways the unit's sheets write a value of the master lists (categories, channels,
-- provinces, problem codes, response statuses): "Jatim", "E-mail", "Sengketa Tanah". The
-- importer matches them as it matches the master names; an Administrator adds one by
-- mapping a value an import kept as written (dumas/services/reference_values.py).
CREATE TABLE reference_alias (
    list      VARCHAR NOT NULL CHECK (list IN (
        'category', 'channel', 'province', 'problem_code', 'response_status')),
    alias_key VARCHAR NOT NULL,   -- dumas/importer/values.py alias_key: case, spaces, punctuation ignored
    alias     VARCHAR NOT NULL,   -- as first written
    code      VARCHAR NOT NULL,   -- the master value it stands for
    PRIMARY KEY (list, alias_key)
);
-- A value an import could not match, kept as written (NULL: the value matched, or none).
-- The coded column then holds 'lainnya' (category), 'dalam_proses' (response status: a
-- response exists, its follow-up status is not known) or NULL (channel, province, problem
-- code), until an Administrator maps the value to a master one.
ALTER TABLE complaint ADD COLUMN channel_raw VARCHAR;
ALTER TABLE complaint ADD COLUMN province_raw VARCHAR;
ALTER TABLE complaint ADD COLUMN problem_code_raw VARCHAR;
ALTER TABLE complaint ADD COLUMN category_raw VARCHAR;
ALTER TABLE response ADD COLUMN status_raw VARCHAR;
-- (Python step: loads data/reference/reference_aliases.csv; see db.py)

-- migration: 0023_header_aliases
-- Column headings users taught the import: an unknown heading in a preview, and the field
-- the user chose for it (dumas/services/header_aliases.py, audited). The import matches
-- headings by their key (dumas/importer/headers.header_key: case, spacing and punctuation
-- ignored), built-in names first, then these.
CREATE TABLE header_alias (
    heading_key VARCHAR PRIMARY KEY,
    heading     VARCHAR NOT NULL,            -- as the user's file wrote it
    field       VARCHAR NOT NULL CHECK (field IN (
                    'agenda_no', 'received_on', 'complainant_name', 'channel', 'province',
                    'regency', 'reported_agency', 'problem_code', 'category', 'summary',
                    'agency', 'letter_no', 'letter_date', 'response_no', 'response_date',
                    'response_status', 'response_summary')),
    created_by  VARCHAR NOT NULL,            -- app_user.username
    created_at  TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);

-- migration: 0024_reminder_letters
-- A surat konfirmasi is one official letter to an agency that lists many of its forwarding
-- letters (issue 20; docs/decisions/0016-reminder-letters.md). The letter itself (agency,
-- kind, number, date) is a row of reminder_letter, its number unique there; each forwarding
-- letter it reminds of keeps its row in reminder (what letter_fact and the figures count),
-- now pointing at its letter and carrying that letter's number and date as sent.
-- reminder.letter_no was UNIQUE, which DuckDB cannot drop in place: the table is rebuilt
-- with the same rows (as 0012 rebuilt monitoring). Each reminder recorded before this
-- migration was a letter of its own, so it becomes one, under its own id.
CREATE TABLE reminder_letter (
    id          BIGINT PRIMARY KEY,
    agency_id   INTEGER NOT NULL,
    kind        VARCHAR NOT NULL CHECK (kind IN ('konfirmasi_1', 'konfirmasi_2')),
    letter_no   VARCHAR NOT NULL UNIQUE,   -- no duplicate reminder letter number
    letter_date DATE NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT current_timestamp
);
INSERT INTO reminder_letter (id, agency_id, kind, letter_no, letter_date, created_at)
SELECT m.id, f.agency_id, m.kind, m.letter_no, m.letter_date, m.created_at
  FROM reminder AS m
  JOIN forwarding AS f ON f.id = m.forwarding_id;
CREATE TEMP TABLE reminder_before_0024 AS SELECT * FROM reminder;
CREATE OR REPLACE TABLE reminder (
    id            BIGINT PRIMARY KEY,
    forwarding_id BIGINT NOT NULL,
    kind          VARCHAR NOT NULL CHECK (kind IN ('konfirmasi_1', 'konfirmasi_2')),
    letter_no     VARCHAR NOT NULL,        -- its letter's number (reminder_letter.letter_no)
    letter_date   DATE NOT NULL,           -- its letter's date
    created_at    TIMESTAMPTZ NOT NULL DEFAULT current_timestamp,
    letter_id     BIGINT NOT NULL          -- reminder_letter.id
);
INSERT INTO reminder (id, forwarding_id, kind, letter_no, letter_date, created_at, letter_id)
SELECT id, forwarding_id, kind, letter_no, letter_date, created_at, id
  FROM reminder_before_0024;
DELETE FROM reminder_before_0024;  -- the copy lives as long as the session: emptied

-- migration: 0025_attachments
-- Files kept with a record (docs/decisions/0017-attached-files-by-digest.md): the scan of an
-- agency's response, of a forwarding letter or a reminder, of the complaint itself, a
-- monitoring's signed documents, the evidence of a monitoring result. The bytes are in the
-- file store (dumas/db/blobs.py: by default `files/` beside the database, each file named
-- by its SHA-256, so the same scan is kept once); this table holds each attaching. The
-- record is its kind and id, and for a monitoring's records its part: the document kind
-- (monitoring_document), the forwarding letter's id (monitoring_result); '' otherwise.
-- Removing one only sets removed_at/removed_by: the bytes stay, as the audit trail names them.
CREATE TABLE attachment (
    id           BIGINT PRIMARY KEY,
    record_kind  VARCHAR NOT NULL CHECK (record_kind IN ('complaint', 'forwarding',
                     'reminder', 'response', 'monitoring_document', 'monitoring_result')),
    record_id    BIGINT NOT NULL,             -- the complaint, letter, response or monitoring
    record_part  VARCHAR NOT NULL DEFAULT '',
    sha256       VARCHAR NOT NULL,            -- hex digest of the bytes: their name in the store
    size         BIGINT NOT NULL CHECK (size > 0),
    media_type   VARCHAR NOT NULL CHECK (media_type IN ('application/pdf', 'image/jpeg',
                     'image/png',
                     'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
                     'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')),
    display_name VARCHAR NOT NULL,            -- the uploaded name, cleaned: shown, never a path
    uploaded_by  INTEGER NOT NULL,            -- app_user.id (0: the command line's system)
    uploaded_at  TIMESTAMPTZ NOT NULL,
    removed_by   INTEGER,
    removed_at   TIMESTAMPTZ
);

-- migration: 0026_notices
-- Notices by e-mail (dumas/mail/, README "Notices by e-mail"). Addresses: a user's, set by
-- an Administrator on "Pengguna"; an agency's, kept with how letters address it. The SMTP
-- settings, and its password above all, are never stored here (dumas/config.py).
ALTER TABLE app_user ADD COLUMN email VARCHAR;
ALTER TABLE agency ADD COLUMN email VARCHAR;
-- What each user asked to receive, set by the user on "Akun Saya" (no row: nothing).
CREATE TABLE notice_pref (
    user_id    INTEGER PRIMARY KEY,
    digest     BOOLEAN NOT NULL DEFAULT false,  -- the daily digest of "Menunggu Saya"
    area       BOOLEAN NOT NULL DEFAULT false,  -- with the overdue list of the area (Kabid, Asdep)
    language   VARCHAR NOT NULL DEFAULT 'id',   -- of the e-mails: dumas.i18n.LANGUAGES
    updated_at TIMESTAMPTZ NOT NULL
);
-- Every e-mail the app tried to send, sent or not. A user gets at most one digest a day:
-- the digest job skips a user with a 'sent' digest of that day (digest_day, Asia/Jakarta).
CREATE TABLE mail_log (
    id           BIGINT PRIMARY KEY,
    sent_at      TIMESTAMPTZ NOT NULL,
    recipient    VARCHAR NOT NULL,                -- the address
    user_id      INTEGER,                         -- app_user.id of a digest's reader
    kind         VARCHAR NOT NULL CHECK (kind IN ('digest', 'agency')),
    subject      VARCHAR NOT NULL,
    outcome      VARCHAR NOT NULL CHECK (outcome IN ('sent', 'failed')),
    message      VARCHAR,                         -- why it failed (the server's words)
    related_kind VARCHAR,                         -- what it is about: 'reminder', 'agency' ...
    related_id   VARCHAR,
    attachments  VARCHAR[] NOT NULL DEFAULT [],   -- the files' names
    digest_day   DATE,                            -- a digest's day in Asia/Jakarta
    actor        VARCHAR NOT NULL                 -- app_user.username, or 'sistem' (the job)
);
