-- Postal codes of Canadian addresses that are not in the Canadian shape (A1A 1A1): loaded as
-- written. (An address without a country is in the source's country.)
select 'invalid_postal_code'::text as category, 'info'::text as severity, 'contacts'::text as object,
       contact_id as source_key, 'Postal Code'::text as field, postal_code_raw as value,
       'not a Canadian postal code; loaded as written' as message
from stg_aspec.contacts where postal_code_raw is not null and not postal_code_valid and country_code = 'CA'
union all
select 'invalid_postal_code', 'info', 'companies', company_id, 'Postal Code', postal_code_raw,
       'not a Canadian postal code; loaded as written'
from stg_aspec.companies where postal_code_raw is not null and not postal_code_valid and country_code = 'CA'
