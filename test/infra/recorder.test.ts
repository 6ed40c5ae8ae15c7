/**
 * The recorder wraps an internal API of @pulumi/pulumi (the mock monitor's registerResource):
 * this pins what it must see, on a two-resource program, so an upgrade that moves it fails here.
 */
import { expect } from 'chai';
import * as pulumi from '@pulumi/pulumi';
import { startRecording, waitForRegistrations } from '../../infra/offline/recorder';

/** CustomResource is abstract in the types; a provider package's resources subclass it the same way. */
class Thing extends pulumi.CustomResource {
  constructor(name: string, props: Record<string, unknown>, opts: pulumi.CustomResourceOptions) {
    super('test:index:Thing', name, props, opts);
  }
}

class Parent extends pulumi.ComponentResource {
  constructor(name: string) {
    super('test:index:Parent', name, {}, {});
    const first = new Thing(`${name}-first`, { size: 1 }, { parent: this });
    const second = new Thing(`${name}-second`, { after: first.id, label: 'x' }, { parent: this });
    new Thing(`${name}-third`, { size: 3 }, { parent: this, dependsOn: [second] });
    this.registerOutputs({});
  }
}

describe('infra: the resource recorder', () => {
  it('records type, name, inputs, parent, explicit and input dependencies', async () => {
    await pulumi.runtime.setMocks({
      newResource: ({ name, inputs }) => ({ id: `${name}-id`, state: inputs }),
      call: () => ({}),
    }, 'recorder', 'test', false);
    pulumi.runtime.setAllConfig({}, []);
    const records = startRecording();
    await pulumi.runtime.runInPulumiStack(async () => {
      new Parent('p');
      return {};
    });
    await waitForRegistrations();
    const byName = (n: string) => records.find((r) => r.name === n)!;
    expect(records.map((r) => r.name)).to.have.members(['recorder-test', 'p', 'p-first', 'p-second', 'p-third']);
    const parent = byName('p');
    expect(parent).to.include({ type: 'test:index:Parent', custom: false });
    expect(byName('p-first')).to.deep.include({ type: 'test:index:Thing', custom: true, inputs: { size: 1 }, parent: parent.urn, dependencies: [] });
    expect(byName('p-second').inputs).to.deep.equal({ after: 'p-first-id', label: 'x' });
    expect(byName('p-second').dependencies).to.deep.equal([byName('p-first').urn]);
    expect(byName('p-second').propertyDependencies.after).to.deep.equal([byName('p-first').urn]);
    expect(byName('p-third').dependencies).to.deep.equal([byName('p-second').urn]);
    expect(byName('p-third').propertyDependencies).to.deep.equal({ size: [] });
    expect(parent.parent).to.equal(byName('recorder-test').urn);
  });
});
