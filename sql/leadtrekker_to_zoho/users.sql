-- Every person who owns or is assigned something in Leadtrekker, with their user record.
select u.email, u.name, u.active
from stg_leadtrekker.users u
union
select l.owner, null, null
from stg_leadtrekker.leads l
where l.owner is not null and not exists (select 1 from stg_leadtrekker.users u where u.email = l.owner)
