/** What a pipeline README names in backticks: the finding categories it documents. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export const readmeOf = (pipeline: string) => readFileSync(path.join(ROOT, 'pipelines', pipeline, 'README.md'), 'utf8');

/** Every `name` in backticks (single words only: a category is one identifier). */
export const documentedCategories = (readme: string) => new Set([...readme.matchAll(/`([A-Za-z][A-Za-z0-9_]*)`/g)].map((m) => m[1]!));
