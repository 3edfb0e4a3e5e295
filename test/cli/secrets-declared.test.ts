/**
 * Which environment variables are secret is each destination's to say (its factory's
 * `secrets`), not a list in the engine: the CLI masks every declared variable's value from its
 * first line on. `list` is the smallest command that runs. (The shapes of tokens a destination
 * declares are covered by test/reliability/secrets-*.test.ts on real-credential runs.)
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { main } from '../../engine/cli/main.ts';
import { redactSecrets } from '../../engine/secrets.ts';
import { registry } from '../../pipelines/registry.ts';

const destinations = [...new Map(registry.pipelines.map((p) => [p.destination.name, p.destination])).values()];

describe('secret variables are declared by the destinations', () => {
  it('every destination declares its credentials', () => {
    for (const d of destinations) expect(d.secrets?.variables.length ?? 0, d.name).toBeGreaterThan(0);
  });

  it("the CLI masks each declared variable's value", async () => {
    const values = new Map<string, string>();
    for (const d of destinations) for (const v of d.secrets!.variables) values.set(v, `s3cr3t-${randomBytes(8).toString('hex')}`);
    const saved = new Map([...values.keys()].map((k) => [k, process.env[k]]));
    const write = process.stdout.write;
    try {
      for (const [k, v] of values) process.env[k] = v;
      process.stdout.write = (() => true) as typeof process.stdout.write;
      expect(await main(['list', '--json'], registry)).toBe(0);
      process.stdout.write = write;
      const out = redactSecrets([...values].map(([k, v]) => `${k}=${v}`).join(' '));
      for (const [k, v] of values) {
        expect(out, k).not.toContain(v);
        expect(out).toContain(`${k}=***`);
      }
    } finally {
      process.stdout.write = write;
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});
