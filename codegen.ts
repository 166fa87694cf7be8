import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * GraphQL Code Generator for the admin SPA: typed documents from the
 * checked-in schema (graph/schema) and the operations written next to each
 * feature (frontend/src/features/<feature>/operations.ts). The output in
 * frontend/src/gql is committed; CI runs `npm run codegen` and
 * `git diff --exit-code` to prove it is in sync.
 */
const config: CodegenConfig = {
  schema: 'graph/schema/*.graphqls',
  documents: ['frontend/src/features/**/operations.ts'],
  ignoreNoDocuments: false,
  // No network, no prettier, no timestamps: the output depends only on the inputs.
  emitLegacyCommonJSImports: false,
  generates: {
    'frontend/src/gql/': {
      preset: 'client',
      presetConfig: {
        gqlTagName: 'graphql',
        fragmentMasking: { unmaskFunctionName: 'getFragmentData' },
      },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
        defaultScalarType: 'unknown',
        scalars: { DateTime: 'string' },
        skipTypename: false,
        dedupeFragments: true,
      },
    },
  },
};

export default config;
