/**
 * What this tool keeps on the local disk is readable by its owner only.
 *
 * The embedded server's superuser password (whoever has it can run programs as the server's
 * user): random per data folder, kept readable by its owner only (home folder 700, pgdata 700,
 * server.json 600), and the fixed password older versions used no longer logs in. A data folder
 * made by an older version (that password, world-readable files) gets a random password and
 * owner-only modes the next time it is started, and keeps its data.
 *
 * Documents with customer data (reports, discovery, checklists, hand-off) go to folders of mode
 * 700, and an out/ left readable by an older version is fixed.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureEmbeddedServer, stopEmbeddedServer, LEGACY_PASSWORD } from '../../engine/db/embedded.ts';
import { ensureWorkspaceDir } from '../../engine/workspace.ts';
import { leadtrekkerToZoho } from '../../pipelines/leadtrekker-to-zoho/pipeline.ts';
import { mustRun } from '../../tools/chaos/lib.ts';
import { createTestDb } from '../helpers/db.ts';
import { makeExport } from '../load/fixture.ts';

const homes: string[] = [];
afterAll(async () => {
  for (const h of homes) {
    await stopEmbeddedServer(path.join(h, 'home')).catch(() => {});
    rmSync(h, { recursive: true, force: true });
  }
});

function newHome(): string {
  const parent = mkdtempSync(path.join(tmpdir(), 'crm-embedded-'));
  // Reachable by the server's user under root, like a project folder (else the data moves to /tmp).
  chmodSync(parent, 0o755);
  homes.push(parent);
  return path.join(parent, 'home');
}

const mode = (p: string) => statSync(p).mode & 0o777;
const state = (home: string) => JSON.parse(readFileSync(path.join(home, 'server.json'), 'utf8')) as { port: number; password: string };

/** The SQLSTATE a login gets (null when it succeeds). */
async function login(port: number, password: string): Promise<string | null> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', password, database: 'postgres', connectionTimeoutMillis: 5000 });
  try {
    await c.connect();
    return null;
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  } finally {
    await c.end().catch(() => {});
  }
}

describe('embedded server secrets', () => {
  it('gives each data folder its own random password, readable by its owner only', async () => {
    const a = newHome();
    const b = newHome();
    const srvA = await ensureEmbeddedServer(a, 57100 + (process.pid % 500));
    const srvB = await ensureEmbeddedServer(b, 57700 + (process.pid % 500));
    const [pa, pb] = [state(a).password, state(b).password];
    expect(pa).not.toBe(pb);
    expect(pa.length).toBeGreaterThanOrEqual(24);
    for (const h of [a, b]) {
      expect(mode(h).toString(8)).toBe('700');
      expect(mode(path.join(h, 'pgdata')).toString(8)).toBe('700');
      expect(mode(path.join(h, 'server.json')).toString(8)).toBe('600');
      expect(mode(path.join(h, 'postgres.log')).toString(8)).toBe('600');
    }
    expect(await login(srvA.port, pa)).toBeNull();
    expect(await login(srvA.port, LEGACY_PASSWORD)).toBe('28P01');
    expect(await login(srvA.port, pb)).toBe('28P01');
    expect(new URL(srvB.adminUrl).password).toBe(encodeURIComponent(pb));
  }, 120_000);

  it('replaces the fixed password of a data folder made by an older version, fixes its modes and keeps its data', async () => {
    const home = newHome();
    const srv = await ensureEmbeddedServer(home, 58300 + (process.pid % 500));
    // Make it what an older version left: the fixed password, a world-readable home and state file.
    const c = new pg.Client({ connectionString: srv.adminUrl });
    await c.connect();
    await c.query(`alter role postgres with password '${LEGACY_PASSWORD}'`);
    await c.query(`create database kept`);
    await c.end();
    writeFileSync(path.join(home, 'server.json'), JSON.stringify({ port: srv.port, password: LEGACY_PASSWORD }, null, 2));
    chmodSync(path.join(home, 'server.json'), 0o644);
    chmodSync(path.join(home, 'postgres.log'), 0o644);
    chmodSync(home, 0o755);
    await stopEmbeddedServer(home);

    const again = await ensureEmbeddedServer(home, srv.port);
    const now = state(home);
    expect(now.password).not.toBe(LEGACY_PASSWORD);
    expect(now).not.toHaveProperty('previous');
    expect(await login(again.port, LEGACY_PASSWORD)).toBe('28P01');
    expect(await login(again.port, now.password)).toBeNull();
    expect(mode(home).toString(8)).toBe('700');
    expect(mode(path.join(home, 'server.json')).toString(8)).toBe('600');
    expect(mode(path.join(home, 'postgres.log')).toString(8)).toBe('600');
    const k = new pg.Client({ connectionString: again.adminUrl });
    await k.connect();
    expect((await k.query(`select count(*)::int as n from pg_database where datname = 'kept'`)).rows[0].n).toBe(1);
    await k.end();

    // Started again while running: the same password, no change.
    await ensureEmbeddedServer(home, srv.port);
    expect(state(home).password).toBe(now.password);
  }, 120_000);
});

describe('documents folders', () => {
  it('writes the report and discovery documents into folders of mode 700', async () => {
    const db = await createTestDb();
    const input = makeExport({ leads: 3 });
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'crm-docs-')), 'out');
    homes.push(input, path.dirname(out));
    const pipeDir = mkdtempSync(path.join(tmpdir(), 'crm-pipe-'));
    homes.push(pipeDir);
    try {
      for (const s of ['extract', 'transform', 'report']) await mustRun(db.url, leadtrekkerToZoho, s, input, { out });
      await mustRun(db.url, { ...leadtrekkerToZoho, dir: pipeDir }, 'discover', input, { out });
    } finally {
      await db.drop();
    }
    for (const d of ['', 'report', 'discovery']) expect(mode(path.join(out, d)).toString(8), d || 'out').toBe('700');
  }, 120_000);

  it('makes the --out folder and each part readable by their owner only', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'crm-out-'));
    homes.push(root);
    const out = path.join(root, 'new', 'out');
    const dir = ensureWorkspaceDir('p', out, 'report');
    expect(dir).toBe(path.join(out, 'report'));
    for (const d of [out, dir]) expect(mode(d).toString(8), d).toBe('700');
    // A part made readable by an older version is fixed.
    chmodSync(dir, 0o755);
    ensureWorkspaceDir('p', out, 'report');
    expect(mode(dir).toString(8)).toBe('700');
  });
});
