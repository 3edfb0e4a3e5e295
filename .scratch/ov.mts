import { openDb } from '/work/wt/extract-source/engine/db/connection.ts';
import { writeOrphanView } from '/work/wt/extract-source/engine/extract/orphans.ts';
import { knownSources } from '/work/wt/extract-source/connectors/sources/index.ts';
const db = openDb(process.env.DATABASE_URL!);
await writeOrphanView(db, knownSources.find((s) => s.name === process.argv[2])!);
await db.close();
