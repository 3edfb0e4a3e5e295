-- What does not migrate and must be rebuilt in Zoho: notification triggers and autoresponders
-- (runtime behaviour Leadtrekker does not export as data).
select
  case when t.is_autoresponder then 'autoresponder' else 'notification trigger' end as kind,
  t.trigger_name                                          as name,
  t.event,
  t.channel,
  t.recipients,
  t.user_group,
  case
    when t.is_autoresponder then 'Zoho Autoresponder (Setup > Automation) or a Workflow Rule with an email alert to the lead'
    when lower(t.channel) = 'sms' then 'Workflow Rule on Leads with an SMS action (needs an SMS extension) or an email alert'
    else 'Workflow Rule on Leads with an email alert'
  end                                                     as zoho_equivalent
from stg_leadtrekker.notification_triggers t
