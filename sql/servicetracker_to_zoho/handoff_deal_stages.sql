-- Every Deal stage the load writes (all must exist in Zoho before deals load), with the
-- ServiceTracker statuses behind it.
select "Stage" as stage, string_agg(distinct "ST_Status", ', ') as servicetracker_statuses, count(*) as deals
from servicetracker_to_zoho.deals
group by "Stage"
