-- ASPEC report definitions (not migrated; inventoried for the admin who rebuilds them).
select
  lib.squish(r.report_name)                                    as report_name,
  lib.squish(r.module)                                         as module,
  lib.squish(r.filters)                                        as filters,
  lib.squish(r.groupings)                                      as groupings,
  lib.squish(r.chart)                                          as chart,
  r._file, r._line
from raw_aspec.reports r
where lib.squish(r.report_name) is not null
