/**
 * The Firestore client the functions build talks REST (HTTP/1.1 JSON) and, against the emulator,
 * sends its emulator credential without looking for application default credentials
 * (googleapis/nodejs-firestore#1811). Checked on the wire: a local HTTP server stands in for the
 * emulator and records the request the client sends. The contract suite runs the same settings
 * against the real emulator (./ports/firestore.test.ts).
 */
import { Firestore } from '@google-cloud/firestore';
import { expect } from 'chai';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EMULATOR_API_KEY, firestoreSettings } from '../../../adapters/gcp/client-settings';
import { gcpEmulatorEnvironment as emulators } from '../../../adapters/gcp/environment';

describe('GCP client settings', () => {
  it('production: REST transport, no API key (the service account signs in)', () => {
    const settings = firestoreSettings('p', 'db', {});
    expect(settings).to.include({ projectId: 'p', databaseId: 'db', preferRest: true, ignoreUndefinedProperties: true });
    expect(settings).to.not.have.property('apiKey');
  });

  describe('against the emulator', () => {
    let server: Server;
    const seen: { method?: string; url?: string; headers: IncomingHttpHeaders; httpVersion: string }[] = [];
    let previous: string | undefined;

    before(async () => {
      server = createServer((req, res) => {
        seen.push({ method: req.method, url: req.url, headers: req.headers, httpVersion: req.httpVersion });
        res.writeHead(200, { 'content-type': 'application/json' });
        // batchGet of one missing document: one `missing` result (https://google.aip.dev/193 aside, a success)
        res.end(JSON.stringify([{ missing: 'projects/p/databases/(default)/documents/users/nobody', readTime: '2026-01-01T00:00:00Z' }]));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      previous = process.env[emulators.firestore];
      process.env[emulators.firestore] = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(async () => {
      if (previous === undefined) delete process.env[emulators.firestore];
      else process.env[emulators.firestore] = previous;
      await new Promise((resolve) => server.close(resolve));
    });

    it('reads a document over HTTP/1.1 JSON with the emulator credential, needing no default credentials', async () => {
      const settings = firestoreSettings('p');
      expect(settings).to.include({ apiKey: EMULATOR_API_KEY });
      const db = new Firestore(settings);
      try {
        const snap = await db.collection('users').doc('nobody').get();
        expect(snap.exists).to.equal(false);
      } finally {
        await db.terminate();
      }
      expect(seen).to.have.length(1);
      expect(seen[0].httpVersion).to.equal('1.1');
      expect(seen[0].method).to.equal('POST');
      expect(seen[0].url).to.match(/^\/v1\/projects\/p\/databases\/\(default\)\/documents:batchGet/);
      expect(seen[0].headers.authorization).to.equal('Bearer owner');
    });
  });
});
