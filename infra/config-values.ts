/**
 * Typed reads of the stack config, each refusal a Pulumi `RunError` (shown without a stack trace)
 * that names the key, the value given and what is allowed.
 */
import * as pulumi from '@pulumi/pulumi';

export function refuse(key: string, value: unknown, allowed: string): never {
  throw new pulumi.RunError(
    `Config "${key}" is ${JSON.stringify(value)}: allowed is ${allowed}. Set it with: pulumi config set ${key} <value>`,
  );
}

export class ConfigValues {
  private readonly config: pulumi.Config;

  constructor(readonly project: string) {
    this.config = new pulumi.Config(project);
  }

  /** The full key as `pulumi config set` and the error messages spell it. */
  key(name: string): string {
    return `${this.project}:${name}`;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback?: T): T {
    const raw = this.config.get(name);
    if (raw === undefined) {
      if (fallback !== undefined) return fallback;
      refuse(this.key(name), undefined, `one of ${allowed.join(', ')} (the key is required)`);
    }
    if (!(allowed as readonly string[]).includes(raw)) refuse(this.key(name), raw, `one of ${allowed.join(', ')}`);
    return raw as T;
  }

  text(name: string, pattern: RegExp, rule: string, fallback: string): string;
  text(name: string, pattern: RegExp, rule: string): string | undefined;
  text(name: string, pattern: RegExp, rule: string, fallback?: string): string | undefined {
    const raw = this.config.get(name);
    if (raw === undefined || raw === '') return fallback;
    if (!pattern.test(raw)) refuse(this.key(name), raw, rule);
    return raw;
  }

  integer(name: string, min: number, max: number, fallback: number): number {
    const raw = this.config.get(name);
    if (raw === undefined || raw === '') return fallback;
    return checkInteger(this.key(name), raw, min, max);
  }

  /** An integer that must be one of a documented list (CloudWatch log retention, for example). */
  listed(name: string, allowed: readonly number[], fallback: number): number {
    const raw = this.config.get(name);
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!allowed.includes(n)) refuse(this.key(name), raw, `one of ${allowed.join(', ')}`);
    return n;
  }

  flag(name: string, fallback: boolean): boolean {
    const raw = this.config.get(name);
    if (raw === undefined || raw === '') return fallback;
    if (raw !== 'true' && raw !== 'false') refuse(this.key(name), raw, 'true or false');
    return raw === 'true';
  }

  /** A list, given as a YAML list in the stack file or a comma-separated string. */
  list(name: string): string[] {
    const raw = this.config.get(name);
    if (raw === undefined || raw === '') return [];
    if (raw.trimStart().startsWith('[')) {
      const parsed: unknown = safeJson(raw);
      if (!Array.isArray(parsed) || parsed.some((v) => typeof v !== 'string')) {
        refuse(this.key(name), raw, 'a list of strings');
      }
      return parsed as string[];
    }
    return raw.split(',').map((s) => s.trim()).filter(Boolean);
  }

  /** A structured value (`pulumi config set --path`), as parsed JSON; undefined when unset. */
  object(name: string): Record<string, unknown> | undefined {
    const raw = this.config.get(name);
    if (raw === undefined || raw === '') return undefined;
    const parsed: unknown = safeJson(raw);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      refuse(this.key(name), raw, 'an object (set its fields with pulumi config set --path)');
    }
    return parsed as Record<string, unknown>;
  }
}

export function checkInteger(key: string, raw: unknown, min: number, max: number): number {
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) refuse(key, raw, `an integer from ${min} to ${max}`);
  return n;
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
