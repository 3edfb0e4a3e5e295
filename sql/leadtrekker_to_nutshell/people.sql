-- materialized: table
-- One row per person (person_key), the duplicates' data merged by the rule of README.md:
-- per field, the value of the most recently modified lead that has one; the name is taken
-- whole (first, last, title together) from the most recent lead that has a name; created is
-- the earliest. Then the prospect rule decides: import_as 'lead' (a Nutshell lead) or 'person'.
with g as (select * from leadtrekker_to_nutshell.lead_people),
merged as (
  select
    g.person_key,
    (array_agg(g.lead_id order by g.recency))[1]                                              as survivor_lead_id,
    array_agg(g.lead_id order by g.recency)                                                   as lead_ids,
    count(*)                                                                                  as lead_count,
    max(g.email) filter (where g.email_valid)                                                 as email,
    (array_agg(g.email_raw order by g.recency) filter (where g.email_raw is not null and not g.email_valid))[1] as invalid_email,
    (array_agg(g.full_name order by g.recency) filter (where g.last_name is not null))[1]     as full_name,
    (array_agg(g.salutation order by g.recency) filter (where g.last_name is not null))[1]    as salutation,
    (array_agg(g.first_name order by g.recency) filter (where g.last_name is not null))[1]    as first_name,
    (array_agg(g.last_name order by g.recency) filter (where g.last_name is not null))[1]     as last_name,
    (array_agg(g.phone order by g.recency) filter (where g.phone is not null))[1]             as phone,
    (array_agg(g.phone_e164 order by g.recency) filter (where g.phone is not null))[1]        as phone_e164,
    (array_agg(g.mobile order by g.recency) filter (where g.mobile is not null))[1]           as mobile,
    (array_agg(g.mobile_e164 order by g.recency) filter (where g.mobile is not null))[1]      as mobile_e164,
    (array_agg(g.company order by g.recency) filter (where g.company_key is not null))[1]     as company,
    (array_agg(g.company_key order by g.recency) filter (where g.company_key is not null))[1] as company_key,
    (array_agg(g.status order by g.recency) filter (where g.status is not null))[1]           as status,
    (array_agg(g.source order by g.recency) filter (where g.source is not null))[1]           as source,
    (array_agg(coalesce(g.owner_email, lower(g.owner_raw)) order by g.recency)
       filter (where coalesce(g.owner_email, g.owner_raw) is not null))[1]                    as owner,
    (array_agg(g.user_group order by g.recency) filter (where g.user_group is not null))[1]   as user_group,
    min(g.created_at)                                                                         as created_at,
    max(g.modified_at)                                                                        as modified_at,
    count(distinct g.company_key)                                                             as company_keys
  from g
  group by g.person_key
)
select
  m.*,
  coalesce(ms.nutshell_status, m.status) as nutshell_status,
  coalesce(mo.nutshell_source, m.source) as nutshell_source,
  case
    when r.enabled and lib.parse_bool(ms.prospect) and (m.company_key is null or not r.require_no_company) then 'lead'
    else 'person'
  end as import_as
from merged m
cross join leadtrekker_to_nutshell.prospect_rule r
left join leadtrekker_to_nutshell.map_lead_status ms on lower(btrim(ms.leadtrekker_status)) = lower(m.status)
left join leadtrekker_to_nutshell.map_lead_source mo on lower(btrim(mo.leadtrekker_source)) = lower(m.source)
