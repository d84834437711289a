-- The figures, defined once (docs/figures.md). These macros are code, not data:
-- db.migrate() re-creates them whenever this file changed (its digest is stored).
-- Every page, export, report and the benchmark read letters through
-- letter_facts(as_of); nothing else re-derives "answered", "age" or "on time".

-- Working days from a to b: the working days d with a < d <= b.
CREATE OR REPLACE MACRO working_days_between(a, b) AS (
    (SELECT wd_index FROM calendar_day WHERE d = b)
    - (SELECT wd_index FROM calendar_day WHERE d = a)
);

-- Ageing bucket of an unanswered letter's age in working days.
CREATE OR REPLACE MACRO age_bucket(age) AS (
    CASE
        WHEN age IS NULL THEN NULL
        WHEN age <= 14 THEN '0_14'
        WHEN age <= 30 THEN '15_30'
        WHEN age <= 60 THEN '31_60'
        ELSE 'over_60'
    END
);

-- The stored facts of letters (table letter_fact) from the base tables. scope is a list
-- of complaint ids to (re)build, or NULL for every letter. Used only by dumas/db/facts.py.
CREATE OR REPLACE MACRO letter_fact_source(scope) AS TABLE
WITH f AS (
    SELECT *
      FROM forwarding
     WHERE scope IS NULL OR complaint_id IN (SELECT unnest(scope))
),
answers AS (
    SELECT f.id AS forwarding_id,
           min(r.response_date) AS first_response_on,
           list({'d': r.response_date, 'id': r.id, 'status': r.status}
                ORDER BY r.response_date, r.id) AS responses
      FROM f
      JOIN response AS r
        ON r.complaint_id = f.complaint_id
       AND r.agency_id = f.agency_id
       AND r.response_date >= f.letter_date
     GROUP BY f.id
),
reminders AS (
    SELECT m.forwarding_id, list(m.letter_date ORDER BY m.letter_date) AS reminder_dates
      FROM reminder AS m
      JOIN f ON f.id = m.forwarding_id
     GROUP BY m.forwarding_id
)
SELECT f.id AS forwarding_id, f.complaint_id, f.agency_id, f.letter_no, f.letter_date,
       cl.wd_index AS letter_wd, c.agenda_no, c.received_on, c.channel, c.province_code,
       c.category_code, c.problem_code, a.first_response_on, cr.wd_index AS first_response_wd,
       a.responses, rm.reminder_dates,
       count(*) OVER (PARTITION BY f.complaint_id)::INTEGER AS complaint_letters
  FROM f
  JOIN complaint AS c ON c.id = f.complaint_id
  JOIN calendar_day AS cl ON cl.d = f.letter_date
  LEFT JOIN answers AS a ON a.forwarding_id = f.id
  LEFT JOIN calendar_day AS cr ON cr.d = a.first_response_on
  LEFT JOIN reminders AS rm ON rm.forwarding_id = f.id;

