-- Hand-off: ASPEC reports (seed 004 "Report -> not migrated"): ASPEC has no report export and
-- Zoho reports are built in its UI, so each is listed with its filters, groupings and chart for
-- the admin to rebuild in Zoho Reports (or Zoho Analytics).
select
  r.report_name                                                as "Report",
  r.module                                                     as "ASPEC Module",
  case lower(r.module) when 'opportunities' then 'Deals' when 'companies' then 'Accounts' when 'contacts' then 'Contacts'
       when 'activities' then 'Tasks / Meetings / Notes' else r.module end as "Zoho Module",
  r.filters                                                    as "Filters",
  r.groupings                                                  as "Groupings",
  r.chart                                                      as "Chart",
  'rebuild in Zoho Reports; field names: see the pipeline README mapping table' as "Action"
from stg_aspec.reports r
order by r._line
