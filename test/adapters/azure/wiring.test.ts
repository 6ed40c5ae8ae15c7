/**
 * The wiring's two modes: an Azurite connection string locally, service URLs with the managed
 * identity in Azure (no account key in the settings). Building a client makes no request.
 */
import { expect } from 'chai';
import { azureEnvironment as env, azureLocalOnlySettings, azureSettingNames } from '../../../adapters/azure/environment';
import { blobService, buildOrdersPorts, queueService, tableClient } from '../../../adapters/azure/wiring';

const inAzure = {
  [env.storage.blobServiceUrl]: 'https://acct.blob.core.windows.net/',
  [env.storage.queueServiceUrl]: 'https://acct.queue.core.windows.net/',
  [env.storage.tableServiceUrl]: 'https://acct.table.core.windows.net/',
  [env.storage.managedIdentityClientId]: '00000000-0000-0000-0000-000000000001',
};

describe('Azure wiring', () => {
  it('points every client at the service URLs from the app settings when there is no connection string', () => {
    expect(blobService(inAzure).url).to.equal('https://acct.blob.core.windows.net/');
    expect(queueService(inAzure).url).to.equal('https://acct.queue.core.windows.net/');
    expect(tableClient(inAzure, 'users').url).to.equal('https://acct.table.core.windows.net/');
  });

  it('uses the Azurite connection string when it is set', () => {
    const local = { [env.storage.connectionString]: 'UseDevelopmentStorage=true' };
    expect(blobService(local).url).to.equal('http://127.0.0.1:10000/devstoreaccount1');
    expect(tableClient(local, 'users').url).to.equal('http://127.0.0.1:10002/devstoreaccount1');
  });

  it('names a missing app setting', () => {
    expect(() => buildOrdersPorts(inAzure)).to.throw(/app setting ORDERS_QUEUE is not set/);
    expect(() => buildOrdersPorts({ ...inAzure, [env.orders.ordersQueue]: 'orders', [env.orders.ledgerTable]: 'orders', [env.orders.paymentsQueue]: 'payments' }))
      .to.throw(/app setting EVENTS_TOPIC_ENDPOINT is not set/);
  });

  it('lists every setting once, the local-only ones among them', () => {
    const names = azureSettingNames();
    expect(new Set(names).size).to.equal(names.length);
    expect(names).to.include.members([...azureLocalOnlySettings, 'ORDERS_QUEUE_CONNECTION__queueServiceUri']);
  });
});