-- One row per forwarding letter dated on or before as_of, with its facts at as_of:
--   answered          a response from the agency it was sent to, dated on or after the
--                     letter and on or before as_of, exists (any follow-up status)
--   first_response_on the first such response's date
--   days_to_respond   working days from the letter to its first response
--   on_time           answered within 14 working days (NULL while unanswered)
--   age_wd            unanswered: working days from the letter to as_of
--   age_bucket        unanswered: 0_14, 15_30, 31_60 or over_60
--   last_status       the follow-up status of the latest response by as_of, else 'unanswered'
--   reminders         surat konfirmasi sent on or before as_of
CREATE OR REPLACE MACRO letter_facts(as_of) AS TABLE
WITH today AS (
    SELECT wd_index FROM calendar_day WHERE d = as_of
),
dated AS (
    SELECT lf.*,
           coalesce(lf.first_response_on <= as_of, false) AS is_answered
      FROM letter_fact AS lf
     WHERE lf.letter_date <= as_of
)
SELECT lf.forwarding_id,
       lf.complaint_id,
       lf.agency_id,
       lf.letter_no,
       lf.letter_date,
       lf.agenda_no,
       lf.received_on,
       lf.channel,
       lf.province_code,
       lf.category_code,
       lf.problem_code,
       lf.complaint_letters,
       lf.is_answered AS answered,
       CASE WHEN lf.is_answered THEN lf.first_response_on END AS first_response_on,
       CASE WHEN lf.is_answered
            THEN list_extract(list_filter(lf.responses, lambda x: x.d <= as_of), -1).status
            ELSE 'unanswered'
       END AS last_status,
       CASE WHEN lf.is_answered THEN lf.first_response_wd - lf.letter_wd END AS days_to_respond,
       CASE WHEN lf.is_answered THEN lf.first_response_wd - lf.letter_wd <= 14 END AS on_time,
       CASE WHEN NOT lf.is_answered THEN today.wd_index - lf.letter_wd END AS age_wd,
       age_bucket(CASE WHEN NOT lf.is_answered THEN today.wd_index - lf.letter_wd END)
           AS age_bucket,
       coalesce(len(list_filter(lf.reminder_dates, lambda x: x <= as_of)), 0) AS reminders
  FROM dated AS lf
 CROSS JOIN today;

-- Response rate: answered letters / forwarded letters (NULL when none forwarded).
CREATE OR REPLACE MACRO response_rate(answered, forwarded) AS (
    CASE WHEN forwarded > 0 THEN answered::DOUBLE / forwarded END
);

-- An audit value with the complainant's name and contact masked (when mask is true).
CREATE OR REPLACE MACRO masked(value, mask) AS (
    CASE
        WHEN mask AND json_exists(value, '$.complainant_name')
        THEN json_merge_patch(
            value, '{"complainant_name": "•••", "complainant_contact": "•••"}'
        )::VARCHAR
        ELSE value::VARCHAR
    END
);

-- Estimated cost of a direct monitoring trip in whole rupiah (defined here, once; DECIMAL,
-- never floats): per person the return transport, lodging for each night (days - 1) and the
-- daily allowance (uang harian) for each day. NULL until persons and days are known.
CREATE OR REPLACE MACRO trip_transport(persons, days, transport) AS (
    CASE WHEN persons IS NOT NULL AND days IS NOT NULL
         THEN (persons * coalesce(transport, 0))::DECIMAL(18, 0) END
);
CREATE OR REPLACE MACRO trip_lodging(persons, days, lodging) AS (
    CASE WHEN persons IS NOT NULL AND days IS NOT NULL
         THEN (persons * coalesce(lodging, 0) * greatest(days - 1, 0))::DECIMAL(18, 0) END
);
CREATE OR REPLACE MACRO trip_allowance(persons, days, allowance) AS (
    CASE WHEN persons IS NOT NULL AND days IS NOT NULL
         THEN (persons * coalesce(allowance, 0) * days)::DECIMAL(18, 0) END
);
CREATE OR REPLACE MACRO trip_cost(persons, days, transport, lodging, allowance) AS (
    trip_transport(persons, days, transport) + trip_lodging(persons, days, lodging)
    + trip_allowance(persons, days, allowance)
);

-- The calendar day of a moment (TIMESTAMPTZ) in Asia/Jakarta (WIB), whatever the
-- session's time zone: `ts::DATE` would take the session's (UTC), so an approval at
-- 06.30 WIB on the 1st would fall on the last day of the month before. Every moment
-- turned into a day for a figure goes through this macro (docs/figures.md "Days").
CREATE OR REPLACE MACRO jakarta_date(ts) AS (timezone('Asia/Jakarta', ts)::DATE);

