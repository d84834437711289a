-- The PostgreSQL prototype of issue 18 ("Past one process"): the tables the dashboard's
-- KPI and letter list read, and the figures of dumas/db/figures.sql they use, translated.
-- What had to change (docs/decisions/0014-past-one-process.md):
--   * macros become SQL functions (STABLE/IMMUTABLE, PARALLEL SAFE, inlined by the planner);
--   * letter_fact.responses, a DuckDB list of STRUCT(d, id, status) in (d, id) order,
--     becomes two parallel arrays response_dates and response_statuses in the same order;
--   * list_filter(..., lambda) becomes a subquery over unnest(...) WITH ORDINALITY;
--   * letter_fact gets a primary key: the list joins its 50 rows back by forwarding_id.

-- step: schema
CREATE TABLE calendar_day (
    d        date PRIMARY KEY,
    wd_index integer NOT NULL
);
CREATE TABLE province (code text PRIMARY KEY, name text NOT NULL);
CREATE TABLE category (code text PRIMARY KEY, name text NOT NULL);
CREATE TABLE agency (
    id            integer PRIMARY KEY,
    name          text NOT NULL,
    category_code text NOT NULL
);
CREATE TABLE complaint (id bigint PRIMARY KEY, summary text);
CREATE TABLE letter_fact (
    forwarding_id     bigint NOT NULL,
    complaint_id      bigint NOT NULL,
    agency_id         integer NOT NULL,
    letter_no         text NOT NULL,
    letter_date       date NOT NULL,
    letter_wd         integer NOT NULL,
    agenda_no         text NOT NULL,
    received_on       date NOT NULL,
    channel           text,
    province_code     text,
    category_code     text,
    problem_code      text,
    first_response_on date,
    first_response_wd integer,
    response_dates    date[],     -- DuckDB: responses[].d, in (d, id) order
    response_statuses text[],     -- DuckDB: responses[].status, in the same order
    reminder_dates    date[],
    complaint_letters integer
);

-- step: keys (after the rows are loaded)
ALTER TABLE letter_fact ADD PRIMARY KEY (forwarding_id);

-- step: figures
CREATE FUNCTION age_bucket(age integer) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE
        WHEN age IS NULL THEN NULL
        WHEN age <= 14 THEN '0_14'
        WHEN age <= 30 THEN '15_30'
        WHEN age <= 60 THEN '31_60'
        ELSE 'over_60'
    END
$$;

CREATE FUNCTION response_rate(answered bigint, forwarded bigint) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN forwarded > 0 THEN answered::double precision / forwarded END
$$;

-- letter_facts(as_of) as in figures.sql, column for column.
CREATE FUNCTION letter_facts(as_of date) RETURNS TABLE (
    forwarding_id bigint, complaint_id bigint, agency_id integer, letter_no text,
    letter_date date, agenda_no text, received_on date, channel text, province_code text,
    category_code text, problem_code text, complaint_letters integer, answered boolean,
    first_response_on date, last_status text, days_to_respond integer, on_time boolean,
    age_wd integer, age_bucket text, reminders bigint
)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
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
       a.is_answered AS answered,
       CASE WHEN a.is_answered THEN lf.first_response_on END AS first_response_on,
       CASE WHEN a.is_answered
            THEN (SELECT r.status
                    FROM unnest(lf.response_dates, lf.response_statuses) WITH ORDINALITY
                         AS r (d, status, n)
                   WHERE r.d <= as_of
                   ORDER BY r.n DESC
                   LIMIT 1)
            ELSE 'unanswered'
       END AS last_status,
       CASE WHEN a.is_answered THEN lf.first_response_wd - lf.letter_wd END AS days_to_respond,
       CASE WHEN a.is_answered THEN lf.first_response_wd - lf.letter_wd <= 14 END AS on_time,
       CASE WHEN NOT a.is_answered THEN today.wd_index - lf.letter_wd END AS age_wd,
       age_bucket(CASE WHEN NOT a.is_answered THEN today.wd_index - lf.letter_wd END)
           AS age_bucket,
       (SELECT count(*) FROM unnest(lf.reminder_dates) AS m (d) WHERE m.d <= as_of)
           AS reminders
  FROM letter_fact AS lf
 CROSS JOIN (SELECT wd_index FROM calendar_day WHERE d = as_of) AS today
 CROSS JOIN LATERAL (SELECT coalesce(lf.first_response_on <= as_of, false) AS is_answered) AS a
 WHERE lf.letter_date <= as_of
$$;
