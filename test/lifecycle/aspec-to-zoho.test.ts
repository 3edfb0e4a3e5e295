/**
 * The migration lifecycle (issue 7) on aspec-to-zoho against the sandbox org, on a small
 * generated ASPEC export: sample -> approve -> load -> a broken mapping -> delta (2 contacts
 * changed, 1 added, 1 removed) -> rollback. Steps and assertions: helpers.ts.
 */
import { lifecycleSuite } from './helpers.ts';
import { aspecToZoho } from '../../pipelines/aspec-to-zoho/pipeline.ts';
import { generateAspec } from '../../tools/generate/aspec.ts';

lifecycleSuite({
  pipeline: aspecToZoho,
  makeExport: async (dir) => {
    await generateAspec({ outDir: dir, contacts: 20, seed: 7 });
  },
  sampleSize: 3,
  main: {
    object: 'contacts',
    file: 'contacts.csv',
    keyColumn: 'Contact ID',
    change: (i) => ({ Phone: `+1 416 555 010${i}` }),
    addId: 'K09901',
    add: { 'First Name': 'Delta', 'Last Name': 'Added', Email: 'delta.added@example.ca' },
  },
  breakColumn: 'Last_Name',
  fallbackOwner: async (q) =>
    (await q(`select m.source_email from etl.user_map m join sandbox_zoho.users u on u.id = m.dest_user_id where u.status = 'active' and m.pipeline = $1 order by 1 limit 1`, ['aspec-to-zoho']))[0].source_email,
});