-- Two small summaries of letter_fact for the dashboard's unfiltered view (tables
-- agency_summary and day_summary, migration 0021), kept in step with it by
-- dumas/db/facts.py inside every write transaction. They hold counts, nothing as_of
-- depends on: dumas/queries/followup.py reads them only for an as_of on or after every date
-- they count (then every letter is dated and every recorded response given by as_of, and
-- letter_facts(as_of) says the same per letter), else it reads letter_facts(as_of).
-- scope: a list of complaint ids whose letters to count, or NULL for every letter.
--   agency_summary: letters per agency, complaint with one letter or several, and working
--                   days to the first response (NULL: no response)
--   day_summary:    per day, the letters dated that day ('letter'), the letters first
--                   answered that day ('response'), the letters dated that day with no
--                   response yet ('open')
CREATE OR REPLACE MACRO agency_summary_source(scope) AS TABLE
SELECT agency_id,
       complaint_letters = 1 AS single,
       first_response_wd - letter_wd AS days,
       count(*) AS n
  FROM letter_fact
 WHERE scope IS NULL OR complaint_id IN (SELECT unnest(scope))
 GROUP BY ALL;

CREATE OR REPLACE MACRO day_summary_source(scope) AS TABLE
WITH lf AS (
    SELECT letter_date, first_response_on
      FROM letter_fact
     WHERE scope IS NULL OR complaint_id IN (SELECT unnest(scope))
)
SELECT letter_date AS d, 'letter' AS kind, count(*) AS n FROM lf GROUP BY ALL
UNION ALL
SELECT first_response_on, 'response', count(*) FROM lf
 WHERE first_response_on IS NOT NULL GROUP BY ALL
UNION ALL
SELECT letter_date, 'open', count(*) FROM lf WHERE first_response_on IS NULL GROUP BY ALL;

-- The median of a histogram (value, n): the value in the middle of the values taken n
-- times each, the mean of the two middle ones for an even count, as median() gives.
CREATE OR REPLACE MACRO histogram_median(value, upto, total) AS (
    (min(value) FILTER (upto > (total - 1) // 2) + min(value) FILTER (upto > total // 2))
    / 2::DOUBLE
);

-- Figures over the tables of later migrations (monitorings, migration 0005 on): the
-- macros below are defined after the last migration (dumas/db/__init__.py LATER_FIGURES).

-- The days of a monitoring's facts, each the day it happened (docs/figures.md
-- "Monitorings"), one row per monitoring:
--   approved_on     its plan row was approved (planned)
--   carried_out_on  the last day of its step-6 log (activities, the letter to the agency),
--                   else the day of the `executed` move; NULL until that move (carried out)
--   accepted_on     its receiver accepted the substance report (the `acknowledge` move)
--   closed_on       it closed; NULL while open
-- A result's day is its own (monitoring_result.recorded_at), not the monitoring's.
CREATE OR REPLACE MACRO monitoring_dates() AS TABLE
WITH moves AS (
    SELECT monitoring_id,
           min(occurred_at) FILTER (action = 'executed') AS executed_at,
           max(occurred_at) FILTER (action = 'acknowledge') AS accepted_at
      FROM monitoring_event
     GROUP BY monitoring_id
),
logged AS (
    SELECT monitoring_id, max(d) AS last_day
      FROM (SELECT monitoring_id, activity_date AS d FROM monitoring_activity
            UNION ALL
            SELECT monitoring_id, signed_on FROM monitoring_document
             WHERE kind = 'surat_instansi')
     GROUP BY monitoring_id
)
SELECT m.id AS monitoring_id,
       m.method,
       jakarta_date(m.approved_at) AS approved_on,
       CASE WHEN mv.executed_at IS NOT NULL
            THEN coalesce(l.last_day, jakarta_date(mv.executed_at))
       END AS carried_out_on,
       jakarta_date(mv.accepted_at) AS accepted_on,
       CASE WHEN m.state = 'closed' THEN jakarta_date(m.state_since) END AS closed_on
  FROM monitoring AS m
  LEFT JOIN moves AS mv ON mv.monitoring_id = m.id
  LEFT JOIN logged AS l ON l.monitoring_id = m.id;
