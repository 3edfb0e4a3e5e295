-- How an owner column may name a user (EXPORTS.md: an email, else a user's name in users.csv):
-- every lower-cased email and name of users.csv -> the user's email. A name two users share
-- resolves to neither (left unresolved, reported by dq_leadtrac).
select lower(email) as ref, email, 'email' as matched_by from stg_leadtrac.users
union all
select lower(name), min(email), 'user name' from stg_leadtrac.users
where name is not null group by lower(name) having count(*) = 1
