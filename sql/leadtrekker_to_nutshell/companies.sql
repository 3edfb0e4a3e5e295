-- materialized: table
-- Companies from the free-text Company of every lead: one per lib.company_key, named by
-- lib.company_display_name (the spelling written most often). Placeholders ("N/A") are not companies.
select
  company_key,
  lib.company_display_name(array_agg(company)) as display_name,
  array_agg(distinct company order by company) as variants,
  count(*) as leads,
  -- two or more names in one field ("Smith; Jones & Co"): created as written, reported
  bool_or(company ~ '[;/|]' or company ~* '\s(and|&)\s.*\s(and|&)\s') as ambiguous
from leadtrekker_to_nutshell.lead_people
where company_key is not null
group by company_key
