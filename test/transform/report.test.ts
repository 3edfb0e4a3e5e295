/**
 * The report step through the real CLI on a database holding fixture raw tables, a
 * destination view, etl rows and dq views (including hostile values and a view that breaks
 * the finding contract).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '../helpers/db.ts';
import { runCli } from '../helpers/cli.ts';
import { csvCell } from '../../engine/util/csv-write.ts';

const P = 'leadtrekker-to-zoho';
let db: TestDb;
let out: string;
let r: Awaited<ReturnType<typeof runCli>>;

beforeAll(async () => {
  db = await createTestDb();
  out = mkdtempSync(path.join(tmpdir(), 'crm-report-'));
  await db.pool.query(`
    create schema raw_leadtrekker;
    create table raw_leadtrekker.leads (lead_id text, name text, email text);
    insert into raw_leadtrekker.leads select g::text, 'Name ' || g, 'x' || g || '@example.com' from generate_series(1, 7) g;
    create table raw_leadtrekker.users (email text);
    insert into raw_leadtrekker.users values ('a@example.com'), ('b@example.com');
    create schema stg_leadtrekker;
    create view stg_leadtrekker.leads as select * from raw_leadtrekker.leads where lead_id <> '7';
    create schema leadtrekker_to_zoho;
    create view leadtrekker_to_zoho.leads as select lead_id as source_key, name as "Last_Name" from stg_leadtrekker.leads;
    insert into etl.id_map (pipeline, object, source_key, dest_module, dest_id, payload_hash)
      values ('${P}', 'leads', '1', 'Leads', 'z1', 'h'), ('${P}', 'leads', '2', 'Leads', 'z2', 'h');
    insert into etl.load_log (pipeline, object, source_key, action) values
      ('${P}', 'leads', '1', 'insert'), ('${P}', 'leads', '2', 'insert'), ('${P}', 'leads', '3', 'reject'),
      ('${P}', 'leads', '3', 'reject'), ('${P}', 'leads', '4', 'queue'), ('${P}', 'leads', '4', 'queue');
    -- the current state: 2 loaded, 1 rejected (twice in the history), 1 waiting (queued by two runs), 2 not met yet
    insert into etl.record_status (pipeline, object, source_key, state, reason_code, message) values
      ('${P}', 'leads', '1', 'loaded', null, null), ('${P}', 'leads', '2', 'loaded', null, null),
      ('${P}', 'leads', '3', 'rejected', 'MISSING_LAST_NAME', 'MISSING_LAST_NAME: lead 3 has no name'),
      ('${P}', 'leads', '4', 'queued', 'USER', 'owner x@example.com has no active destination user');
    create schema dq_leadtrekker;
    create view dq_leadtrekker.invalid_email as
      select 'invalid_email' as category, 'warning' as severity, 'leads' as object, lead_id as source_key,
             'Email' as field, v as value, 'not a deliverable address' as message
      from (values ('1', '=HYPERLINK("http://evil.example/x","click")'), ('2', '+27 82'), ('3', '-5'), ('4', '@sum(a1)'),
                   ('5', '<script>alert(1)</script>')) t(lead_id, v);
    create view dq_leadtrekker.orphans as
      select 'orphan' as category, 'ERROR' as severity, 'activities' as object, 'A-' || g as source_key,
             'Lead ID' as field, 'LT-' || g as value, 'activity refers to a lead that is not in the export' as message
      from generate_series(1, 250) g;
    create view dq_leadtrekker.bad_shape as select 1 as id, 'no contract' as note;
    -- a union of the others (each finding counted once), a helper (left out), a synonym and an unknown severity
    create view dq_leadtrekker.findings as select * from dq_leadtrekker.invalid_email union all select * from dq_leadtrekker.orphans;
    create view dq_leadtrekker._helper as select 1 as x;
    create view dq_leadtrekker.dupes as
      select 'duplicate_email' as category, v as severity, 'leads' as object, k as source_key, 'Email' as field,
             'x@example.com' as value, 'same email as another lead' as message
      from (values ('4', 'Warn'), ('5', 'review')) t(k, v);
    create schema dq_leadtrekker_to_zoho;
    create view dq_leadtrekker_to_zoho.names as
      select 'uncertain_name' as category, 'info' as severity, 'leads' as object, '3' as source_key,
             'Last_Name' as field, 'Mary Anne Smith' as value, '3 words without a particle' as message;
  `);
  r = await runCli([P, 'report', '--json', '--out', out], { DATABASE_URL: db.url });
});
afterAll(async () => {
  await db?.drop();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('report step', () => {
  it('gives the counts in --json', () => {
    expect(r.exitCode, r.stderr).toBe(0);
    const rep = r.json.report;
    expect(rep.dir).toBe(path.join(out, 'report'));
    expect(rep.counts.raw).toEqual({ leads: 7, users: 2 });
    expect(rep.counts.staging).toEqual({ leads: 6 });
    expect(rep.counts.destination.leads).toBe(6);
    expect(rep.counts.destination.calls).toBeNull(); // a view not built yet is shown as missing
    expect(rep.counts.id_map).toEqual({ leads: 2 });
    // the history counts events; every figure of the load counts records, from etl.record_status
    expect(rep.counts.load_log).toEqual({ leads: { insert: 2, reject: 2, queue: 2 } });
    expect(rep.counts.state.leads).toEqual({ to_load: 6, loaded: 2, rejected: 1, queued: 1, skipped: 0, not_attempted: 2 });
    expect(rep.findings).toMatchObject({ total: 260, error: 252, warning: 6, info: 1, other: 1 });
    expect(rep.findings.categories).toEqual({
      orphan: { error: 250, warning: 0, info: 0, other: 0, total: 250 },
      dq_view_contract: { error: 2, warning: 0, info: 0, other: 0, total: 2 },
      invalid_email: { error: 0, warning: 5, info: 0, other: 0, total: 5 },
      duplicate_email: { error: 0, warning: 1, info: 0, other: 1, total: 2 },
      uncertain_name: { error: 0, warning: 0, info: 1, other: 0, total: 1 },
    });
  });

  it('writes one self-contained HTML file with the counts and findings', () => {
    const html = readFileSync(path.join(out, 'report', 'report.html'), 'utf8');
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<script|<link|@import|url\(/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // the counts, as the cards and charts print them
    expect(html).toMatch(/exported rows<\/span><b>9<\/b>/);
    expect(html).toMatch(/errors<\/span><b>252<\/b>/);
    expect(html).toMatch(/loaded<\/span><b>2<\/b>/);
    expect(html).toMatch(/waiting<\/span><b>1<\/b>/);
    expect(html).toMatch(/rejected<\/span><b>1<\/b>/);
    expect(html).toMatch(/not yet attempted<\/span><b>2<\/b>/);
    expect(html).toContain('<tr><td>leads</td><td class="n">6</td><td class="n">2</td><td class="n">1</td><td class="n">1</td><td class="n">0</td><td class="n">2</td></tr>');
    expect(html).toMatch(/Why records were rejected.*MISSING_LAST_NAME.*lead 3 has no name/s);
    expect(html).toMatch(/<text[^>]*>leads<\/text>.*?<text[^>]*class="num">7<\/text>/s);
    expect(html).toContain('bad_shape lacks the finding columns');
    expect(html).toContain('dupes uses severity review; the contract allows error, warning, info');
    // findings tables are capped, with the CSV named for the rest
    expect(html).toContain('First 200 of 250 shown. All rows: <a href="findings_orphan.csv">');
    expect((html.match(/activity refers to a lead/g) ?? []).length).toBe(200);
  });

  it('writes a CSV per category with every row, formulas neutralised', () => {
    const files = readdirSync(path.join(out, 'report')).sort();
    expect(files).toEqual(['findings_dq_view_contract.csv', 'findings_duplicate_email.csv', 'findings_invalid_email.csv', 'findings_orphan.csv', 'findings_uncertain_name.csv', 'report.html']);
    const orphan = readFileSync(path.join(out, 'report', 'findings_orphan.csv'), 'utf8').trim().split('\n');
    expect(orphan).toHaveLength(251);
    expect(orphan[0]).toBe('category,severity,object,source_key,field,value,message,dq_view,file,line');
    // counted under the specific view, not the union
    expect(orphan.slice(1).every((l) => /,dq_leadtrekker\.orphans,[^,]*,[^,]*$/.test(l))).toBe(true);
    const inv = readFileSync(path.join(out, 'report', 'findings_invalid_email.csv'), 'utf8');
    expect(inv).toContain(`"'=HYPERLINK(""http://evil.example/x"",""click"")"`);
    expect(inv).toContain(",'+27 82,");
    expect(inv).toContain(",'-5,");
    expect(inv).toContain(",'@sum(a1),");
    expect(inv).not.toMatch(/,[=+\-@]/);
  });

  it('neutralises every formula lead character in a cell', () => {
    expect(['=1', '+1', '-1', '@a', '\t=1', 'ok', '', null, 'a,b', 'say "hi"'].map(csvCell)).toEqual([
      "'=1", "'+1", "'-1", "'@a", "'\t=1", 'ok', '', '', '"a,b"', '"say ""hi"""',
    ]);
  });

  const chromium = ['chromium', 'chromium-browser', 'google-chrome'].find((b) => spawnSync('which', [b]).status === 0);
  it.skipIf(!chromium)('renders in a headless browser with no network', () => {
    const png = path.join(out, 'report.png');
    const res = spawnSync(
      chromium!,
      ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--proxy-server=127.0.0.1:9', '--window-size=1200,1600', `--screenshot=${png}`, `file://${path.join(out, 'report', 'report.html')}`],
      { timeout: 60_000 },
    );
    expect(res.status, String(res.stderr)).toBe(0);
    expect(existsSync(png) && statSync(png).size).toBeGreaterThan(20_000);
  });
});
