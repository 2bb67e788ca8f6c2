/**
 * `baton dev` and the demo reuse a Temporal server that already runs at their address: one that
 * answers, or one that holds the port but is slow to answer (a loaded machine), which is waited for
 * instead of starting a second server that could not bind.
 */
import net from 'node:net';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { DevServerStartError } from '../../src/temporal/errors';
import { findRunningServer, freePort } from '../../src/temporal/dev-server';

const servers: net.Server[] = [];
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A TCP server that accepts connections and never answers (a port held by something else). */
async function silentServer(): Promise<string> {
  const port = await freePort();
  const server = net.createServer((socket) => sockets.push(socket));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return `127.0.0.1:${port}`;
}

describe('findRunningServer', () => {
  it('finds the Temporal server that answers at the address', async () => {
    expect(await findRunningServer(inject('temporalAddress'))).toBe(true);
  });

  it('says none runs where nothing listens, so one may be started there', async () => {
    expect(await findRunningServer(`127.0.0.1:${await freePort()}`)).toBe(false);
  });

  it('refuses a port held by something that is not a Temporal server, naming the address', async () => {
    const address = await silentServer();
    const err = await findRunningServer(address, 1_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DevServerStartError);
    expect((err as Error).message).toBe(
      `Something listens at ${address} but does not answer as a Temporal server within 1 s. ` +
        'Stop what holds that port, or set TEMPORAL_ADDRESS to another address.',
    );
  });
});
