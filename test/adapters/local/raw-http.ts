/**
 * An HTTP exchange read whole, for tests that drive the local server with node:http directly:
 * fetch cannot hold a request body open half-sent, which the upload bound and race tests need.
 */
import { readdirSync } from 'node:fs';
import type { ClientRequest, IncomingMessage } from 'node:http';

export interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  text: string;
}

export function answerOf(req: ClientRequest): Promise<Answer> {
  return new Promise((resolve, reject) => {
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' || err.code === 'ECONNRESET' ? undefined : reject(err)));
  });
}


/** A folder's names, none if it does not exist (yet): where uploads leave their temporary files. */
export function safeList(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}
