// Lint: TypeScript's recommended rules plus the one rule the design depends on: imports point
// inward. Nothing under handlers/ may import a cloud SDK, an adapter or the Pulumi program, by a
// static import, a dynamic `import()` or `require`, nor read the environment.
import tseslint from 'typescript-eslint';

/** Cloud SDKs and infrastructure packages the cloud-neutral core must never import. */
export const cloudPackages = [
  '@aws-sdk/*',
  // the AWS SDK v3's own building blocks (clients, signers, middleware): cloud code all the same
  '@smithy/*',
  '@aws-crypto/*',
  '@aws-lambda-powertools/*',
  'aws-sdk',
  'aws-lambda',
  '@azure/*',
  '@azure-rest/*',
  '@google-cloud/*',
  'google-auth-library',
  'googleapis',
  'firebase-admin',
  '@pulumi/*',
  'better-sqlite3',
];

/** `cloudPackages` as one regular expression over a module specifier, for `import()` sources. */
const cloudSource = new RegExp(
  `^(?:${cloudPackages.map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace('/*', '(?:/.*)?')).join('|')})$`,
);
/** A specifier that reaches adapters/ or infra/ by a relative or absolute path. */
const outwardSource = /(?:^|\/)(?:adapters|infra)(?:\/|$)/;
/** ESLint selectors take a regular expression literal: `/.../` with its flags. */
const selectorRegex = (re) => `/${re.source}/${re.flags}`;

const ENV_MESSAGE = 'handlers/ reads no environment variables: take settings as arguments (see handlers/settings.ts).';
/** Names under which the global object reaches `process` (`globalThis.process.env`). */
const GLOBAL_OBJECTS = '/^(?:globalThis|global|self|window)$/';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'build/**', '.data/**', 'test/artifacts/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['handlers/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: cloudPackages, message: 'handlers/ is cloud-neutral: put cloud SDK code in adapters/<cloud>/.' },
            { group: ['**/adapters', '**/adapters/**'], message: 'handlers/ must not import adapters/ (imports point inward).' },
            { group: ['**/infra', '**/infra/**'], message: 'handlers/ must not import infra/ (imports point inward).' },
          ],
          // `import { env } from 'node:process'` (or the whole module, then `.env`): the core
          // needs nothing from it that the global `process` (stdout for the logger) does not give.
          paths: [
            { name: 'process', message: ENV_MESSAGE },
            { name: 'node:process', message: ENV_MESSAGE },
          ],
        },
      ],
      // The core reads its settings from what the adapter passes in, never from the environment.
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: ENV_MESSAGE }],
      // What the two rules above cannot see. handlers/ names `env` nowhere (checked when this was
      // written), so any `.env` is refused outright: that also covers aliases (`const p = process`).
      'no-restricted-syntax': [
        'error',
        // no-restricted-imports does not look at dynamic imports
        {
          selector: `ImportExpression[source.value=${selectorRegex(cloudSource)}]`,
          message: 'handlers/ is cloud-neutral: no dynamic import() of a cloud SDK; put it in adapters/<cloud>/.',
        },
        {
          selector: `ImportExpression[source.value=${selectorRegex(outwardSource)}]`,
          message: 'handlers/ must not import adapters/ or infra/, dynamically either (imports point inward).',
        },
        {
          // a computed or template specifier cannot be checked, so it is not allowed at all
          selector: "ImportExpression[source.type!='Literal']",
          message: 'handlers/: a dynamic import() needs a string literal specifier, so that lint can check where it points.',
        },
        {
          selector: `CallExpression[callee.name='require'][arguments.0.value=${selectorRegex(cloudSource)}]`,
          message: 'handlers/ is cloud-neutral: no require() of a cloud SDK; put it in adapters/<cloud>/.',
        },
        // `globalThis.process.env`, `globalThis['process']`, `const { process } = globalThis`
        { selector: `MemberExpression[object.name=${GLOBAL_OBJECTS}][property.name='process']`, message: ENV_MESSAGE },
        { selector: `MemberExpression[object.name=${GLOBAL_OBJECTS}][property.value='process']`, message: ENV_MESSAGE },
        { selector: `VariableDeclarator[init.name=${GLOBAL_OBJECTS}] > ObjectPattern > Property[key.name='process']`, message: ENV_MESSAGE },
        // `x.env`, `x['env']`, `const { env } = x`
        { selector: "MemberExpression[property.name='env']", message: ENV_MESSAGE },
        { selector: "MemberExpression[computed=true][property.value='env']", message: ENV_MESSAGE },
        { selector: "ObjectPattern > Property[key.name='env']", message: ENV_MESSAGE },
        { selector: "ObjectPattern > Property[key.value='env']", message: ENV_MESSAGE },
      ],
    },
  },
  // The Azure and Google SDKs are required on first use (adapters/<cloud>/sdk.ts), so that a
  // function loads only the SDKs it uses; one value import elsewhere would load its SDK at start-up.
  ...[
    ['azure', ['@azure/data-tables', '@azure/storage-blob', '@azure/storage-queue', '@azure/eventgrid', '@azure/identity']],
    ['gcp', ['@google-cloud/firestore', '@google-cloud/pubsub', '@google-cloud/storage']],
  ].map(([cloud, sdks]) => ({
    files: [`adapters/${cloud}/**/*.ts`],
    ignores: [`adapters/${cloud}/sdk.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: sdks.map((name) => ({
            name,
            allowTypeImports: true,
            message: `load ${name} through adapters/${cloud}/sdk.ts (on first use); import only its types here.`,
          })),
        },
      ],
    },
  })),
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
