/**
 * A generated Leadtrekker export for load tests: N clean leads (plus optional bad ones) in a
 * temp folder, with the sample's users/statuses and header-only activity files.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { projectRoot } from '../../engine/paths.ts';
import { runCli, type CliResult } from '../helpers/cli.ts';

const SAMPLE = path.join(projectRoot, 'connectors', 'sources', 'leadtrekker', 'sample');
const HEADER = 'Lead ID;Name;Email;Phone;Cell;Company;Status;Source;Owner;Group;Created;Modified;Budget (ZAR);Newsletter Opt-in;Industry;Preferred Contact Date';

export interface FixtureOptions {
  leads: number;
  /** Owners cycle through these emails (default: two active sandbox users). */
  owners?: string[];
  /** Leads with no name (rejected by the SQL: Last_Name is mandatory). */
  nameless?: number;
  /** Leads after the nameless ones whose Newsletter Opt-in cell is not yes/no (loaded without it, a finding). */
  badOptIn?: number;
  /** Extra files: attachments.csv rows and files/ content. */
  attachments?: { id: string; lead: string; name: string; path: string; size: number }[];
}

export function makeExport(o: FixtureOptions): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'crm-load-fixture-'));
  const owners = o.owners ?? ['thandi@ltk-demo.co.za', 'johan@ltk-demo.co.za'];
  const lines = [HEADER];
  for (let i = 1; i <= o.leads; i++) {
    const id = `LT-${String(500000 + i)}`;
    const nameless = i <= (o.nameless ?? 0);
    const optIn = !nameless && i <= (o.nameless ?? 0) + (o.badOptIn ?? 0) ? 'Maybe' : 'Y';
    lines.push(`${id};${nameless ? '' : `Person${i} Surname${i}`};person${i}@example.co.za;0825550${String(i).padStart(3, '0')};;Company ${i % 37};New;Website Form;${owners[i % owners.length]};Sales;01/02/2024 10:00;01/02/2024;ZAR ${1000 + i};${optIn};;15/03/2024`);
  }
  writeFileSync(path.join(dir, 'leads.csv'), lines.join('\n') + '\n');
  for (const f of ['users.csv', 'statuses.csv', 'user_groups.csv', 'notification_triggers.csv']) copyFileSync(path.join(SAMPLE, f), path.join(dir, f));
  for (const f of ['activities.csv', 'reminders.csv', 'attachments.csv']) writeFileSync(path.join(dir, f), readFileSync(path.join(SAMPLE, f), 'utf8').split('\n')[0] + '\n');
  if (o.attachments?.length) {
    const head = readFileSync(path.join(SAMPLE, 'attachments.csv'), 'utf8').split('\n')[0];
    writeFileSync(path.join(dir, 'attachments.csv'), [head, ...o.attachments.map((a) => `${a.id};${a.lead};${a.name};;${a.size};${a.path}`)].join('\n') + '\n');
  }
  mkdirSync(path.join(dir, 'files'), { recursive: true });
  return dir;
}

/** extract -> transform -> setup -> users -> load (or the steps given), stopping at the first failure. */
export async function runSteps(input: string, env: Record<string, string | undefined>, steps = ['extract', 'transform', 'setup', 'users', 'load'], extra: string[] = []): Promise<CliResult> {
  let last: CliResult | undefined;
  for (const s of steps) {
    // Only the steps that read the export take --input (load: attachment bodies).
    const reads = s === 'extract' || s === 'load';
    last = await runCli(['leadtrekker-to-zoho', s, ...(reads ? ['--input', input] : []), '--json', ...(s === 'load' ? extra : [])], env);
    if (last.exitCode !== 0) return last;
  }
  return last!;
}
