/** Types of bin/bundle.mjs for the TypeScript that imports it (tests, the bench). */
export declare const root: string;
export declare function cacheDir(): string;
export declare function freshBundle(dir?: string): string | undefined;
export declare function buildBundle(dir?: string): Promise<string>;
export declare function ensureBundle(dir?: string): Promise<string>;
export declare function run(): Promise<void>;
