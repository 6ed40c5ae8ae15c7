/**
 * The HTTP side of deploying code to a Flex Consumption app, with Entra bearer tokens only (the
 * app's basic publishing credentials are never used):
 * 1. One Deploy: POST the zip to `https://<app>.scm.azurewebsites.net/api/publish?RemoteBuild=false`
 *    (Flex Consumption accepts One Deploy only: `zipdeploy` answers 404 there, and a blob written
 *    to the deployment container by hand is not picked up). The platform stores the package in the
 *    app's deployment container itself, with the identity functionAppConfig names. That identity
 *    got its storage roles seconds before, and Azure documents role assignments taking up to 10
 *    minutes to take effect, so 401/403 (and 409: another deployment in progress; 5xx) are retried
 *    with backoff for `publishRetrySeconds`, and each wait is reported.
 * 2. When the answer names a status URL (202 + Location), poll it until the deployment completes;
 *    Kudu's status 3 is a failure, 4 a success.
 * 3. Poll ARM `GET <app id>/functions` until every expected function is listed: only then do
 *    Event Grid subscriptions to `<app>/functions/images` validate.
 * Self-contained (built-ins and `fetch` only): the One Deploy provider is serialized into the stack.
 */

/** Returns a bearer token for a scope. */
export type TokenSource = (scope: string) => Promise<string>;

/** Kudu (the SCM site) and ARM both accept Azure Resource Manager tokens. */
export const armScope = 'https://management.azure.com/.default';
export const sitesApiVersion = '2024-04-01';

export interface DeployTarget {
  /** `https://<app>.scm.azurewebsites.net` */
  scmUrl: string;
  /** `https://management.azure.com` */
  armUrl: string;
  /** The app's ARM id, `/subscriptions/.../providers/Microsoft.Web/sites/<app>`. */
  appId: string;
  /** The functions the package must register. */
  functions: string[];
  timeoutSeconds: number;
  pollSeconds: number;
  /** How long refused uploads (401/403/409/5xx) are retried; default 600 s, the documented role propagation. */
  publishRetrySeconds?: number;
}

/**
 * Role assignment changes "can take up to 10 minutes" to be detected
 * (https://learn.microsoft.com/azure/role-based-access-control/troubleshooting#symptom---role-assignment-changes-are-not-being-detected).
 */
export const rolePropagationSeconds = 600;
/** The longest pause between two upload attempts. */
const maxBackoffSeconds = 60;

/** Answers to retry: not yet authorised (roles propagating), a deployment in progress, a platform failure. */
export function isRetryable(status: number): boolean {
  return status === 401 || status === 403 || status === 409 || status >= 500;
}

export interface Deployed {
  /** The functions ARM listed at the end. */
  listed: string[];
  /** What the upload waited for, one line per refused attempt ("403 after 0 s: ..."); empty when accepted at once. */
  waits: string[];
}

/** Kudu deployment status codes (DeployStatus): 3 Failed, 4 Success. */
const failed = 3;
const succeeded = 4;

export async function deployZip(target: DeployTarget, zip: Buffer, tokens: TokenSource): Promise<Deployed> {
  const deadline = Date.now() + target.timeoutSeconds * 1000;
  const waits: string[] = [];
  const statusUrl = await publish(target, zip, tokens, waits, deadline);
  if (statusUrl) await waitForDeployment(statusUrl, target, tokens, deadline);
  return { listed: await waitForFunctions(target, tokens, deadline), waits };
}

/**
 * Uploads the package through One Deploy, retrying the answers `isRetryable` names with doubling
 * pauses (pollSeconds, then twice that, at most 60 s) for `publishRetrySeconds`; each refused
 * attempt is appended to `waits`. Returns the status URL when the platform gives one.
 */
export async function publish(target: DeployTarget, zip: Buffer, tokens: TokenSource, waits: string[] = [], deadline = Infinity): Promise<string | undefined> {
  const started = Date.now();
  const giveUpAt = Math.min(deadline, started + (target.publishRetrySeconds ?? rolePropagationSeconds) * 1000);
  for (let attempt = 1; ; attempt++) {
    const response = await fetch(`${target.scmUrl}/api/publish?RemoteBuild=false`, {
      method: 'POST',
      // A fresh token per attempt: a long wait may outlive one.
      headers: { authorization: `Bearer ${await tokens(armScope)}`, 'content-type': 'application/zip' },
      body: zip,
    });
    if (response.status === 200 || response.status === 202) {
      await response.body?.cancel();
      const location = response.headers.get('location');
      return location ? new URL(location, target.scmUrl).toString() : undefined;
    }
    const answer = `${response.status} after ${Math.round((Date.now() - started) / 1000)} s: ${(await response.text()).slice(0, 300)}`;
    const pause = Math.min(target.pollSeconds * 2 ** (attempt - 1), maxBackoffSeconds) * 1000;
    if (!isRetryable(response.status) || Date.now() + pause > giveUpAt) {
      const retried = waits.length > 0 ? ` (gave up after ${attempt} attempts over ${Math.round((Date.now() - started) / 1000)} s)` : '';
      const hint = response.status === 401 || response.status === 403
        ? `. The app's identity may still lack its storage roles: role assignments take up to ${rolePropagationSeconds / 60} minutes to take effect; run pulumi up again`
        : '';
      throw new Error(`One Deploy to ${target.scmUrl} answered ${answer}${retried}${hint}`);
    }
    waits.push(answer);
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
}

async function waitForDeployment(statusUrl: string, target: DeployTarget, tokens: TokenSource, deadline: number): Promise<void> {
  for (;;) {
    const status = await getJson(statusUrl, tokens) as { status?: number; complete?: boolean; status_text?: string } | undefined;
    if (status?.status === failed) throw new Error(`One Deploy to ${target.scmUrl} failed: ${status.status_text ?? 'no reason given'} (${statusUrl})`);
    if (status?.complete || status?.status === succeeded) return;
    await pause(target, deadline, `the deployment to complete (${statusUrl})`);
  }
}

/** Polls the app's function list until every expected function is there; returns the names listed. */
export async function waitForFunctions(target: DeployTarget, tokens: TokenSource, deadline = Date.now() + target.timeoutSeconds * 1000): Promise<string[]> {
  const url = `${target.armUrl}${target.appId}/functions?api-version=${sitesApiVersion}`;
  let listed: string[] = [];
  for (;;) {
    const page = await getJson(url, tokens) as { value?: { name?: string; properties?: { name?: string } }[] } | undefined;
    // ARM names a function `<app>/<function>`; properties.name is the function's own name.
    listed = (page?.value ?? []).map((f) => f.properties?.name ?? f.name?.split('/').pop() ?? '').filter(Boolean).sort();
    if (target.functions.every((f) => listed.includes(f))) return listed;
    await pause(target, deadline, `the functions ${target.functions.join(', ')} to be listed (listed: ${listed.join(', ') || 'none'})`);
  }
}

/** GET with a bearer token; 404 (not there yet) is undefined, any other failure throws. */
async function getJson(url: string, tokens: TokenSource): Promise<unknown> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${await tokens(armScope)}`, accept: 'application/json' } });
  if (response.status === 404) {
    await response.body?.cancel();
    return undefined;
  }
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}: ${(await response.text()).slice(0, 500)}`);
  return response.json();
}

async function pause(target: DeployTarget, deadline: number, what: string): Promise<void> {
  if (Date.now() + target.pollSeconds * 1000 > deadline) {
    throw new Error(`Gave up after ${target.timeoutSeconds} s waiting for ${what}`);
  }
  await new Promise((resolve) => setTimeout(resolve, target.pollSeconds * 1000));
}
