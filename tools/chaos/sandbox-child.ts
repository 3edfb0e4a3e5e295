/**
 * A pipeline's sandbox as a process of its own, so a crash trial can SIGKILL it in the middle of
 * a request (the server half-way through a write) and start it again on the same port:
 *
 *   DATABASE_URL=... node --import tsx tools/chaos/sandbox-child.ts <pipeline> [port]
 *
 * Prints one JSON line `{ "url", "clientEnv" }` on stdout once it listens; SIGTERM closes it.
 * Fault injection (CRM_SANDBOX_FAULTS) is read from its environment.
 */
import { registry } from '../../pipelines/registry.ts';

const [name, port] = process.argv.slice(2);
const pipeline = registry.pipelines.find((p) => p.name === name);
const control = pipeline?.destination.sandbox;
if (!control || !process.env.DATABASE_URL) {
  process.stderr.write(`usage: DATABASE_URL=... sandbox-child.ts <pipeline with a sandbox> [port] (got ${name})\n`);
  process.exit(2);
}
const sb = await control.start({ databaseUrl: process.env.DATABASE_URL, port: port ? Number(port) : 0, env: process.env });
process.stdout.write(JSON.stringify({ url: sb.url, clientEnv: sb.clientEnv }) + '\n');
const stop = () => void sb.close().finally(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
