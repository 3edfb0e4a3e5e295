-- Owner IDs that name a user but resolve to no owner (a name two users share, or a user with no
-- email): the record loads under the fallback owner (or the API user). An Owner ID that names no
-- user of users.csv at all is an orphan (dq_aspec.orphan_values, from the declared references).
select 'owner_unknown'::text as category, 'warning'::text as severity, x.object,
       x.id as source_key, 'Owner ID'::text as field, x.owner_raw as value,
       case when o.matched_by = 'ambiguous name' then 'several ASPEC users have this name; the record loads under the fallback owner'
            when o.user_id is not null then 'the ASPEC user has no email; the record loads under the fallback owner'
       end as message
from (
  select 'companies' as object, company_id as id, owner_raw from stg_aspec.companies
  union all select 'contacts', contact_id, owner_raw from stg_aspec.contacts
  union all select 'opportunities', opportunity_id, owner_raw from stg_aspec.opportunities
  union all select 'activities', activity_id, owner_raw from stg_aspec.activities
) x
join stg_aspec.owner_refs o on o.owner_raw = x.owner_raw
where o.email is null and (o.matched_by = 'ambiguous name' or o.user_id is not null)
