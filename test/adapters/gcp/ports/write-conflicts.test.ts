/**
 * The statuses the Firestore ports retry on, as each transport reports them: a numeric gRPC code,
 * or, over REST, an HTTP error whose body names the status (https://google.aip.dev/193). The
 * errors below have the shapes the clients throw (GaxiosError keeps the body as its message);
 * ./firestore.test.ts provokes the real ones on the emulator.
 */
import { expect } from 'chai';
import { canonicalStatusOf, isNotFound, isWriteConflict } from '../../../../adapters/gcp/ports/write-conflicts';

function restError(httpStatus: number, status: string): Error {
  return Object.assign(new Error(JSON.stringify({ error: { code: httpStatus, message: 'x', status } })), { code: httpStatus, status: httpStatus, response: {} });
}
const grpcError = (code: number) => Object.assign(new Error('x'), { code });

describe('GCP Firestore write conflicts', () => {
  const cases: [string, Error, string | undefined, boolean, boolean][] = [
    ['REST 409 ALREADY_EXISTS', restError(409, 'ALREADY_EXISTS'), 'ALREADY_EXISTS', true, false],
    ['REST 409 ABORTED', restError(409, 'ABORTED'), 'ABORTED', true, false],
    ['REST 400 FAILED_PRECONDITION', restError(400, 'FAILED_PRECONDITION'), 'FAILED_PRECONDITION', true, false],
    ['REST 404 NOT_FOUND', restError(404, 'NOT_FOUND'), 'NOT_FOUND', false, true],
    ['REST 400 INVALID_ARGUMENT', restError(400, 'INVALID_ARGUMENT'), 'INVALID_ARGUMENT', false, false],
    ['REST 503 with a body that is not JSON', Object.assign(new Error('<html>'), { code: 503, response: {} }), undefined, false, false],
    ['gRPC 6 ALREADY_EXISTS', grpcError(6), 'ALREADY_EXISTS', true, false],
    ['gRPC 10 ABORTED', grpcError(10), 'ABORTED', true, false],
    ['gRPC 9 FAILED_PRECONDITION', grpcError(9), 'FAILED_PRECONDITION', true, false],
    ['gRPC 5 NOT_FOUND', grpcError(5), 'NOT_FOUND', false, true],
    ['gRPC 14 UNAVAILABLE', grpcError(14), undefined, false, false],
    ['not an error', 'oops' as unknown as Error, undefined, false, false],
  ];
  for (const [name, err, status, conflict, notFound] of cases) {
    it(`${name}: ${status ?? 'no status'}, ${conflict ? 'a conflict' : 'no conflict'}, ${notFound ? 'not found' : 'found'}`, () => {
      expect(canonicalStatusOf(err)).to.equal(status);
      expect(isWriteConflict(err)).to.equal(conflict);
      expect(isNotFound(err)).to.equal(notFound);
    });
  }
});
