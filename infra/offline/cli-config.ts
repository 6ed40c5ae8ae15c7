/**
 * The Pulumi CLI's own config rules, applied before the program runs: `pulumi preview` and
 * `pulumi up` stop on them with these messages, so the offline runner must too. Mocks apply none
 * of them. Ported from pulumi/pulumi (v3), not guessed:
 * - sdk/go/common/workspace/project.go: `RewriteShorthandConfigValues` (a bare value under a
 *   project key is its `default`, under a namespaced key such as `aws:region` its `value`),
 *   `Project.Validate` (arrays need `items`; a typed `default` must have the type; a key of
 *   another namespace takes `value`, never `type` or `default`) and `ValidateConfigValue`.
 * - sdk/go/common/workspace/config.go: `mergeConfig` (a project-namespace key declared without
 *   `default` or `value` is REQUIRED: the stack must set it, whether the program reads it or not;
 *   pulumi/pulumi#21797 asks for optional keys and is open) and `validateStackConfigValues`
 *   (every explicitly typed key, once merged, must have its type; `secret: true` must be secure).
 * Stack-file scalars reach the CLI as strings (`14`, `true`); lists and maps as JSON objects.
 */

/** A key as Pulumi.yaml declares it, after the shorthand rewrite. */
export interface ProjectConfigType {
  type?: string;
  items?: ConfigItemsType;
  description?: string;
  default?: unknown;
  value?: unknown;
  secret?: boolean;
}

interface ConfigItemsType {
  type: string;
  items?: ConfigItemsType;
}

/** A stack's value as the CLI holds it: the text, whether it is a JSON object/array, whether encrypted. */
export interface StackValue {
  text: string;
  object: boolean;
  secure: boolean;
}

/** An error the CLI reports before the program starts; its message is the CLI's. */
export class CliConfigError extends Error {
  readonly cliConfigError = true;
  constructor(message: string) {
    super(message);
    this.name = 'CliConfigError';
  }
}

/** `RewriteShorthandConfigValues` then `Project.Validate`: the declarations, normalised. */
export function projectConfigTypes(project: string, config: Record<string, unknown> | undefined): Record<string, ProjectConfigType> {
  const types: Record<string, ProjectConfigType> = {};
  for (const [key, raw] of Object.entries(config ?? {})) {
    const shorthand = raw === null || typeof raw !== 'object' || Array.isArray(raw);
    types[key] = shorthand ? (isProjectKey(project, key) ? { default: raw } : { value: raw }) : (raw as ProjectConfigType);
  }
  for (const [key, t] of Object.entries(types)) {
    if (t.default != null && t.value != null) throw new CliConfigError(`project config '${key}' cannot have both a 'default' and 'value' attribute`);
    if (isProjectKey(project, key)) {
      if (t.type === 'array' && t.items == null) {
        throw new CliConfigError(`The configuration key '${key}' declares an array but does not specify the underlying type via the 'items' attribute`);
      }
      if (t.type != null && t.default != null && !validConfigValue(t.type, t.items, t.default)) {
        throw new CliConfigError(`The default value specified for configuration key '${key}' is not of the expected type '${fullTypeName(t.type, t.items)}'`);
      }
    } else {
      if (t.type != null) throw new CliConfigError(`Configuration key '${key}' is not namespaced by the project and should not define a type`);
      if (t.default != null) {
        throw new CliConfigError(`Configuration key '${key}' is not namespaced by the project and should not define a default value. Did you mean to use the 'value' attribute instead of 'default'?`);
      }
      if (t.value == null) throw new CliConfigError(`Configuration key '${key}' is namespaced and must provide an attribute 'value'`);
    }
  }
  return types;
}

/**
 * `mergeConfig` with validation, as `pulumi preview`/`up` run it: the stack's values (keys
 * namespaced) with the project's defaults and values filled in, or the CLI's refusal.
 */
export function mergeStackConfig(stack: string, project: string, types: Record<string, ProjectConfigType>, stackValues: Map<string, StackValue>): Map<string, StackValue> {
  const merged = new Map(stackValues);
  const missing: string[] = [];
  for (const key of Object.keys(types).sort()) {
    const t = types[key];
    const full = namespacedKey(project, key);
    if (merged.has(full)) continue;
    const hasDefault = t.default != null;
    const hasValue = t.value != null;
    // Only keys of the project's own namespace can be required; `aws:region: {value: ...}` is a value.
    if (!hasDefault && !hasValue) {
      if (full.slice(0, full.indexOf(':')) === project) missing.push(key);
      continue;
    }
    merged.set(full, configValue(hasDefault ? t.default : t.value));
  }
  if (missing.length > 0) {
    throw new CliConfigError(`Stack '${stack}' is missing configuration ${missing.length > 1 ? 'values' : 'value'} ${formatMissingKeys(missing)}`);
  }
  for (const key of Object.keys(types).sort()) {
    const t = types[key];
    if (t.type == null) continue;
    const value = merged.get(namespacedKey(project, key));
    if (!value) continue;
    if (t.secret && !value.secure) throw new CliConfigError(`Stack '${stack}' with configuration key '${key}' must be encrypted as it's secret`);
    // A `secure:` value cannot be decrypted offline: its type is the one check left to the CLI.
    if (value.secure) continue;
    const content: unknown = value.object ? JSON.parse(value.text) : value.text;
    if (!validConfigValue(t.type, t.items, content)) {
      throw new CliConfigError(`Stack '${stack}' with configuration key '${key}' must be of type '${fullTypeName(t.type, t.items)}'`);
    }
  }
  return merged;
}

/** How a value from YAML (or `pulumi config set`) is held: scalars as text, the rest as JSON. */
export function configValue(raw: unknown): StackValue {
  if (raw !== null && typeof raw === 'object') return { text: JSON.stringify(raw), object: true, secure: false };
  return { text: String(raw), object: false, secure: false };
}

export function namespacedKey(project: string, key: string): string {
  return key.includes(':') ? key : `${project}:${key}`;
}

function isProjectKey(project: string, key: string): boolean {
  return !key.includes(':') || key.startsWith(`${project}:`);
}

/** `ValidateConfigValue`: integers may be whole floats or strings that parse; booleans "true"/"false". */
function validConfigValue(type: string, items: ConfigItemsType | undefined, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      if (typeof value === 'number') return Number.isInteger(value);
      // Go's strconv.Atoi: an optional sign and decimal digits, nothing else.
      return typeof value === 'string' && /^[+-]?\d+$/.test(value);
    case 'boolean':
      return typeof value === 'boolean' || value === 'true' || value === 'false';
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    default:
      return Array.isArray(value) && items != null && value.every((item) => validConfigValue(items.type, items.items, item));
  }
}

function fullTypeName(type: string, items: ConfigItemsType | undefined): string {
  return items ? `array<${fullTypeName(items.type, items.items)}>` : type;
}

/** `formatMissingKeys`: 'a'; 'a' and 'b'; 'a', 'b' and 'c' (sorted). */
function formatMissingKeys(keys: string[]): string {
  if (keys.length === 1) return `'${keys[0]}'`;
  const sorted = [...keys].sort();
  return `${sorted.slice(0, -1).map((k) => `'${k}'`).join(', ')} and '${sorted.at(-1)}'`;
}
