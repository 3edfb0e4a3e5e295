-- materialized: table
-- How this source's landed export is read (one row): nn/nn/yyyy order, time zone of times
-- without an offset, phone country, decimal separator, currency, and where each came from.
-- Every staging model of the source takes its parser settings from here.
select * from lib.source_conventions('aspec')
