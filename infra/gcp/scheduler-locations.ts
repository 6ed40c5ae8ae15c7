/**
 * Where the outbox sweeper's Cloud Scheduler job can live. Cloud Scheduler is offered in fewer
 * regions than Cloud Run functions, and a job created in a region it does not serve fails at
 * `pulumi up` (the provider's create call) while `pulumi preview` passes. The job calls its HTTP
 * target in any region, so the job may live elsewhere than the functions
 * (https://cloud.google.com/scheduler/docs/overview, "Supported regions by target").
 *
 * THIS LIST CHANGES: Google adds Cloud Scheduler regions (the release notes announce them), and
 * new Cloud Run regions appear too, often before Cloud Scheduler serves them. Update it from the
 * sources below; `gcloud scheduler locations list --project <project>` gives the live list.
 * Read on 2026-12-07 from:
 * - https://docs.cloud.google.com/scheduler/docs/locations (the "Americas" table);
 * - https://docs.cloud.google.com/scheduler/docs/release-notes (regions added 2026-04-17,
 *   2026-09-18, 2026-09-24);
 * - the regions Cloud Scheduler served from the start, the App Engine regions (it used to require
 *   an App Engine app in one of them), which the Cloud Tasks locations page still lists
 *   (https://cloud.google.com/tasks/docs/locations).
 * The page could be read only in part here, so this is a lower bound: a region missing from it
 * may be served already. Hence the two answers below (docs/deploy-rules.md, "Outbox sweeper"):
 * - the functions' region, taken by default, must be listed, or the program stops at preview and
 *   names the key to set: failing at `pulumi up`, after the functions are deployed, is worse;
 * - a region the stack sets itself in `schedulerRegion` is trusted with a warning when unlisted:
 *   the stack owner may know a newer list than this file, and must not wait for a release of
 *   this program to use a region Google added.
 */

/** Cloud Scheduler regions, as read on {@link readOn} (see above). */
export const cloudSchedulerRegions: readonly string[] = [
  // Americas (locations page; northamerica-northeast2 also in the 2026-09-24 release note)
  'northamerica-northeast1', 'northamerica-northeast2', 'southamerica-east1',
  'us-central1', 'us-east1', 'us-east4', 'us-west1', 'us-west2', 'us-west3', 'us-west4',
  // Europe (europe-west4: 2026-04-17; europe-west12: 2026-09-24)
  'europe-central2', 'europe-west1', 'europe-west2', 'europe-west3', 'europe-west4', 'europe-west6', 'europe-west12',
  // Asia Pacific (asia-southeast3: 2026-09-18; asia-south2: 2026-09-24)
  'asia-east1', 'asia-east2', 'asia-northeast1', 'asia-northeast2', 'asia-northeast3',
  'asia-south1', 'asia-south2', 'asia-southeast1', 'asia-southeast2', 'asia-southeast3', 'australia-southeast1',
  // Middle East (2026-04-17)
  'me-central1', 'me-central2', 'me-west1',
];

export const readOn = '2026-12-07';
export const locationsSource = 'https://docs.cloud.google.com/scheduler/docs/locations';

/** The config key that chooses the job's region. */
export const schedulerRegionKey = 'schedulerRegion';

/** Regions are grouped as the locations page groups them, to suggest nearby ones. */
const geographies: readonly (readonly string[])[] = [
  ['us', 'northamerica', 'southamerica'],
  ['europe', 'me', 'africa'],
  ['asia', 'australia'],
];

/** Up to `count` listed regions near `region`: same prefix first (europe-*), then the same geography. */
export function nearbySchedulerRegions(region: string, count = 4): string[] {
  const prefix = region.split('-')[0];
  const samePrefix = cloudSchedulerRegions.filter((r) => r.split('-')[0] === prefix);
  const geography = geographies.find((g) => g.includes(prefix)) ?? [];
  const sameGeography = cloudSchedulerRegions.filter((r) => geography.includes(r.split('-')[0]) && !samePrefix.includes(r));
  const nearby = [...samePrefix, ...sameGeography];
  return (nearby.length > 0 ? nearby : [...cloudSchedulerRegions]).slice(0, count);
}

export interface SchedulerRegionChoice {
  region: string;
  /** Set when the region is the stack's own choice and not in the list: a warning, not a refusal. */
  warning?: string;
  /** Set when the program cannot choose: the preview stops with this message. */
  refusal?: string;
}

/**
 * The job's region: `configured` when the stack sets one (a warning if unlisted), else the
 * functions' region when Cloud Scheduler serves it, else a refusal naming the key and nearby
 * regions.
 */
export function chooseSchedulerRegion(functionsRegion: string, configured: string | undefined, key = schedulerRegionKey): SchedulerRegionChoice {
  const listed = (r: string) => cloudSchedulerRegions.includes(r);
  if (configured) {
    if (listed(configured)) return { region: configured };
    return {
      region: configured,
      warning: `${key} "${configured}" is not among the Cloud Scheduler regions this program knows (${locationsSource}, read ${readOn}). ` +
        `It is used as set; if Cloud Scheduler does not serve it, creating the outbox sweeper's job fails at pulumi up. ` +
        `Check with: gcloud scheduler locations list. Listed nearby: ${nearbySchedulerRegions(configured).join(', ')}`,
    };
  }
  if (listed(functionsRegion)) return { region: functionsRegion };
  return {
    region: functionsRegion,
    refusal: `a Cloud Scheduler region for the outbox sweeper's job: the functions' region ${functionsRegion} (gcp:region) is not among the regions ` +
      `Cloud Scheduler serves as listed at ${locationsSource} (read ${readOn}), and a job there would fail at pulumi up. ` +
      `The job may call the functions from another region: set ${key} to a nearby one such as ${nearbySchedulerRegions(functionsRegion).join(', ')}; ` +
      `or, if Cloud Scheduler now serves ${functionsRegion} (gcloud scheduler locations list), set ${key} to ${functionsRegion}`,
  };
}
