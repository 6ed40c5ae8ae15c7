/**
 * No grant wider than the resources it serves. AWS: no `*` or `service:*` action, no NotAction /
 * NotResource, and `Resource: "*"` only for actions on the allow-list below. Azure: role
 * assignments scoped to a resource (not a subscription or a resource group) and never a
 * control-plane role. Google Cloud: no basic role anywhere, and project-wide grants only for the
 * roles on the allow-list below.
 */
import { asArray, jsonInput, ofType, violation, type Rule, type StackResource, type Violation } from '../resources';

const name = 'least-privilege';

/** Actions that may take `Resource: "*"`, each with the reason. */
export const wildcardResourceActions: Record<string, string> = {
  'xray:PutTraceSegments': 'X-Ray defines no resource types for it: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html',
  'xray:PutTelemetryRecords': 'X-Ray defines no resource types for it: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html',
};

/** AWS managed policies that grant (nearly) everything. */
const broadManagedPolicies = ['AdministratorAccess', 'PowerUserAccess', 'IAMFullAccess'];

/** Azure built-in control-plane roles (by id) that can change or hand out anything in their scope. */
const azureBroadRoles: Record<string, string> = {
  '8e3af657-a8ff-443c-a75c-2fe8c4bcb635': 'Owner',
  'b24988ac-6180-42a0-ab88-20f7382dd24c': 'Contributor',
  '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9': 'User Access Administrator',
};

const gcpBasicRoles = ['roles/owner', 'roles/editor', 'roles/viewer'];

/** Roles that may be granted on the whole project, each with the reason. */
export const projectWideRoles: Record<string, { reason: string; needsCondition?: boolean; conditionExample?: string }> = {
  'roles/pubsub.publisher': { reason: 'the Cloud Storage service agent publishes Eventarc storage events; Google documents the grant on the project: https://cloud.google.com/eventarc/docs/run/create-trigger-storage-gcloud' },
  'roles/eventarc.eventReceiver': { reason: 'an Eventarc trigger\'s service account receives events; the role is granted on the project: https://cloud.google.com/eventarc/docs/roles-permissions' },
  'roles/datastore.user': { reason: 'Firestore has no per-database IAM resource; an IAM condition on resource.name limits it to the one database', needsCondition: true },
  // The Google Cloud build identity (infra/gcp/build-identity.ts), from "Custom Service Account for
  // Cloud Build": https://cloud.google.com/functions/docs/securing/build-custom-sa
  'roles/logging.logWriter': { reason: 'the build identity writes the build logs; log writing is granted on the project' },
  'roles/artifactregistry.writer': { reason: 'the build identity pushes images to gcf-artifacts, the repository Cloud Functions creates at the first deployment (no resource to grant on before it)' },
  'roles/storage.objectViewer': {
    reason: 'the build identity reads the source Cloud Functions stages in its own gcf-v2-sources-<number>-<region> bucket; an IAM condition on resource.name limits it to that bucket',
    needsCondition: true,
    conditionExample: 'resource.name.startsWith("projects/_/buckets/gcf-v2-sources-<number>-<region>")',
  },
};

interface Statement {
  Effect?: string;
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: string | string[];
  NotResource?: unknown;
  Sid?: string;
}

function aws(resources: readonly StackResource[]): Violation[] {
  const found: Violation[] = [];
  for (const doc of ofType(resources, 'aws:iam/rolePolicy:RolePolicy', 'aws:iam/policy:Policy')) {
    const policy = jsonInput(doc.props.policy);
    for (const s of asArray<Statement>(policy?.Statement)) {
      if (s.Effect !== 'Allow') continue;
      const label = s.Sid ? `statement ${s.Sid}` : 'a statement';
      if (s.NotAction !== undefined || s.NotResource !== undefined) found.push(violation(name, doc, `${label} uses NotAction/NotResource, which allows everything else: list the actions and resources instead`));
      const actions = asArray<string>(s.Action);
      const wide = actions.filter((a) => a === '*' || a.endsWith(':*'));
      if (wide.length > 0) found.push(violation(name, doc, `${label} allows ${wide.join(', ')}: list the actions the function calls`));
      if (asArray<string>(s.Resource).includes('*')) {
        const unlisted = actions.filter((a) => !(a in wildcardResourceActions));
        if (unlisted.length > 0) found.push(violation(name, doc, `${label} allows ${unlisted.join(', ')} on Resource "*": name the ARNs it serves (only ${Object.keys(wildcardResourceActions).join(', ')} may use "*")`));
      }
    }
  }
  for (const attachment of ofType(resources, 'aws:iam/rolePolicyAttachment:RolePolicyAttachment')) {
    const arn = String(attachment.props.policyArn ?? '');
    const broad = broadManagedPolicies.find((p) => arn.endsWith(`:policy/${p}`));
    if (broad) found.push(violation(name, attachment, `attaches ${broad}: write an inline policy with the actions and resources the function uses`));
  }
  return found;
}

function azure(resources: readonly StackResource[]): Violation[] {
  const found: Violation[] = [];
  for (const assignment of ofType(resources, 'azure-native:authorization:RoleAssignment')) {
    const scope = String(assignment.props.scope ?? '');
    if (scope !== '' && !scope.includes('/providers/')) found.push(violation(name, assignment, `is scoped to ${scope} (a subscription or resource group): scope it to the storage account, container, queue, table or topic it serves`));
    const roleId = String(assignment.props.roleDefinitionId ?? '').split('/').at(-1) ?? '';
    if (azureBroadRoles[roleId]) found.push(violation(name, assignment, `assigns ${azureBroadRoles[roleId]}: assign the data-plane role the app needs (e.g. Storage Blob Data Contributor)`));
  }
  return found;
}

function gcp(resources: readonly StackResource[]): Violation[] {
  const found: Violation[] = [];
  for (const grant of resources.filter((r) => r.type.startsWith('gcp:') && /IAM(Member|Binding)$|IamMember$|IamBinding$/.test(r.type))) {
    const role = String(grant.props.role ?? '');
    if (gcpBasicRoles.includes(role)) found.push(violation(name, grant, `grants the basic role ${role}: grant a predefined role on the resource it serves`));
  }
  for (const grant of ofType(resources, 'gcp:projects/iAMMember:IAMMember', 'gcp:projects/iAMBinding:IAMBinding')) {
    const role = String(grant.props.role ?? '');
    const allowed = projectWideRoles[role];
    if (!allowed && !gcpBasicRoles.includes(role)) {
      found.push(violation(name, grant, `grants ${role} on the whole project: grant it on the bucket, topic, subscription or service it serves (project-wide only: ${Object.keys(projectWideRoles).join(', ')})`));
    } else if (allowed?.needsCondition && !(grant.props.condition as { expression?: string } | undefined)?.expression) {
      const example = allowed.conditionExample ?? 'resource.name == "projects/<project>/databases/<database>"';
      found.push(violation(name, grant, `grants ${role} on the whole project without an IAM condition: add condition { expression: '${example}' }`));
    }
  }
  return found;
}

export const leastPrivilege: Rule = {
  name,
  description: 'No IAM statement or role binding is wider than the resources it serves; wildcards only on the allow-list, with a reason.',
  check: (resources) => [...aws(resources), ...azure(resources), ...gcp(resources)],
};
