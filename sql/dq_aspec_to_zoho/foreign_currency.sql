-- Amounts written in another currency than the source's (the org's home currency): the
-- number loads as it is. Deals keep the currency in Amount_Currency; a custom currency field
-- has nowhere to say it. Either way a person converts them, or enables multi-currency in Zoho.
select 'foreign_currency'::text as category, 'warning'::text as severity, 'opportunities'::text as object,
       o.opportunity_id as source_key, 'Value'::text as field, o.value_raw as value,
       format('amount is in %s, not %s; Amount_Currency says so: convert it, or enable multi-currency in Zoho', o.currency, cv.currency) as message
from stg_aspec.opportunities o
cross join stg_aspec.conventions cv
where o.amount is not null and o.currency <> cv.currency
union all
select 'foreign_currency', 'warning', v.object, v.record_id, v.header, v.raw,
       format('%s %s: amount is in %s, not %s; it loads as the number only: convert it, or enable multi-currency in Zoho',
              v.module, v.field, v.value->>'currency', cv.currency)
from aspec_to_zoho.custom_values v
cross join stg_aspec.conventions cv
where jsonb_typeof(v.value) = 'object' and v.value->>'currency' <> cv.currency
