-- Lengths Nutshell refuses (pipelines/leadtrac-to-nutshell/README.md, "Mandatory fields"): a lead
-- name longer than a lead description may be is shortened, one finding per lead, naming the
-- export file and line. (Leads and people without a name are dq_leadtrac findings
-- missing_mandatory and missing_name.)
select 'value_shortened' as category, 'info' as severity, 'leads' as object, d.source_key,
       'description' as field, l.lead_name as value,
       format('a Nutshell lead is named by its description, at most 100 characters (Nutshell 8.8); this Lead Name has %s (%s line %s) and was shortened to "%s"',
              char_length(l.lead_name), l._file, l._line, d.description) as message
from leadtrac_to_nutshell.leads d
join stg_leadtrac.leads l on 'leads:' || l.lead_id = d.source_key
where char_length(l.lead_name) > 100
union all
-- no fill would be true: rejected before load
select 'missing_mandatory', 'error', 'contacts', c.source_key, 'name', null, c._reject_reason
from leadtrac_to_nutshell.contacts c where c._reject_reason like 'MISSING_NAME%'
union all
select 'missing_mandatory', 'error', 'activities', a.source_key, 'startTime', null, a._reject_reason
from leadtrac_to_nutshell.activities a where a._reject_reason like 'UNPARSEABLE_DATE%'
