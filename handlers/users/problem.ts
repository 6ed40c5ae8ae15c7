/**
 * Every error answer is `application/problem+json` (RFC 9457). We use `type: "about:blank"`,
 * whose title is by definition the status phrase (RFC 9457 section 4.2.1), and say what went
 * wrong in `detail`; `instance` is the request path.
 */
import type { HttpResponse } from '../events';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
};

/** One invalid field of a request body; `field` is a dotted path, `body` for the body itself. */
export interface FieldError {
  field: string;
  message: string;
}

/** An answer that ends the request early; thrown anywhere in the pipeline, rendered once. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly headers: Record<string, string> = {},
    readonly errors?: FieldError[],
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

export function problemResponse(problem: HttpProblem, instance: string): HttpResponse {
  const body: Record<string, unknown> = {
    type: 'about:blank',
    title: TITLES[problem.status] ?? 'Error',
    status: problem.status,
    detail: problem.detail,
    instance,
  };
  if (problem.errors) body.errors = problem.errors;
  return {
    status: problem.status,
    headers: { ...problem.headers, 'content-type': 'application/problem+json' },
    body: JSON.stringify(body),
  };
}
