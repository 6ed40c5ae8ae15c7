/**
 * A pause between writing IAM grants and using them. IAM changes are eventually consistent: a
 * new binding "typically" takes effect within 2 minutes, sometimes 7 or more (IAM, "Access change
 * propagation", https://cloud.google.com/iam/docs/access-change-propagation), and a build started
 * on a brand-new build identity right after its grants fails on the source, the logs or the image
 * push. The provider's own "Cloudfunctions2 Basic Builder" example sleeps 60 s between the
 * builder's grants and the function ("builder permissions need to stablize before it can pull
 * the source zip"); this does the same without another provider plugin: a dynamic resource whose
 * create waits. It waits again only when the set of grants it follows changes; `pulumi preview`
 * never runs create, so a preview does not wait.
 * Pulumi serializes the provider into the stack: it uses built-ins only.
 */
import * as pulumi from '@pulumi/pulumi';

export interface WaitInputs {
  /** What the wait follows (the grants' ids): a change means new grants, so a new wait. */
  after: string[];
  seconds: number;
}

/** The provider's example waits 60 s; most bindings are visible by then. */
export const grantSettleSeconds = 60;

export const waitProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: WaitInputs) {
    await new Promise((resolve) => setTimeout(resolve, inputs.seconds * 1000));
    return { id: `waited-${inputs.seconds}s-${inputs.after.length}`, outs: inputs };
  },
  async diff(_id: string, olds: WaitInputs, news: WaitInputs) {
    const changed = JSON.stringify([...olds.after].sort()) !== JSON.stringify([...news.after].sort());
    return { changes: changed, replaces: changed ? ['after'] : [], deleteBeforeReplace: true };
  },
  async delete() {
    // Nothing exists: the wait was the whole resource.
  },
};

export class PropagationWait extends pulumi.dynamic.Resource {
  constructor(name: string, args: { after: pulumi.Resource[]; seconds: number }, opts?: pulumi.CustomResourceOptions) {
    const ids = args.after.map((r) => (r as pulumi.CustomResource).id);
    super(waitProvider, name, { after: pulumi.all(ids), seconds: args.seconds }, { ...opts, dependsOn: args.after }, 'gcp', 'IamPropagationWait');
  }
}
