-- The rebuild reference for LeadTrac workflows (seed 003 "Workflows"): automation does not
-- migrate; each workflow with its trigger, actions and the Nutshell feature to rebuild it with.
select
  lib.squish(w.name)                                     as workflow,
  lib.squish(w.trigger)                                  as leadtrac_trigger,
  w.actions                                              as leadtrac_actions,
  concat_ws('; ',
    case when w.trigger ~* 'created|source' then 'lead distribution / assignment rules (Setup > Lead distribution)' end,
    case when w.trigger ~* 'status' then 'pipeline stage automation (stage-change actions on the matching stage)' end,
    case when w.trigger ~* 'no activity|stale|days' then 'a saved lead filter with a report or a task reminder' end,
    case when w.actions ~* 'email|template' then 'an email sequence (Nutshell Marketing / sequences)' end,
    case when w.actions ~* 'task' then 'a task on the stage' end,
    case when w.actions ~* 'docusign|portal|sms' then 'outside Nutshell: DocuSign, client portal and SMS need their own tools or integrations' end) as nutshell_rebuild
from raw_leadtrac.workflows w
where btrim(w.name) <> ''
