-- Source emails that matched an active Zoho user in the `users` step, read at load time (a
-- view). Contacts use it so that a customer's email (never a Zoho user) is not an owner to
-- reconcile: their Owner is set only when the email is a Zoho user, else the fallback owner.
select m.source_email as email, m.dest_user_id
from etl.user_map m
where m.pipeline = 'servicetracker-to-zoho' and m.dest_user_id is not null and m.matched_by <> 'inactive'
