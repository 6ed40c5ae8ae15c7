/**
 * Who may do what: a pluggable policy. With a JWT issuer configured, a caller proves itself
 * with `Authorization: Bearer <jwt>` (RFC 6750), verified with jose against the issuer's JWKS,
 * issuer and audience checked; or the platform already verified the token (an API Gateway JWT
 * authorizer) and hands its claims in `request.verifiedClaims`. With no issuer, everyone is
 * allowed: that is local use.
 */
import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { HttpRequest } from '../events';
import { isPossibleUserId } from '../ports/user-repository';
import type { UsersSettings } from '../specs';
import { HttpProblem } from './problem';
import type { RouteMatch } from './routes';

export type Claims = Record<string, unknown>;

/**
 * What a policy decided beyond "allowed". `ownId`: the caller may create only its own record,
 * and a `POST /users` must create it under this id instead of a generated one.
 */
export interface Grant {
  ownId?: string;
}

/** Throws 401/403 (or 503 when the key set cannot be had); returns when the call is allowed. */
export type AuthorisationPolicy = (request: HttpRequest, match: RouteMatch) => Promise<Grant | void>;

export const allowEveryone: AuthorisationPolicy = async () => {};

const CHALLENGE = 'Bearer realm="users"';

/**
 * The token's clock rules, beyond its signature, issuer and audience (RFC 7519 section 4.1):
 * - `exp` is required: a token without one would be good forever once leaked;
 * - `iat` is required and may be at most MAX_TOKEN_AGE_SECONDS old, and not in the future;
 * - `exp - iat` may be at most MAX_TOKEN_AGE_SECONDS too, so that `exp: 1e400` (Infinity once
 *   parsed) or a far-future expiry does not stand in for "never expires";
 * - clocks may disagree by CLOCK_SKEW_SECONDS either way.
 * A day bounds every common issuer's access tokens (Cognito and Entra ID issue them for one hour by
 * default, at most a day; Auth0 for a day by default).
 */
export const MAX_TOKEN_AGE_SECONDS = 24 * 60 * 60;
export const CLOCK_SKEW_SECONDS = 60;

/**
 * jose error codes that mean the key set could not be had: the token was not judged, so a
 * 401 would blame the caller for our outage. Every other jose error is the token's fault.
 */
const KEY_SET_UNAVAILABLE = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JWKS_INVALID']);

function isAdmin(claims: Claims, adminClaim: string): boolean {
  const value = claims[adminClaim];
  return value === true || value === 'true';
}

/** A record created under a `sub` that is no possible user id could never be reached: refused instead. */
const usableAsUserId = isPossibleUserId;

/**
 * The JWT policy: a caller may read and change only the record whose id is its `sub`, and may
 * create that record (`POST /users` then takes `sub` as the id); listing users, and creating a
 * record under a generated id, need the admin claim (an administrator may do everything).
 */
export function jwtPolicy(settings: UsersSettings, getKey?: JWTVerifyGetKey): AuthorisationPolicy {
  const issuer = settings.jwtIssuer;
  if (!issuer) return allowEveryone;
  if (!settings.jwtAudience) {
    // Without an audience check, any token the issuer minted for another API would pass.
    throw new Error('users: jwtIssuer is set but jwtAudience is not; set USERS_JWT_AUDIENCE');
  }
  const audience = settings.jwtAudience;
  // One key set per process: jose caches the keys and refetches on an unknown `kid`.
  const keys = getKey ?? createRemoteJWKSet(new URL(settings.jwksUrl ?? `${issuer.replace(/\/$/, '')}/.well-known/jwks.json`));

  async function claimsOf(request: HttpRequest): Promise<Claims> {
    if (request.verifiedClaims) return request.verifiedClaims;
    const header = request.headers['authorization'] ?? '';
    const m = /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(header);
    if (!m) throw new HttpProblem(401, 'a bearer token is required', { 'www-authenticate': CHALLENGE });
    try {
      const { payload } = await jwtVerify(m[1], keys, {
        issuer,
        audience,
        requiredClaims: ['exp', 'iat'],
        maxTokenAge: MAX_TOKEN_AGE_SECONDS,
        clockTolerance: CLOCK_SKEW_SECONDS,
      });
      // jose checks that exp has not passed, not that it is near: bound the lifetime as well
      if (!(payload.exp! - payload.iat! <= MAX_TOKEN_AGE_SECONDS + CLOCK_SKEW_SECONDS)) {
        throw new HttpProblem(401, `the bearer token is not valid (its lifetime exceeds ${MAX_TOKEN_AGE_SECONDS} s)`, {
          'www-authenticate': `${CHALLENGE}, error="invalid_token"`,
        });
      }
      return payload as Claims;
    } catch (err) {
      if (err instanceof HttpProblem) throw err;
      const code = (err as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('ERR_') || KEY_SET_UNAVAILABLE.has(code)) {
        throw new HttpProblem(503, 'the token could not be verified: the key set is unavailable');
      }
      throw new HttpProblem(401, `the bearer token is not valid (${code})`, {
        'www-authenticate': `${CHALLENGE}, error="invalid_token"`,
      });
    }
  }

  return async (request, match) => {
    const claims = await claimsOf(request);
    // An administrator's POST keeps the generated id: it creates records for others.
    if (isAdmin(claims, settings.adminClaim)) return {};
    if (match.route === '/users') {
      if (request.method !== 'POST') throw new HttpProblem(403, `listing users needs the ${settings.adminClaim} claim`);
      // Without this the own-record rule below would be unreachable: no record could ever carry
      // a caller's `sub` as its id unless an administrator happened to create it so.
      if (typeof claims.sub !== 'string' || !usableAsUserId(claims.sub)) {
        throw new HttpProblem(403, "the token's sub cannot serve as a user id, so it cannot create its own record");
      }
      return { ownId: claims.sub };
    }
    if (typeof claims.sub !== 'string' || claims.sub !== match.userId) {
      throw new HttpProblem(403, 'a caller may only read and change its own record');
    }
  };
}
