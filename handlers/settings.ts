/**
 * Settings from a flat string map (an environment, an app settings list), with one naming rule
 * for every cloud: `<FUNCTION>_<SETTING_IN_SCREAMING_SNAKE>`, e.g. `IMAGES_MAX_PIXELS`,
 * `USERS_JWT_ISSUER`, `USERS_CORS_ORIGINS` (comma-separated). The Pulumi program writes the
 * same names with `settingName`, so the two sides cannot drift apart.
 * The map is passed in: the core never reads the environment itself.
 */
import { imagesRules, ordersRules, usersRules, type SettingRule } from './setting-rules';
import { imagesSpec, ordersSpec, usersSpec, type FunctionSpec, type ImagesSettings, type OrdersSettings, type UsersSettings } from './specs';

/** Settings the runtime must not start with; the message names each variable, its value and what is allowed. */
export class SettingsError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`refusing to start, ${problems.length === 1 ? 'a setting is' : 'settings are'} not usable:\n  ${problems.join('\n  ')}`);
    this.name = 'SettingsError';
  }
}

const rulesOf: Record<string, Record<string, SettingRule>> = { images: imagesRules, users: usersRules, orders: ordersRules };

function refusal(name: string, raw: string, allowed: string): string {
  return `${name}=${JSON.stringify(raw)} is not allowed: ${allowed}`;
}

export function settingName(fn: string, key: string): string {
  return `${fn}_${key.replace(/([a-z0-9])([A-Z])/g, '$1_$2')}`.toUpperCase();
}

/**
 * The spec's defaults overridden by whatever the map sets, each value checked against its rule
 * (./setting-rules.ts); a value outside it throws SettingsError, naming every one.
 */
export function readSettings<S extends object>(spec: FunctionSpec<S>, source: Record<string, string | undefined>): S {
  const result: Record<string, unknown> = { ...(spec.settings as Record<string, unknown>) };
  const problems: string[] = [];
  const rules = rulesOf[spec.name] ?? {};
  for (const [key, fallback] of Object.entries(spec.settings)) {
    const name = settingName(spec.name, key);
    const raw = source[name];
    if (raw === undefined || raw === '') continue;
    const value = typeof fallback === 'number' ? (raw.trim() === '' ? NaN : Number(raw)) : Array.isArray(fallback) ? raw.split(',').map((s) => s.trim()).filter(Boolean) : raw;
    const rule = rules[key];
    if (typeof fallback === 'number' && !Number.isFinite(value)) problems.push(refusal(name, raw, rule?.allowed ?? 'a number'));
    else if (rule && !rule.holds(value)) problems.push(refusal(name, raw, rule.allowed));
    else result[key] = value;
  }
  // optional settings that have no default (the JWT issuer, its audience and JWKS URL)
  for (const [name, raw] of Object.entries(source)) {
    const prefix = `${spec.name.toUpperCase()}_`;
    if (raw === undefined || raw === '' || !name.startsWith(prefix)) continue;
    const key = name.slice(prefix.length).toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
    if (!(key in result) && OPTIONAL_KEYS.has(key)) {
      const rule = rules[key];
      if (rule && !rule.holds(raw)) problems.push(refusal(name, raw, rule.allowed));
      else result[key] = raw;
    }
  }
  if (problems.length > 0) throw new SettingsError(problems);
  return result as S;
}

export interface AllSettings {
  images: ImagesSettings;
  users: UsersSettings;
  orders: OrdersSettings;
}

/**
 * Every function's settings, checked one by one and against each other: what a runtime (the
 * local one, each cloud's wiring) calls once as it starts, so that a setting that can only fail
 * later stops it at once, with every problem named.
 */
export function validateSettings(source: Record<string, string | undefined>): AllSettings {
  const problems: string[] = [];
  const read = <S extends object>(spec: FunctionSpec<S>): S | undefined => {
    try {
      return readSettings(spec, source);
    } catch (err) {
      if (!(err instanceof SettingsError)) throw err;
      problems.push(...err.problems);
      return undefined;
    }
  };
  const images = read(imagesSpec);
  const users = read(usersSpec);
  const orders = read(ordersSpec);
  if (users) {
    const [issuer, audience, jwks] = ['jwtIssuer', 'jwtAudience', 'jwksUrl'].map((k) => settingName('users', k));
    // without an audience check, any token the issuer minted for another API would pass
    if (users.jwtIssuer && !users.jwtAudience) problems.push(`${issuer}=${JSON.stringify(users.jwtIssuer)} needs ${audience}: without it any token of that issuer would be accepted`);
    // tokens are checked only with an issuer: these alone would leave the API open while looking configured
    for (const [name, value] of [[audience, users.jwtAudience], [jwks, users.jwksUrl]] as const) {
      if (value && !users.jwtIssuer) problems.push(`${name}=${JSON.stringify(value)} is set but ${issuer} is not: no token would be checked`);
    }
    if (users.defaultPageSize > users.maxPageSize) {
      problems.push(`${settingName('users', 'defaultPageSize')}=${users.defaultPageSize} is not allowed: at most ${settingName('users', 'maxPageSize')} (${users.maxPageSize})`);
    }
  }
  if (problems.length > 0) throw new SettingsError(problems);
  return { images: images!, users: users!, orders: orders! };
}

/** Settings a spec declares without a default. */
const OPTIONAL_KEYS = new Set(['jwtIssuer', 'jwtAudience', 'jwksUrl']);
