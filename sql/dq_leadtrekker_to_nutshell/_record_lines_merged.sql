-- Where the records this pipeline merges came from, for the findings that name them by their
-- Nutshell key (lib.dq_findings reads every _record_lines* view; the leading _ keeps this one
-- out of the findings): a person (contacts:<person_key>, or leads:<person_key> when imported as a lead) at the line of the lead whose values
-- win the merge, a company (accounts:<company_key>) at the first line that names it.
select o.object::text as object, lp.person_key as id, l._file::text as file, lp._line::bigint as line
from leadtrekker_to_nutshell.lead_people lp
join stg_leadtrekker.leads l on l.lead_id = lp.lead_id
-- a person imported as a Nutshell lead (prospect rule) is keyed leads:<person_key>
cross join (values ('contacts'), ('leads')) o(object)
where lp.recency = 1
union all
select 'accounts', lp.company_key, min(l._file), min(lp._line)
from leadtrekker_to_nutshell.lead_people lp
join stg_leadtrekker.leads l on l.lead_id = lp.lead_id
where lp.company_key is not null
group by lp.company_key
