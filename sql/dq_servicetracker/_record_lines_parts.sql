-- Where each part line came from (work_order_parts.csv has no id of its own: a line is its work
-- order and part number), for the findings that name it work_order_parts:<work order>:<part>.
-- lib.dq_findings reads every _record_lines* view; the leading _ keeps this one out of the findings.
select 'work_order_parts'::text as object, btrim(work_order_id) || ':' || upper(btrim(part_number)) as id, _file::text as file, _line::bigint as line
from raw_servicetracker.work_order_parts
where nullif(btrim(work_order_id), '') is not null and nullif(btrim(part_number), '') is not null
