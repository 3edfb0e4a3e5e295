/**
 * Zoho CRM as a destination: the real org when ZOHO_CLIENT_ID / ZOHO_CLIENT_SECRET /
 * ZOHO_REFRESH_TOKEN are set, else the sandbox emulator started in-process.
 */
import type { Destination, DestinationFactory, LookupRef, Payload, RecordOutcome } from '../../../engine/destination.ts';
import { CliError } from '../../../engine/errors.ts';
import { ZohoClient, ZOHO_MAX_BATCH } from './client.ts';
import { startZohoSandbox, type ZohoSandboxSeed } from './sandbox/server.ts';

export interface ZohoDestinationOptions {
  /** Users and other state the sandbox org starts with (for rehearsals on sample data). */
  sandboxSeed?: ZohoSandboxSeed;
}

/** Zoho lookups are `{ "id": ... }`; multi-module What_Id also needs `$se_module`. */
export function shapeZohoRecord(fields: Payload, lookups: Record<string, LookupRef>, owner?: string): Payload {
  const out: Payload = { ...fields };
  for (const [field, ref] of Object.entries(lookups)) {
    if (field === 'Parent_Id') out.Parent_Id = { module: { api_name: ref.module }, id: ref.id };
    else {
      out[field] = { id: ref.id };
      if (field === 'What_Id') out.$se_module = ref.module;
    }
  }
  if (owner) out.Owner = { id: owner };
  return out;
}

export function zohoDestination(opts: ZohoDestinationOptions = {}): DestinationFactory {
  return {
    name: 'zoho',
    async connect({ databaseUrl, env }) {
      const haveCreds = env.ZOHO_CLIENT_ID || env.ZOHO_CLIENT_SECRET || env.ZOHO_REFRESH_TOKEN;
      let client: ZohoClient;
      let target: string;
      let closeSandbox: (() => Promise<void>) | undefined;
      if (haveCreds) {
        const missing = ['ZOHO_CLIENT_ID', 'ZOHO_CLIENT_SECRET', 'ZOHO_REFRESH_TOKEN'].filter((k) => !env[k]);
        if (missing.length) throw new CliError('ZOHO_CREDENTIALS', `Zoho credentials incomplete: set ${missing.join(', ')} (or none of them to use the sandbox).`, { exitCode: 2 });
        const accountsUrl = env.ZOHO_ACCOUNTS_URL ?? 'https://accounts.zoho.com';
        const apiDomain = env.ZOHO_API_DOMAIN ?? 'https://www.zohoapis.com';
        client = new ZohoClient({
          accountsUrl,
          apiDomain,
          credentials: { clientId: env.ZOHO_CLIENT_ID!, clientSecret: env.ZOHO_CLIENT_SECRET!, refreshToken: env.ZOHO_REFRESH_TOKEN! },
        });
        target = `Zoho CRM at ${apiDomain}`;
      } else {
        const sb = await startZohoSandbox({ databaseUrl, seed: opts.sandboxSeed });
        client = new ZohoClient({ accountsUrl: env.ZOHO_ACCOUNTS_URL ?? sb.accountsUrl, apiDomain: env.ZOHO_API_DOMAIN ?? sb.apiDomain, credentials: sb.credentials });
        target = `sandbox Zoho CRM at ${sb.apiDomain}`;
        closeSandbox = () => sb.close();
      }
      const dest: Destination = {
        name: 'zoho',
        target,
        isSandbox: !haveCreds,
        maxBatch: ZOHO_MAX_BATCH,
        shape: (_module, fields, lookups, owner) => shapeZohoRecord(fields, lookups, owner),
        insert: (module, records) => client.insert(module, records),
        update: (module, records) => client.update(module, records.map((r) => ({ ...r.fields, id: r.id }))),
        delete: (module, ids): Promise<RecordOutcome[]> => client.delete(module, ids),
        get: (module, id) => client.get(module, id),
        async listUsers() {
          const users = await client.users();
          return users.map((u) => ({ id: u.id, email: u.email.toLowerCase(), name: u.full_name, active: (u.status ?? 'active') === 'active' }));
        },
        async close() {
          await closeSandbox?.();
        },
      };
      return dest;
    },
  };
}
