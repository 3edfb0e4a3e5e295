-- Values the pipeline fills because Zoho refuses a record without them (pipelines/servicetracker-to-zoho/README.md,
-- "Mandatory fields"): one finding per filled record, naming the export file, line and columns.
select 'mandatory_filled' as category, 'warning' as severity, 'deals' as object, d.source_key,
       'Closing_Date' as field, d."Closing_Date" as value,
       format('Zoho requires Closing_Date on Deals and this work order has no readable Completed At or Scheduled Start (%s line %s): filled with the day the export was taken; set the real date in Zoho',
              d._file, d._line) as message
from servicetracker_to_zoho.deals d
join stg_servicetracker.work_orders w on 'work_orders:' || w.work_order_id = d.source_key
where w.completed_on is null and w.scheduled_on is null
