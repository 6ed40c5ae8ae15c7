/**
 * Settings from a flat string map (an environment, an app settings list), with one naming rule
 * for every cloud: `<FUNCTION>_<SETTING_IN_SCREAMING_SNAKE>`, e.g. `IMAGES_MAX_PIXELS`,
 * `USERS_JWT_ISSUER`, `USERS_CORS_ORIGINS` (comma-separated). The Pulumi program writes the
 * same names with `settingName`, so the two sides cannot drift apart.
 * The map is passed in: the core never reads the environment itself.
 */
import type { FunctionSpec } from './specs';

export function settingName(fn: string, key: string): string {
  return `${fn}_${key.replace(/([a-z0-9])([A-Z])/g, '$1_$2')}`.toUpperCase();
}

/** The spec's defaults overridden by whatever the map sets; a malformed value throws, naming it. */
export function readSettings<S extends object>(spec: FunctionSpec<S>, source: Record<string, string | undefined>): S {
  const result: Record<string, unknown> = { ...(spec.settings as Record<string, unknown>) };
  for (const [key, fallback] of Object.entries(spec.settings)) {
    const name = settingName(spec.name, key);
    const raw = source[name];
    if (raw === undefined || raw === '') continue;
    if (typeof fallback === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n)) throw new Error(`${name} must be a number, got ${JSON.stringify(raw)}`);
      result[key] = n;
    } else if (Array.isArray(fallback)) {
      result[key] = raw.split(',').map((s) => s.trim()).filter(Boolean);
    } else {
      result[key] = raw;
    }
  }
  // optional settings that have no default (the JWT issuer, its audience and JWKS URL)
  for (const [name, raw] of Object.entries(source)) {
    const prefix = `${spec.name.toUpperCase()}_`;
    if (raw === undefined || raw === '' || !name.startsWith(prefix)) continue;
    const key = name.slice(prefix.length).toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    if (!(key in result) && OPTIONAL_KEYS.has(key)) result[key] = raw;
  }
  return result as S;
}

/** Settings a spec declares without a default. */
const OPTIONAL_KEYS = new Set(['jwtIssuer', 'jwtAudience', 'jwksUrl']);
