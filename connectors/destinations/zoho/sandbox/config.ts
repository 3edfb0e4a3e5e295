/**
 * Run-time configuration of the sandbox: the org's edition/limits/strictness (CRM_SANDBOX_ORG or
 * the `org` option) and fault injection (CRM_SANDBOX_FAULTS or the `faults` option). Both are
 * JSON; the option wins over the env var, which wins over defaults. See README.md.
 */
export interface ZohoSandboxFaults {
  /** PRNG seed: the same seed and the same call sequence give the same faults. */
  seed?: number;
  rate429?: number;
  rate5xx?: number;
  /** Share of CRM calls whose connection is dropped before the request is processed. */
  dropBeforeWrite?: number;
  /** Share of CRM calls whose connection is dropped after the request was processed (writes happened). */
  dropAfterWrite?: number;
  latencyMs?: number;
  jitterMs?: number;
  /** Access token lifetime override in seconds (token expiry mid-run). */
  tokenTtlSeconds?: number;
  /** Every Nth CRM call revokes all access tokens first (the next call gets INVALID_TOKEN). */
  revokeTokensEvery?: number;
  /** Share of written records rejected with INVALID_DATA. */
  recordRejectRate?: number;
  /** Only fault these path prefixes (e.g. ["/crm/v8/Leads"]); default all /crm/ paths. */
  paths?: string[];
}

export type Edition = 'free' | 'standard' | 'professional' | 'enterprise' | 'ultimate';

export interface ZohoSandboxOrgConfig {
  edition?: Edition;
  /** Paid user licences used in the credit formula (default: number of active users). */
  userLicenses?: number;
  /** Overrides the edition's daily credit limit. */
  dailyCredits?: number;
  /** Overrides the edition's concurrency limit. */
  concurrency?: number;
  /** Sub-concurrency pool for heavy calls (Zoho: 10). */
  subConcurrency?: number;
  /** Reject picklist values not among the options in every picklist (Zoho stores them). */
  strictPicklists?: boolean;
  /** Unknown field api_names: ignore (drop, default), store (keep in data) or reject (INVALID_DATA). */
  unknownFields?: 'ignore' | 'store' | 'reject';
  /** Read-only fields (Created_Time…): ignore (default) or reject (INVALID_DATA). */
  readOnlyFields?: 'ignore' | 'reject';
  /** Extra mandatory fields per module beyond system-mandatory ones. Default {Leads:[Company],Deals:[Closing_Date]}. */
  mandatory?: Record<string, string[]>;
  /** Fields treated as unique beyond those flagged in metadata, e.g. {Leads:["Email"]}. */
  uniqueFields?: Record<string, string[]>;
  /** Allow inactive users as Owner (default false: INVALID_DATA). */
  allowInactiveOwners?: boolean;
  /** POST settings/modules allowed (default: enterprise and ultimate editions only). */
  allowCustomModules?: boolean;
  /** Attachment size limit in bytes (default 20 MB). */
  attachmentMaxBytes?: number;
  /** Max access tokens minted per refresh token in 10 minutes (Zoho: 10; sandbox default 100). */
  tokenMintsPer10Min?: number;
  /** Delay before a bulk write job moves on (ms per state). */
  bulkStepMs?: number;
}

const EDITIONS: Record<Edition, { base: number; perUser: number; cap: number; concurrency: number; customFields: number }> = {
  free: { base: 5000, perUser: 0, cap: 5000, concurrency: 5, customFields: 0 },
  standard: { base: 50000, perUser: 250, cap: 100000, concurrency: 10, customFields: 10 },
  professional: { base: 50000, perUser: 500, cap: 3000000, concurrency: 15, customFields: 155 },
  enterprise: { base: 50000, perUser: 1000, cap: 5000000, concurrency: 20, customFields: 300 },
  ultimate: { base: 50000, perUser: 2000, cap: Number.MAX_SAFE_INTEGER, concurrency: 25, customFields: 500 },
};

export interface ResolvedOrg {
  edition: Edition;
  dailyCredits: number;
  concurrency: number;
  subConcurrency: number;
  customFieldQuota: number;
  strictPicklists: boolean;
  unknownFields: 'ignore' | 'store' | 'reject';
  readOnlyFields: 'ignore' | 'reject';
  mandatory: Record<string, string[]>;
  uniqueFields: Record<string, string[]>;
  allowInactiveOwners: boolean;
  allowCustomModules: boolean;
  attachmentMaxBytes: number;
  tokenMintsPer10Min: number;
  bulkStepMs: number;
}

function parseJsonEnv<T>(name: string, value: string | undefined): T | undefined {
  if (!value) return undefined;
  try {
    return JSON.parse(value) as T;
  } catch (err) {
    throw new Error(`${name} is not valid JSON: ${(err as Error).message}`);
  }
}

export function faultsFromEnv(env: NodeJS.ProcessEnv = process.env): ZohoSandboxFaults | undefined {
  return parseJsonEnv<ZohoSandboxFaults>('CRM_SANDBOX_FAULTS', env.CRM_SANDBOX_FAULTS);
}

export function orgFromEnv(env: NodeJS.ProcessEnv = process.env): ZohoSandboxOrgConfig | undefined {
  const org = parseJsonEnv<ZohoSandboxOrgConfig>('CRM_SANDBOX_ORG', env.CRM_SANDBOX_ORG);
  // The edition may also ride in CRM_SANDBOX_FAULTS for one-variable benchmark setups.
  const faults = parseJsonEnv<Record<string, unknown>>('CRM_SANDBOX_FAULTS', env.CRM_SANDBOX_FAULTS);
  const fromFaults: ZohoSandboxOrgConfig = {};
  for (const k of ['edition', 'dailyCredits', 'concurrency', 'subConcurrency', 'userLicenses'] as const) {
    if (faults && faults[k] !== undefined) (fromFaults as Record<string, unknown>)[k] = faults[k];
  }
  return { ...fromFaults, ...(org ?? {}) };
}

export function resolveOrg(storedEdition: string | undefined, activeUsers: number, cfg: ZohoSandboxOrgConfig): ResolvedOrg {
  const edition = (cfg.edition ?? storedEdition ?? 'enterprise') as Edition;
  const e = EDITIONS[edition];
  if (!e) throw new Error(`unknown sandbox edition "${edition}" (free, standard, professional, enterprise, ultimate)`);
  const users = cfg.userLicenses ?? activeUsers;
  return {
    edition,
    dailyCredits: cfg.dailyCredits ?? Math.min(e.base + e.perUser * users, e.cap),
    concurrency: cfg.concurrency ?? e.concurrency,
    subConcurrency: cfg.subConcurrency ?? 10,
    customFieldQuota: e.customFields,
    strictPicklists: cfg.strictPicklists ?? false,
    unknownFields: cfg.unknownFields ?? 'ignore',
    readOnlyFields: cfg.readOnlyFields ?? 'ignore',
    mandatory: cfg.mandatory ?? { Leads: ['Company'], Deals: ['Closing_Date'] },
    uniqueFields: cfg.uniqueFields ?? {},
    allowInactiveOwners: cfg.allowInactiveOwners ?? false,
    allowCustomModules: cfg.allowCustomModules ?? (edition === 'enterprise' || edition === 'ultimate'),
    attachmentMaxBytes: cfg.attachmentMaxBytes ?? 20 * 1024 * 1024,
    tokenMintsPer10Min: cfg.tokenMintsPer10Min ?? 100,
    bulkStepMs: cfg.bulkStepMs ?? 100,
  };
}

export { prng } from '../../../../engine/util/prng.ts';
