-- Values that did not parse: amounts ('TBD'), dates, probabilities, activity types, stage
-- settings. Each says what happens to the record.
select 'invalid_amount'::text as category, 'warning'::text as severity, 'opportunities'::text as object,
       opportunity_id as source_key, 'Value'::text as field, value_raw as value,
       'not an amount; the deal loads without Amount (the text is kept in Description)' as message
from stg_aspec.opportunities where value_raw is not null and amount is null
union all
select 'unparseable_date', 'error', 'opportunities', opportunity_id, 'Expected Close', expected_close_raw,
       coalesce(expected_close_issue, 'not a date') || '; Zoho requires Closing_Date, so the deal waits in the reconciliation queue'
from stg_aspec.opportunities where expected_close_raw is not null and expected_close is null
union all
select 'missing_mandatory', 'error', 'opportunities', opportunity_id, 'Expected Close', null,
       'no Expected Close; Zoho requires Closing_Date, so the deal waits in the reconciliation queue'
from stg_aspec.opportunities where expected_close_raw is null
union all
select 'invalid_probability', 'warning', 'opportunities', opportunity_id, 'Probability', probability_raw,
       'not a percentage from 0 to 100; the stage''s probability is used'
from stg_aspec.opportunities where probability_raw is not null and probability is null
union all
select 'unparseable_date', case when type = 'Meeting' then 'error' else 'warning' end, 'activities', activity_id, 'Date', date_raw,
       coalesce(date_issue, 'not a date') ||
       case when type = 'Meeting' then '; a meeting needs a start, so it is rejected'
            else '; the activity loads without a date (the text is kept in it)' end
from stg_aspec.activities where date_raw is not null and occurred_at is null
union all
select 'invalid_end', 'info', 'activities', activity_id, 'End', end_raw,
       case when ended_at is null then 'no readable end; the meeting lasts one hour' else 'end before start; the meeting lasts one hour' end
from stg_aspec.activities where type = 'Meeting' and occurred_at is not null and (ended_at is null or ended_at <= occurred_at)
union all
select 'unmapped_value', 'error', 'activities', activity_id, 'Type', type_raw,
       'activity type is not Call, Email, Task, Meeting or Note; the activity is not migrated'
from stg_aspec.activities where type is null
union all
select 'invalid_stage_setting', 'warning', 'pipeline_stages', stage, 'Order / Probability', concat_ws(' / ', order_raw, probability_raw),
       'stage order or probability does not parse; set it by hand in Zoho'
from stg_aspec.pipeline_stages where sort_order is null or probability is null
