-- The figures, defined once (../shared/FIGURES.md). These macros are code, not data:
-- db.migrate() re-creates them at every start. Every page, export, report and the
-- benchmark read letters through letter_facts(as_of); nothing else re-derives
-- "answered", "age" or "on time".

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

-- One row per forwarding letter dated on or before as_of, with its facts at as_of:
--   answered          a response from the agency it was sent to, dated on or after the
--                     letter and on or before as_of, exists (any follow-up status)
--   first_response_on the first such response's date
--   days_to_respond   working days from the letter to its first response
--   on_time           answered within 14 working days (NULL while unanswered)
--   age_wd            unanswered: working days from the letter to as_of
--   last_status       the follow-up status of the latest response, 'unanswered' if none
--   reminders         surat konfirmasi sent on or before as_of
CREATE OR REPLACE MACRO letter_facts(as_of) AS TABLE
WITH answers AS (
    SELECT f.id AS forwarding_id,
           min(r.response_date) AS first_response_on,
           arg_max(r.status, (r.response_date, r.id)) AS last_status
      FROM forwarding AS f
      JOIN response AS r
        ON r.complaint_id = f.complaint_id
       AND r.agency_id = f.agency_id
       AND r.response_date >= f.letter_date
       AND r.response_date <= as_of
     WHERE f.letter_date <= as_of
     GROUP BY f.id
),
reminders AS (
    SELECT forwarding_id, count(*) AS reminders
      FROM reminder
     WHERE letter_date <= as_of
     GROUP BY forwarding_id
),
today AS (
    SELECT wd_index FROM calendar_day WHERE d = as_of
)
SELECT f.id AS forwarding_id,
       f.complaint_id,
       f.agency_id,
       f.letter_no,
       f.letter_date,
       a.first_response_on,
       a.first_response_on IS NOT NULL AS answered,
       coalesce(a.last_status, 'unanswered') AS last_status,
       cr.wd_index - cl.wd_index AS days_to_respond,
       cr.wd_index - cl.wd_index <= 14 AS on_time,
       CASE WHEN a.first_response_on IS NULL THEN today.wd_index - cl.wd_index END AS age_wd,
       age_bucket(
           CASE WHEN a.first_response_on IS NULL THEN today.wd_index - cl.wd_index END
       ) AS age_bucket,
       coalesce(rm.reminders, 0) AS reminders
  FROM forwarding AS f
  JOIN calendar_day AS cl ON cl.d = f.letter_date
 CROSS JOIN today
  LEFT JOIN answers AS a ON a.forwarding_id = f.id
  LEFT JOIN calendar_day AS cr ON cr.d = a.first_response_on
  LEFT JOIN reminders AS rm ON rm.forwarding_id = f.id
 WHERE f.letter_date <= as_of;

-- Response rate: answered letters / forwarded letters (NULL when none forwarded).
CREATE OR REPLACE MACRO response_rate(answered, forwarded) AS (
    CASE WHEN forwarded > 0 THEN answered::DOUBLE / forwarded END
);
