/**
 * The migration lifecycle (issue 7) on leadtrac-to-nutshell against the Nutshell sandbox, on a
 * small generated LeadTrac export: sample -> approve -> load -> a broken mapping -> delta
 * (2 leads changed, 1 added, 1 removed with its lead_people rows) -> rollback. Steps and
 * assertions: helpers.ts.
 */
import { lifecycleSuite } from './helpers.ts';
import { leadtracToNutshell } from '../../pipelines/leadtrac-to-nutshell/pipeline.ts';
import { generateLeadtrac } from '../../tools/generate/leadtrac.ts';

lifecycleSuite({
  pipeline: leadtracToNutshell,
  makeExport: async (dir) => {
    await generateLeadtrac({ outDir: dir, leads: 20, seed: 'lifecycle' });
  },
  sampleSize: 3,
  main: {
    object: 'leads',
    file: 'leads.csv',
    keyColumn: 'Lead ID',
    // Not the lead's name: activities quote it ("Filed under"), so they would change with it.
    // Leads that have one: the Nutshell adapter never sends an empty value (Nutshell edits
    // replace only what is sent), so rollback cannot empty a field the delta filled.
    change: (i) => ({ 'Case Number': `CASE-DELTA-${i}` }),
    changeable: (r) => !!r['Case Number'],
    addId: 'L5999',
    add: { 'Lead Name': 'Delta added lead' },
    // A lead's people links are part of the lead.
    removeWith: [{ file: 'lead_people.csv', column: 'Lead ID' }],
  },
  breakColumn: 'description',
  fallbackOwner: async () => 'maria.lopez@lt-demo.com',
});
