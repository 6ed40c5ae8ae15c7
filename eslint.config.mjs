// Lint: TypeScript's recommended rules plus the one rule the design depends on: imports point
// inward. Nothing under handlers/ may import a cloud SDK, an adapter or the Pulumi program.
import tseslint from 'typescript-eslint';

/** Cloud SDKs and infrastructure packages the cloud-neutral core must never import. */
export const cloudPackages = [
  '@aws-sdk/*',
  'aws-sdk',
  'aws-lambda',
  '@azure/*',
  '@google-cloud/*',
  'firebase-admin',
  '@pulumi/*',
  'better-sqlite3',
];

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
        },
      ],
      // The core reads its settings from what the adapter passes in, never from the environment.
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'handlers/ reads no environment variables: take settings as arguments.' }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
);
