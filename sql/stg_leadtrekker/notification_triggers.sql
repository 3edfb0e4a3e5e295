-- Notification triggers and autoresponders: runtime behaviour that does not migrate.
select
  lib.squish("trigger")                                         as trigger_name,
  lib.squish(event)                                             as event,
  lib.squish(channel)                                           as channel,
  lib.squish(recipients)                                        as recipients,
  lib.squish("group")                                           as user_group,
  (lower(coalesce(lib.squish("trigger"), '')) like '%autorespond%' or lower(coalesce(recipients, '')) = 'lead') as is_autoresponder,
  _file, _line
from raw_leadtrekker.notification_triggers
where lib.squish("trigger") is not null
