/**
 * The server's version is checked on the first connection: older than 15 stops with
 * DB_VERSION_UNSUPPORTED naming the server, newer than 17 warns; the server this suite runs on
 * (embedded 17, or DATABASE_URL's) passes.
 */
import { describe, expect, it, inject } from 'vitest';
import { checkDatabase, requireSupportedVersion, SUPPORTED_PG } from '../engine/db/connection.ts';

describe('PostgreSQL version', () => {
  it('refuses a server older than 15, naming it and what to do', () => {
    expect(() => requireSupportedVersion(140011, 'db.example:5432')).toThrow(
      expect.objectContaining({ code: 'DB_VERSION_UNSUPPORTED', message: expect.stringMatching(/db\.example:5432 is version 14; crm-migrate supports 15 to 17/) }),
    );
    expect(() => requireSupportedVersion(150000, 'x')).not.toThrow();
    expect(() => requireSupportedVersion(170006, 'x')).not.toThrow();
    expect(SUPPORTED_PG).toEqual({ min: 15, max: 17 });
  });

  it('accepts the server the suite runs on', async () => {
    await expect(checkDatabase(inject('adminUrl'))).resolves.toBeUndefined();
  });
});
