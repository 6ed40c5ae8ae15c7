/**
 * Records every resource the program registers under Pulumi's mocks: type, name, inputs, parent
 * and dependencies. `MockResourceArgs` carries no parent and no dependencies, so this wraps the
 * mock monitor's `registerResource`, which sees the whole request. That is an internal API of
 * @pulumi/pulumi (pinned in package.json; test/infra/recorder.test.ts fails if it moves).
 */

export interface RecordedResource {
  type: string;
  name: string;
  urn: string;
  /** A custom resource (a cloud resource) rather than a component. */
  custom: boolean;
  inputs: Record<string, unknown>;
  /** The parent's URN; the stack itself for top-level resources. */
  parent?: string;
  /** Every resource this one waits for: explicit `dependsOn` and those its inputs come from. */
  dependencies: string[];
  /** The dependencies that come from inputs, by input name. */
  propertyDependencies: Record<string, string[]>;
  /** The `protect` option: the engine refuses to delete or replace the resource. */
  protect: boolean;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): unknown;
  getDependenciesList(): string[];
  getProtect(): boolean | undefined;
  getPropertydependenciesMap(): { forEach(fn: (value: { getUrnsList(): string[] }, key: string) => void): void };
}
type RegisterCallback = (err: unknown, response?: { getUrn(): string }) => void;
interface MonitorPrototype {
  registerResource(req: RegisterRequest, callback: RegisterCallback): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { MockMonitor } = require('@pulumi/pulumi/runtime/mocks') as { MockMonitor?: { prototype: MonitorPrototype } };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { deserializeProperties } = require('@pulumi/pulumi/runtime/rpc') as { deserializeProperties(s: unknown): Record<string, unknown> };

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { waitForRPCs } = require('@pulumi/pulumi/runtime/settings') as { waitForRPCs(): Promise<void> };

/** Resolves once every registration in flight has been answered (the stack's outputs come sooner). */
export function waitForRegistrations(): Promise<void> {
  return waitForRPCs();
}

let current: RecordedResource[] | undefined;

/** Starts a fresh record; resources registered from now on are appended to the returned list. */
export function startRecording(): RecordedResource[] {
  installWrapper();
  current = [];
  return current;
}

let installed = false;
function installWrapper(): void {
  if (installed) return;
  const proto = MockMonitor?.prototype;
  if (!proto || typeof proto.registerResource !== 'function') {
    throw new Error('@pulumi/pulumi no longer has MockMonitor.registerResource: the resource recorder (infra/offline/recorder.ts) needs updating');
  }
  const original = proto.registerResource;
  proto.registerResource = function (this: MonitorPrototype, req: RegisterRequest, callback: RegisterCallback) {
    const record = current;
    const entry: RecordedResource = {
      type: req.getType(),
      name: req.getName(),
      urn: '',
      custom: req.getCustom(),
      inputs: deserializeProperties(req.getObject()),
      parent: req.getParent() || undefined,
      dependencies: [...req.getDependenciesList()],
      propertyDependencies: {},
      protect: req.getProtect() ?? false,
    };
    req.getPropertydependenciesMap().forEach((value, key) => {
      entry.propertyDependencies[key] = [...value.getUrnsList()];
    });
    return original.call(this, req, (err, response) => {
      if (!err && response && record) {
        entry.urn = response.getUrn();
        record.push(entry);
      }
      callback(err, response);
    });
  };
  installed = true;
}
