/**
 * A Nutshell write whose connection was refused never reached the server: it is sent again, not
 * reported ambiguous. (A note, which Nutshell cannot list, used to be queued `ambiguous_write` for
 * a person whenever the server was down for a moment: `npm run chaos` lost notes after a sandbox
 * restart.) A connection that dies after the request went out stays ambiguous.
 */
import net from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { NutshellClient, NutshellError } from '../../connectors/destinations/nutshell/client.ts';

const servers: net.Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

/** A real socket server: `accept` decides what happens to each connection. */
async function listen(accept: (s: net.Socket) => void): Promise<number> {
  const s = net.createServer(accept);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as net.AddressInfo).port;
}

/** A port nobody listens on (a server opened, then closed). */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

const client = (port: number, maxAttempts = 1) => new NutshellClient({ username: 'u', apiKey: 'k', apiUrl: `http://127.0.0.1:${port}/api/v1/json`, maxAttempts, baseDelayMs: 1, giveUpMs: 5_000 });
const failure = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return err as NutshellError;
  }
  throw new Error('the call succeeded');
};

describe('Nutshell writes on a lost connection', () => {
  it('a refused connection is not ambiguous, and is retried into the server once it is back', async () => {
    const port = await closedPort();
    const e = await failure(client(port).newNote({ entityType: 'Leads', id: 1 }, 'hello'));
    expect(e).toBeInstanceOf(NutshellError);
    expect({ code: e.code, ambiguous: e.ambiguous, retryable: e.retryable }).toEqual({ code: 'CONNECTION_LOST', ambiguous: false, retryable: true });

    // The server comes back on that port while the client waits between attempts: one write, answered.
    let writes = 0;
    const pending = client(port, 8).newNote({ entityType: 'Leads', id: 1 }, 'hello');
    await new Promise((r) => setTimeout(r, 30));
    const back = net.createServer((sock) => {
      let body = '';
      sock.on('data', (d) => {
        body += d;
        const at = body.indexOf('\r\n\r\n');
        if (at < 0) return;
        const req = JSON.parse(body.slice(at + 4));
        writes++;
        const out = JSON.stringify({ jsonrpc: '2.0', id: req.id, result: { id: 9, entityType: 'Notes', rev: '1', note: 'hello' } });
        sock.end(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(out)}\r\nconnection: close\r\n\r\n${out}`);
      });
    });
    servers.push(back);
    await new Promise<void>((r) => back.listen(port, '127.0.0.1', r));
    const note = await pending;
    expect(note.id).toBe(9);
    expect(writes).toBe(1);
  });

  it('a connection dropped after the request was sent stays ambiguous', async () => {
    const port = await listen((sock) => sock.once('data', () => sock.destroy()));
    const e = await failure(client(port, 3).newNote({ entityType: 'Leads', id: 1 }, 'hello'));
    expect({ code: e.code, ambiguous: e.ambiguous }).toEqual({ code: 'CONNECTION_LOST', ambiguous: true });
  });
});
