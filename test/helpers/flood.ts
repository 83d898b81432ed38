import { Worker } from 'node:worker_threads';

/*
 * Hostile clients in a worker thread: they POST big bodies to a URL in a loop, as fast as the server
 * answers, from an event loop of their own. The server's event loop (the test's main thread) then
 * carries only the server's share of the work, as it would with clients on another machine, so its
 * loop delay measures what the server does with what they send.
 */

export interface Flood {
  /** Responses received so far. */
  count(): Promise<number>;
  /** Stops the clients; resolves with every status received (0: the request failed). */
  stop(): Promise<number[]>;
}

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { url, headers, clients } = workerData;
const bodies = workerData.bodies.map((b) => Buffer.from(b));
const statuses = [];
let stopping = false;
parentPort.on('message', (message) => {
  if (message === 'count') parentPort.postMessage({ count: statuses.length });
  else stopping = true;
});
async function client(n) {
  for (let i = n; !stopping; i += 1) {
    try {
      const response = await fetch(url, { method: 'POST', headers, body: bodies[i % bodies.length] });
      await response.arrayBuffer();
      statuses.push(response.status);
    } catch {
      statuses.push(0);
    }
  }
}
Promise.all(Array.from({ length: clients }, (_, n) => client(n))).then(() => parentPort.postMessage({ statuses }));
`;

/** Starts `clients` loops posting `bodies` in turn to `url` with `headers`. */
export function startFlood(url: string, headers: Record<string, string>, bodies: readonly Uint8Array[], clients: number): Flood {
  const worker = new Worker(WORKER, { eval: true, workerData: { url, headers, clients, bodies: bodies.map((b) => new Uint8Array(b)) } });
  const next = <T>(key: string) =>
    new Promise<T>((resolve, reject) => {
      const onMessage = (message: Record<string, unknown>) => {
        if (!(key in message)) return;
        worker.off('message', onMessage);
        resolve(message[key] as T);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  return {
    count() {
      const answer = next<number>('count');
      worker.postMessage('count');
      return answer;
    },
    async stop() {
      const answer = next<number[]>('statuses');
      worker.postMessage('stop');
      const statuses = await answer;
      await worker.terminate();
      return statuses;
    },
  };
}
