/**
 * `npm run package` builds every cloud's function packages into dist/<cloud>/<function>/;
 * `npm run package -- aws` builds one cloud. Adding a cloud is one line in `packagers`.
 */
import { formatReport, type PackageReport } from './report';

const packagers: Record<string, () => Promise<PackageReport[]>> = {
  aws: async () => (await import('./aws.js')).packageAws(),
  azure: async () => (await import('./azure.js')).packageAzure(),
  gcp: async () => (await import('./gcp.js')).packageGcp(),
};

async function main(requested: string[]): Promise<void> {
  const unknown = requested.filter((cloud) => !(cloud in packagers));
  if (unknown.length > 0) throw new Error(`no packager for ${unknown.join(', ')}; known: ${Object.keys(packagers).join(', ')}`);
  for (const cloud of requested.length > 0 ? requested : Object.keys(packagers)) {
    for (const report of await packagers[cloud]()) console.log(formatReport(report));
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
