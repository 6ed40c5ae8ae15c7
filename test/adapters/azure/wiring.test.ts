/**
 * The wiring's two modes: an Azurite connection string locally, service URLs with the managed
 * identity in Azure (no account key in the settings). Building a client makes no request.
 */
import { expect } from 'chai';
import { azureEnvironment as env, azureLocalOnlySettings, azureOptionalSettings, azureSettingNames } from '../../../adapters/azure/environment';
import { blobService, buildOrdersPorts, queueService, tableClient } from '../../../adapters/azure/wiring';
import { USERS_METHODS, usersAuthLevel } from '../../../adapters/azure/triggers';
import { ALLOWED_METHODS } from '../../../handlers/users/routes';

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
    const named = { ...inAzure, [env.orders.ordersQueue]: 'orders', [env.orders.ledgerTable]: 'orders', [env.orders.paymentsQueue]: 'payments' };
    // read when the ports are built, though its client is built only for an oversize dead letter
    expect(() => buildOrdersPorts(named)).to.throw(/app setting ORDERS_DEAD_LETTER_CONTAINER is not set/);
    expect(() => buildOrdersPorts({ ...named, [env.orders.deadLetterContainer]: 'orders-dead-letters' }))
      .to.throw(/app setting EVENTS_TOPIC_ENDPOINT is not set/);
  });

  it('lists every setting once, the local-only ones among them', () => {
    const names = azureSettingNames();
    expect(new Set(names).size).to.equal(names.length);
    expect(names).to.include.members([...azureLocalOnlySettings, 'ORDERS_QUEUE_CONNECTION__queueServiceUri']);
  });

  it('reads the users authLevel from USERS_AUTH_LEVEL: anonymous by default, case and blanks forgiven, anything else refused', () => {
    const name = azureOptionalSettings.usersAuthLevel;
    expect(name).to.equal('USERS_AUTH_LEVEL');
    expect(usersAuthLevel({})).to.equal('anonymous');
    expect(usersAuthLevel({ [name]: ' ' })).to.equal('anonymous');
    expect(usersAuthLevel({ [name]: 'Function' })).to.equal('function');
    expect(usersAuthLevel({ [name]: 'admin' })).to.equal('admin');
    expect(() => usersAuthLevel({ [name]: 'private' })).to.throw(/app setting USERS_AUTH_LEVEL must be one of anonymous, function, admin; got "private"/);
    // Optional: infra need not set it, so it is not among the settings infra must set.
    expect(azureSettingNames()).to.not.include(name);
  });

  it('registers the users trigger for every method some route of the core answers', () => {
    expect([...USERS_METHODS].sort()).to.deep.equal([...new Set(Object.values(ALLOWED_METHODS).flat())].sort());
    expect(USERS_METHODS).to.include('HEAD');
  });
});
