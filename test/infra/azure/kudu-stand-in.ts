/**
 * A local stand-in for Kudu (One Deploy and deployment status), ARM (a site's function list) and
 * App Service's managed identity endpoint, on 127.0.0.1, answering as they document: 202 +
 * Location from /api/publish, DeployStatus 4/3, `value[].properties.name` from `<site>/functions`,
 * `{access_token, expires_on}` from IDENTITY_ENDPOINT when X-IDENTITY-HEADER matches.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The IDENTITY_HEADER value the stand-in expects. */
export const identityHeader = 'stand-in-identity-header';

export interface Seen { method: string; url: string; authorization?: string; body: Buffer }

/** Kudu, ARM and the identity endpoint on one port; the fields decide the answers. */
export class KuduStandIn {
  server!: Server;
  seen: Seen[] = [];
  statusPolls = 0;
  functionPolls = 0;
  /** Deployment status answers, in order (the last repeats). */
  statuses: object[] = [{ complete: false, status: 1 }, { complete: true, status: 4 }];
  /** Function lists, in order (the last repeats). */
  lists: string[][] = [[], ['images'], ['images', 'orders', 'users']];
  publishStatus = 202;
  /** Answers to the first uploads, in order, before publishStatus (role propagation, a deployment in progress). */
  publishStatuses: number[] = [];
  publishAttempts = 0;
  /** Tokens handed out by the managed identity endpoint (App Service's IDENTITY_ENDPOINT protocol). */
  miTokens = 0;

  constructor(readonly appId: string) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.answer(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    this.seen.push({ method: req.method!, url: req.url!, authorization: req.headers.authorization, body: Buffer.concat(chunks) });
    const url = req.url!;
    if (req.method === 'GET' && url.startsWith('/msi/token?') && req.headers['x-identity-header'] === identityHeader) {
      this.miTokens++;
      const expiresOn = String(Math.floor(Date.now() / 1000) + 3600);
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'managed-identity-token', expires_on: expiresOn, resource: new URL(url, 'http://x').searchParams.get('resource'), token_type: 'Bearer' }));
    }
    if (req.method === 'POST' && url === '/api/publish?RemoteBuild=false') {
      const status = this.publishStatuses[this.publishAttempts++] ?? this.publishStatus;
      if (status !== 202) return void res.writeHead(status).end(`publish refused (${status})`);
      return void res.writeHead(202, { location: '/api/deployments/abc' }).end();
    }
    if (req.method === 'GET' && url === '/api/deployments/abc') {
      const body = this.statuses[Math.min(this.statusPolls++, this.statuses.length - 1)];
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    }
    if (req.method === 'GET' && url === `${this.appId}/functions?api-version=2024-04-01`) {
      const names = this.lists[Math.min(this.functionPolls++, this.lists.length - 1)];
      const value = names.map((n) => ({ name: `app/${n}`, properties: { name: n } }));
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ value }));
    }
    res.writeHead(404).end();
  }
}
