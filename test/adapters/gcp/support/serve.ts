/** A registered Functions Framework target served on 127.0.0.1 on a free port, for the GCP tests. */
import { getTestServer } from '@google-cloud/functions-framework/testing';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ServedFunction {
  url: string;
  server: Server;
  /** Requests received so far (counted before the body is read). */
  requests(): number;
  /** Statuses of the responses finished so far, in order. */
  statuses(): number[];
  close(): Promise<void>;
}

export async function serveFunction(target: string): Promise<ServedFunction> {
  const server = getTestServer(target);
  let requests = 0;
  const statuses: number[] = [];
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    requests++;
    res.on('finish', () => statuses.push(res.statusCode));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    requests: () => requests,
    statuses: () => [...statuses],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
