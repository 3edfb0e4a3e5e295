import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's root folder (where package.json is). */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const sqlDir = path.join(projectRoot, 'sql');
export const stagingSchemaDir = path.join(projectRoot, 'staging-schema');

