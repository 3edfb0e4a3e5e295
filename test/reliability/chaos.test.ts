/**
 * A small `npm run chaos` in CI: one load per destination (Zoho, Nutshell) killed at a seeded
 * moment (the client, the sandbox server in its own process, or both) and resumed, each
 * org compared field by field with an uninterrupted reference run in its own database. Then the
 * reference orgs are damaged on purpose (a field changed, a lookup re-pointed, a record deleted,
 * one written twice, attachment bytes changed) and the same comparison must name each damage.
 * The full trials and the fault matrix run with `npm run chaos`.
 */
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { leadtracToNutshell } from '../../pipelines/leadtrac-to-nutshell/pipeline.ts';
import { leadtrekkerToZoho } from '../../pipelines/leadtrekker-to-zoho/pipeline.ts';
import type { PipelineDefinition } from '../../engine/pipeline.ts';
import { compareDumps, createDb, dbUrl, dropDbs, renderTable, runChaos } from '../../tools/chaos/lib.ts';

async function sql(url: string, text: string): Promise<Record<string, any>[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows;
  } finally {
    await c.end();
  }
}

/** Damage to do to an org of each destination, through its sandbox's tables, and what the comparison must then say. */
const DAMAGE: Record<string, (url: string) => Promise<string[]>> = {
  async zoho(url) {
    const key = (r: Record<string, any>) => r.k.slice(r.k.indexOf('/') + 1);
    const [task] = await sql(url, `select id, data->'What_Id'->>'id' as lead, data->>'CRM_Migrate_Key' as k from sandbox_zoho.records where data->'What_Id'->>'id' is not null order by id limit 1`);
    const [lead] = await sql(url, `select id, data->>'CRM_Migrate_Key' as k from sandbox_zoho.records where id = '${task!.lead}'`);
    const [other, gone] = await sql(url, `select id, data->>'CRM_Migrate_Key' as k from sandbox_zoho.records r where module = 'Leads' and id <> '${lead!.id}'
       and not exists (select 1 from sandbox_zoho.attachments a where a.record_id = r.id) order by id limit 2`);
    await sql(url, `update sandbox_zoho.records set data = data || '{"Last_Name":"Damaged"}' where id = '${lead!.id}'`);
    await sql(url, `insert into sandbox_zoho.records (module, id, data) select module, id || '9', data from sandbox_zoho.records where id = '${other!.id}'`);
    await sql(url, `update sandbox_zoho.records set data = jsonb_set(data, '{What_Id,id}', to_jsonb('${other!.id}'::text)) where id = '${task!.id}'`);
    await sql(url, `delete from sandbox_zoho.records where id = '${gone!.id}'`);
    const [att] = await sql(url, `select a.id, a.file_name, r.module, r.data->>'CRM_Migrate_Key' as k from sandbox_zoho.attachments a join sandbox_zoho.records r on r.id = a.record_id order by a.id limit 1`);
    await sql(url, `update sandbox_zoho.attachments set content = content || '\\x00'::bytea where id = '${att!.id}'`);
    return [`Leads:${key(lead!)} Last_Name`, `duplicate Leads:${key(other!)}`, `${key(task!)} What_Id`, `lost Leads:${key(gone!)}`, `${att!.module}:${key(att!)}|${att!.file_name} sha256`];
  },
  async nutshell(url) {
    const [lead, gone] = await sql(url, `select e.id, m.source_key from sandbox_nutshell.entities e join etl.id_map m on m.dest_module = 'Leads' and m.dest_id::int = e.id where e.entity_type = 'Leads' order by e.id limit 2`);
    const [acc, acc2] = await sql(url, `select e.id, m.source_key from sandbox_nutshell.entities e join etl.id_map m on m.dest_module = 'Accounts' and m.dest_id::int = e.id where e.entity_type = 'Accounts' order by e.id limit 2`);
    await sql(url, `update sandbox_nutshell.entities set data = data || '{"description":"Damaged"}' where entity_type = 'Leads' and id = ${lead!.id}`);
    await sql(url, `update sandbox_nutshell.entities set data = data || '{"primaryAccount":{"entityType":"Accounts","id":${acc2!.id}}}' where entity_type = 'Leads' and id = ${lead!.id}`);
    await sql(url, `insert into sandbox_nutshell.entities (entity_type, id, data) select entity_type, id + 100000, data from sandbox_nutshell.entities where entity_type = 'Accounts' and id = ${acc!.id}`);
    await sql(url, `update sandbox_nutshell.entities set deleted_time = now() where entity_type = 'Leads' and id = ${gone!.id}`);
    return [`Leads:${lead!.source_key} description`, `Leads:${lead!.source_key} primaryAccount`, `1 Accounts record(s) no key leads to`, `lost Leads:${gone!.source_key}`];
  },
};

