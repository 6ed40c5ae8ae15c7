/**
 * The small HTTP vocabulary the local server's routes share: reading a bounded body, JSON and
 * problem+json answers (RFC 9457), and an error type that carries its status.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }
}

export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw new HttpProblem(413, 'Content Too Large', `the limit is ${maxBytes} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new HttpProblem(413, 'Content Too Large', `the limit is ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * For a front door whose core judges the size itself (the users API answers 413 as
 * problem+json, with `instance` and CORS headers): reads at most `maxBytes + 1` bytes, enough for
 * the core to see that a body is too big, and never more. A Content-Length over `maxBytes` is
 * not read at all (the core refuses on the header alone); a longer undeclared (chunked) body is
 * cut after `maxBytes + 1` bytes and the rest is read off the socket and dropped, not buffered,
 * so that the answer still reaches the client and the connection stays usable.
 */
export function readBodyPrefix(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) return Promise.resolve(Buffer.alloc(0));
  const cap = maxBytes + 1;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      // a client that goes away while the rest is dropped must not crash the process
      req.on('error', () => {});
    };
    const onData = (chunk: Buffer) => {
      const kept = chunk.subarray(0, cap - size);
      chunks.push(kept);
      size += kept.length;
      if (size < cap) return;
      stop();
      req.resume(); // flowing with no 'data' listener: what is left is discarded
      resolve(Buffer.concat(chunks, size));
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      stop();
      reject(err);
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
  });
}

export async function readJson(req: IncomingMessage, maxBytes = 1024 * 1024): Promise<unknown> {
  const text = (await readBody(req, maxBytes)).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpProblem(400, 'Bad Request', 'the body is not JSON');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendProblem(res: ServerResponse, problem: HttpProblem): void {
  const text = JSON.stringify({ type: 'about:blank', title: problem.title, status: problem.status, ...(problem.detail ? { detail: problem.detail } : {}) });
  res.writeHead(problem.status, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(text), ...problem.headers });
  res.end(text);
}

export function methodNotAllowed(allowed: string[]): HttpProblem {
  return new HttpProblem(405, 'Method Not Allowed', undefined, { allow: allowed.join(', ') });
}
