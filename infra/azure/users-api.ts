/**
 * The users API on Azure is the function app's own HTTP trigger (`users/{id?}`, host.json
 * `routePrefix: ""`): no gateway resource. What this file decides is the users function's settings
 * and the API's URL.
 * CORS has ONE owner, the function: App Service CORS (siteConfig.cors), when set, answers
 * preflights itself and overrides the function's headers, so the stack leaves it unset and passes
 * the origins to the core (USERS_CORS_ORIGINS). Tokens are verified by the core (USERS_JWT_*).
 */
import * as pulumi from '@pulumi/pulumi';
import { settingName } from '../../handlers/settings';
import type { StackConfig } from '../config';

export function usersApiSettings(settings: StackConfig['usersApi']): Record<string, string> {
  const result: Record<string, string> = {};
  if (settings.corsOrigins.length > 0) result[settingName('users', 'corsOrigins')] = settings.corsOrigins.join(',');
  if (settings.jwt) {
    result[settingName('users', 'jwtIssuer')] = settings.jwt.issuer;
    result[settingName('users', 'jwtAudience')] = settings.jwt.audience;
  }
  return result;
}

/** The API's base URL: the collection is `<url>/users`. */
export function usersApiUrl(defaultHostName: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.interpolate`https://${defaultHostName}`;
}
