-- Mandatory fields and lengths (pipelines/leadtrekker-to-nutshell/README.md, "Mandatory fields"):
-- one finding per record the pipeline named or shortened because Nutshell would refuse it as
-- exported, naming the export file and line of the lead it came from.
select 'mandatory_filled' as category, 'warning' as severity, 'contacts' as object, c.source_key,
       'name' as field, c.name #>> '{}' as value,
       format('Nutshell needs a name, e-mail or phone on a person and this lead has no name (%s line %s, column Name): the person is named by its %s',
              l._file, l._line, case when p.email is not null then 'e-mail' else 'phone' end) as message
from leadtrekker_to_nutshell.contacts c
join leadtrekker_to_nutshell.people p on 'contacts:' || p.person_key = c.source_key
join stg_leadtrekker.leads l on l.lead_id = p.survivor_lead_id
where p.last_name is null and c._reject_reason is null
union all
select 'value_shortened', 'info', 'leads', d.source_key, 'description', p.full_name,
       format('a Nutshell lead is named by its description, at most 100 characters (Nutshell 8.8); this name has %s (%s line %s) and was shortened to "%s"',
              char_length(p.full_name), l._file, l._line, d.description)
from leadtrekker_to_nutshell.leads d
join leadtrekker_to_nutshell.people p on 'leads:' || p.person_key = d.source_key
join stg_leadtrekker.leads l on l.lead_id = p.survivor_lead_id
where char_length(p.full_name) > 100
union all
select 'mandatory_filled', 'warning', 'leads', d.source_key, 'description', d.description,
       format('this lead has no name (%s line %s, column Name): the Nutshell lead is described by %s', l._file, l._line, d.description)
from leadtrekker_to_nutshell.leads d
join leadtrekker_to_nutshell.people p on 'leads:' || p.person_key = d.source_key
join stg_leadtrekker.leads l on l.lead_id = p.survivor_lead_id
where p.full_name is null
union all
-- no fill would be true: rejected before load
select 'missing_mandatory', 'error', 'contacts', c.source_key, 'name', null, c._reject_reason
from leadtrekker_to_nutshell.contacts c where c._reject_reason like 'MISSING_NAME%'
union all
select 'missing_mandatory', 'error', 'activities', a.source_key, 'startTime', null, a._reject_reason
from leadtrekker_to_nutshell.activities a where a._reject_reason like 'UNPARSEABLE_DATE%'
