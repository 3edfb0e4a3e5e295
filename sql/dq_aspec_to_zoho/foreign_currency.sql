-- Opportunity values written in another currency than CAD: Amount keeps the number and
-- Amount_Currency the currency; with a single-currency (CAD) org a person converts them.
select 'foreign_currency'::text as category, 'warning'::text as severity, 'opportunities'::text as object,
       opportunity_id as source_key, 'Value'::text as field, value_raw as value,
       format('amount is in %s, not CAD; Amount_Currency says so: convert it, or enable multi-currency in Zoho', currency) as message
from stg_aspec.opportunities
where amount is not null and currency <> 'CAD'
