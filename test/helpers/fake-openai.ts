import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeReply {
  status?: number;
  content?: string;
  delayMs?: number;
}

/**
 * An OpenAI-compatible chat completions server on 127.0.0.1 that answers what the test says and
 * records every request body, so tests go through the real langchain client over real HTTP.
 */
export class FakeOpenAiServer {
  readonly requests: { messages: { role: string; content: string }[]; model: string }[] = [];
  reply: (body: unknown) => FakeReply = () => ({ content: 'Trả lời [1].' });
  /** Requests whose client hung up before the answer was sent. */
  abandoned = 0;
  private server: Server | undefined;
  private pending = new Set<NodeJS.Timeout>();

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void readBody(req).then((raw) => {
        if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
          res.writeHead(404).end();
          return;
        }
        const body = JSON.parse(raw) as { messages: { role: string; content: string }[]; model: string };
        this.requests.push(body);
        const { status = 200, content = '', delayMs = 0 } = this.reply(body);
        const send = () => {
          if (res.destroyed) return;
          if (status !== 200) {
            res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'emulated failure', type: 'server_error' } }));
            return;
          }
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              id: `chatcmpl-${this.requests.length}`,
              object: 'chat.completion',
              created: Math.floor(Date.now() / 1000),
              model: body.model,
              choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
              usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
            }),
          );
        };
        if (delayMs > 0) {
          res.once('close', () => {
            if (!res.writableEnded) this.abandoned += 1;
          });
          const timer = setTimeout(() => {
            this.pending.delete(timer);
            send();
          }, delayMs);
          this.pending.add(timer);
        } else send();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/v1`;
  }

  async stop(): Promise<void> {
    for (const timer of this.pending) clearTimeout(timer);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
