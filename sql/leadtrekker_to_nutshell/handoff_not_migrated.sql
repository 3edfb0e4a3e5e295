-- What does not migrate (seed 001): notification preferences, autoresponders and assignment
-- rules are runtime behaviour, not exportable data. The inventory for the admin to rebuild.
select
  case when t.is_autoresponder then 'autoresponder' else 'notification' end as kind,
  t.trigger_name                                          as name,
  t.event,
  t.channel,
  t.recipients,
  t.user_group,
  case
    when t.is_autoresponder then 'Nutshell Marketing: an automated email sequence or form follow-up to the lead'
    when lower(t.channel) = 'sms' then 'Nutshell has no SMS alerts: each user sets email/mobile-app notifications in their own settings'
    else 'Each user sets it in Nutshell notification settings; lead assignment alerts come with lead distribution'
  end                                                     as nutshell_equivalent
from stg_leadtrekker.notification_triggers t
union all
select 'assignment rules', 'Lead assignment rules', 'Lead created', null, null, null,
       'Not in the export: copy them from Leadtrekker settings and rebuild them as Nutshell lead distribution / automation'
union all
select 'notification preferences', 'Per-user SMS and email alert settings', null, null, null, null,
       'Not in the export: each user sets their notifications in Nutshell after activation'