describe('chaos (small)', () => {
  it('kills on Zoho and Nutshell end with the reference org, and the comparison sees damage', async () => {
    const adminUrl = inject('adminUrl');
    // Named after the run's template so the global teardown drops them if this file dies.
    const tag = `${inject('templateDb').replace('crm_tpl_', 'crm_t_')}_chaos`;
    const logs: string[] = [];
    // Zoho with seed 2 and Nutshell with seed 4: the client killed while the load writes.
    const plans: [PipelineDefinition, number][] = [
      [leadtrekkerToZoho, 2],
      [leadtracToNutshell, 4],
    ];
    try {
      const reports = await Promise.all(
        plans.map(([p, seed], n) =>
          runChaos({
            adminUrl,
            pipelines: [p],
            trials: 1,
            seed,
            size: 6,
            maxKills: 1,
            faults: [],
            keep: true,
            tag: `${tag}${n}`,
            log: (m) => (logs.push(m), process.env.CHAOS_DEBUG && console.error(new Date().toISOString(), m)),
          }),
        ),
      );
      const report = { ...reports[0]!, rows: reports.flatMap((r) => r.rows) };
      const table = renderTable(report);
      const why = `${table}\n${logs.join('\n')}`;
      expect(report.rows.map((r) => `${r.pipeline} ${r.name}`), why).toEqual(['leadtrekker-to-zoho crash 1', 'leadtrac-to-nutshell crash 1']);
      for (const r of report.rows) {
        expect({ trial: `${r.pipeline} ${r.name}`, error: r.error, lost: r.lost, duplicated: r.duplicates, mismatched: r.mismatchedFields, unbalanced: r.conservation, bareRejects: r.bareRejects }, `${r.examples.join('\n')}\n${why}`).toEqual({
          trial: `${r.pipeline} ${r.name}`,
          error: undefined,
          lost: 0,
          duplicated: 0,
          mismatched: 0,
          unbalanced: [],
          bareRejects: 0,
        });
        expect(r.kills!.length).toBe(1);
      }
      expect(table).toMatch(/\| crash trials +\| zoho +\| 1 trials/);
      expect(table).toMatch(/\| crash trials +\| nutshell +\| 1 trials/);

      // The same comparison on a copy of each reference org, damaged on purpose.
      for (const [n, [p]] of plans.entries()) {
        const modules = [...new Set(p.objects.map((o) => o.module))];
        const ref = await p.destination.sandbox!.dump(dbUrl(adminUrl, `${tag}${n}_0_loaded`), p.name, modules);
        const damaged = await createDb(adminUrl, `${tag}${n}_0_damaged`, `${tag}${n}_0_loaded`);
        const expected = await DAMAGE[p.destination.name]!(damaged);
        const cmp = compareDumps(ref, await p.destination.sandbox!.dump(damaged, p.name, modules), 1000);
        const said = cmp.examples.join('\n');
        expect(cmp.lost, said).toBeGreaterThan(0);
        expect(cmp.duplicates, said).toBeGreaterThan(0);
        expect(cmp.mismatchedFields, said).toBeGreaterThan(0);
        for (const e of expected) expect(said, p.name).toContain(e);
      }
    } finally {
      await dropDbs(adminUrl, `${tag}\\_%`);
    }
  }, 420_000);
});
