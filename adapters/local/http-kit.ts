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
