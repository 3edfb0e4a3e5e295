-- Source emails that matched a Zoho user in the `users` step. Read at load time (a view), so
-- Owner columns below hold an email only when it is a Zoho user; everything else is owned
-- by --fallback-owner (or, without it, by the API user), never queued.
select m.source_email as email, m.dest_user_id
from etl.user_map m
where m.pipeline = 'servicetracker-to-zoho' and m.dest_user_id is not null
