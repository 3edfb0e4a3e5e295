/**
 * What the lifecycle tests share: the CLI run in this process, and the sandbox org's state as
 * rollback promises to restore it (records and files; fields and picklists belong to setup).
 */
import type pg from 'pg';
import type { CliResult } from '../helpers/cli.ts';
import { main } from '../../engine/cli/main.ts';
import { registry } from '../../pipelines/registry.ts';
import { snapshotZohoOrg, diffZohoSnapshots, type ZohoOrgSnapshot } from '../../connectors/destinations/zoho/sandbox/snapshot.ts';
import { snapshotNutshellOrg, diffNutshellSnapshots, type NutshellSnapshot } from '../../connectors/destinations/nutshell/sandbox/snapshot.ts';

/**
 * The CLI's main() in this process (what pipelines/run.ts calls), stdout and stderr captured:
 * a child process per command costs seconds of start-up each. Tests run their first and last
 * commands through runCli (a real child process) to cover the entry point too.
 */
export async function inProcess(dbUrl: string, args: string[], env: Record<string, string | undefined> = {}): Promise<CliResult> {
  const saved = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries({ DATABASE_URL: dbUrl, ...env })) {
    saved.set(k, process.env[k]);
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  const out: string[] = [];
  const err: string[] = [];
  const ow = process.stdout.write.bind(process.stdout);
  const ew = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((c: string | Uint8Array) => (out.push(String(c)), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => (err.push(String(c)), true)) as typeof process.stderr.write;
  let exitCode: number;
  try {
    exitCode = await main(args, registry);
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  const stdout = out.join('');
  const last = stdout.trim().split('\n').pop();
  let json: unknown;
  try {
    json = last ? JSON.parse(last) : undefined;
  } catch {
    json = undefined;
  }
  return { exitCode, stdout, stderr: err.join(''), json };
}

/** A sandbox org's records (and files), comparable with `diff` ([] = equal). */
export interface OrgProbe<S> {
  state(): Promise<S>;
  diff(a: S, b: S): string[];
  /** Records of one module/entity type in the state. */
  count(s: S, module: string): number;
}

type ZohoState = Pick<ZohoOrgSnapshot, 'records' | 'attachments'>;
export function zohoOrg(pool: pg.Pool): OrgProbe<ZohoState> {
  return {
    async state() {
      const s = await snapshotZohoOrg(pool as never);
      return { records: s.records, attachments: s.attachments };
    },
    diff: (a, b) => diffZohoSnapshots({ modules: [], fields: {}, users: {}, tags: {}, ...a }, { modules: [], fields: {}, users: {}, tags: {}, ...b }),
    count: (s, module) => Object.keys(s.records[module] ?? {}).length,
  };
}

/** Nutshell: live entities only (tags and custom fields are made by setup and load, and stay). */
type NutshellState = Pick<NutshellSnapshot, 'entities'>;
export function nutshellOrg(pool: pg.Pool): OrgProbe<NutshellState> {
  return {
    async state() {
      return { entities: (await snapshotNutshellOrg(pool as never)).entities };
    },
    diff: (a, b) => diffNutshellSnapshots({ tags: [], customFields: [], ...a }, { tags: [], customFields: [], ...b }),
    count: (s, type) => Object.keys(s.entities).filter((k) => k.startsWith(`${type}:`)).length,
  };
}
