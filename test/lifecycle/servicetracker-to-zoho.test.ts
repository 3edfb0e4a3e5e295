/**
 * The migration lifecycle (issue 7) on servicetracker-to-zoho against the sandbox org, on a small
 * generated ServiceTracker export: sample -> approve -> load -> a broken mapping -> delta
 * (2 contacts changed, 1 added, 1 removed) -> rollback. Steps and assertions: helpers.ts.
 */
import { lifecycleSuite } from './helpers.ts';
import { servicetrackerToZoho } from '../../pipelines/servicetracker-to-zoho/pipeline.ts';
import { generateServicetracker } from '../../tools/generate/servicetracker.ts';

lifecycleSuite({
  pipeline: servicetrackerToZoho,
  makeExport: async (dir) => {
    await generateServicetracker({ outDir: dir, clients: 12, seed: 7 });
  },
  sampleSize: 3,
  main: {
    object: 'contacts',
    file: 'contacts.csv',
    keyColumn: 'Contact ID',
    change: (i) => ({ Title: `Delta Title ${i}` }),
    addId: 'CT-9901',
    add: { 'First Name': 'Delta', 'Last Name': 'Added', Email: 'delta.added@example.com' },
    // An Account names its primary contact by email.
    refColumns: ['Email'],
  },
  breakColumn: 'Last_Name',
  fallbackOwner: async (q) =>
    (await q(`select m.source_email from etl.user_map m join sandbox_zoho.users u on u.id = m.dest_user_id where u.status = 'active' and m.pipeline = $1 order by 1 limit 1`, ['servicetracker-to-zoho']))[0]
      .source_email,
});
