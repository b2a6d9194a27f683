// Live fan-out between instances on one PostgreSQL: NOTIFY on publish, LISTEN on a dedicated
// connection. Local subscribers hear their own instance's events at once; events from other
// instances arrive through the channel. Subscriptions read state from the database, so a
// notification is a hint: when the LISTEN connection drops, whatever was notified meanwhile is
// lost, and on listening again the bus raises a 'resync' so every feed re-reads what it shows.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { createLocalBus, type LiveBus, type LiveEvent } from './bus';

export const CHANNEL = 'lrscope_events';

/** application_name of an instance's LISTEN connection, so operators (and tests) can find it in pg_stat_activity. */
export function listenerApplicationName(pid = process.pid): string {
  return `lrscope live listener pid ${pid}`;
}

export interface PostgresBusOptions {
  /** Delay before reconnecting the LISTEN connection, doubled per failure up to 30 s. */
  retryMs?: number;
  log?: (line: string) => void;
}

export async function createPostgresBus(pool: pg.Pool, connectionString: string, opts: PostgresBusOptions = {}): Promise<LiveBus> {
  const local = createLocalBus();
  const instance = randomUUID();
  const log = opts.log ?? ((l) => console.error(l));
  const firstDelay = opts.retryMs ?? 250;
  let listener: pg.Client | null = null;
  let closed = false;
  let delay = firstDelay;

  const connect = async (): Promise<void> => {
    // TCP keepalive: a listener whose peer vanished (a failover, a NAT dropping an idle
    // connection) errors out and reconnects instead of waiting silently forever.
    const client = new pg.Client({ connectionString, keepAlive: true, application_name: listenerApplicationName() });
    client.on('notification', (msg) => {
      if (!msg.payload) return;
      let parsed: { from: string; event: LiveEvent };
      try {
        parsed = JSON.parse(msg.payload);
      } catch {
        // Thrown here it would take the process down: anyone who can connect may NOTIFY.
        log(`lrscope: ignored a malformed notification on ${CHANNEL}`);
        return;
      }
      if (parsed.from !== instance && parsed.event) local.publish(parsed.event);
    });
    client.on('error', (err) => {
      if (listener === client) log(`lrscope: live channel lost (${err.message}); reconnecting`);
    });
    // Only the connection in use reconnects when it ends; one that failed half-way is dropped
    // by connect()'s caller, which schedules the retry itself.
    client.on('end', () => {
      if (listener !== client) return;
      listener = null;
      if (!closed) reconnect();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (err) {
      client.end().catch(() => {});
      throw err;
    }
    if (closed) {
      await client.end().catch(() => {});
      return;
    }
    listener = client;
    delay = firstDelay;
  };

  const reconnect = () => {
    setTimeout(() => {
      if (closed) return;
      connect().then(
        () => {
          if (closed) return;
          log('lrscope: live channel listening again');
          // Listening again before re-reading: anything committed from here on is notified,
          // anything before it is in what the feeds read now.
          local.publish({ type: 'resync' });
        },
        (err) => {
          delay = Math.min(delay * 2, 30_000);
          log(`lrscope: live channel reconnect failed (${(err as Error).message}); retrying in ${delay} ms`);
          reconnect();
        },
      );
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
      const l = listener;
      listener = null;
      await l?.end().catch(() => {});
      await local.close();
    },
  };
}
