// Live fan-out between instances on one PostgreSQL: NOTIFY on publish, LISTEN on a dedicated
// connection. Local subscribers hear their own instance's events at once; events from other
// instances arrive through the channel. Subscriptions read state from the database, so a
// notification missed while reconnecting is caught up by the next one for the same run.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createLocalBus, type LiveBus, type LiveEvent } from './bus';

export const CHANNEL = 'lrscope_events';

export interface PostgresBusOptions {
  /** Delay before reconnecting the LISTEN connection, doubled per failure up to 30 s. */
  retryMs?: number;
  log?: (line: string) => void;
}

export async function createPostgresBus(pool: pg.Pool, connectionString: string, opts: PostgresBusOptions = {}): Promise<LiveBus> {
  const local = createLocalBus();
  const instance = randomUUID();
  const log = opts.log ?? ((l) => console.error(l));
  let listener: pg.Client | null = null;
  let closed = false;
  let delay = opts.retryMs ?? 250;

  const connect = async (): Promise<void> => {
    const client = new pg.Client({ connectionString });
    client.on('notification', (msg) => {
      if (!msg.payload) return;
      const { from, event } = JSON.parse(msg.payload) as { from: string; event: LiveEvent };
      if (from !== instance) local.publish(event);
    });
    client.on('error', () => {});
    client.on('end', () => {
      if (listener === client) listener = null;
      if (!closed) reconnect();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    listener = client;
    delay = opts.retryMs ?? 250;
  };

  const reconnect = () => {
    setTimeout(() => {
      if (closed) return;
      connect().catch((err) => {
        log(`lrscope: live channel reconnect failed (${(err as Error).message}); retrying in ${delay} ms`);
        delay = Math.min(delay * 2, 30_000);
        reconnect();
      });
    }, delay).unref();
  };

  await connect();

  return {
    publish(event) {
      local.publish(event);
      pool.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ from: instance, event })]).catch((err) => {
        log(`lrscope: live notify failed: ${(err as Error).message}`);
      });
    },
    subscribe: (fn) => local.subscribe(fn),
    async close() {
      closed = true;
      await listener?.end().catch(() => {});
      await local.close();
    },
  };
}
