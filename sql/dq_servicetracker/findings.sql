-- Every ServiceTracker data-quality finding, one row each. References to records the export does
-- not have: dq_servicetracker.orphan_values, generated from the references the connector declares
-- (engine/extract/orphans.ts).
select * from dq_servicetracker.duplicate_clients
union all select * from dq_servicetracker.duplicate_emails
union all select * from dq_servicetracker.duplicate_ids
union all select * from dq_servicetracker.invalid_emails
union all select * from dq_servicetracker.unparsed_values
