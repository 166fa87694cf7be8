// ESLint runs only the GraphQL checks (issue 15.7): @graphql-eslint's
// schema-recommended and schema-relay rules over the schema
// (graph/schema/*.graphqls) and its operations-recommended rules over the
// SPA's operations (frontend/src/features/**/operations.ts). `npx eslint .`
// must report nothing; each rule turned off or narrowed below says why, and
// an exception is added here, with its reason, or not at all.
import graphql from '@graphql-eslint/eslint-plugin';

const schema = 'graph/schema/*.graphqls';
const operations = 'frontend/src/features/**/operations.ts';
const graphQLConfig = { schema, documents: operations };

export default [
  { ignores: ['**/*', '!graph/', '!graph/schema/', `!${schema}`, '!frontend/', '!frontend/src/', '!frontend/src/features/', '!frontend/src/features/**/', `!${operations}`] },
  {
    files: [schema],
    languageOptions: { parser: graphql.parser, parserOptions: { graphQLConfig } },
    plugins: { '@graphql-eslint': graphql },
    rules: {
      ...graphql.configs['flat/schema-recommended'].rules,
      ...graphql.configs['flat/schema-relay'].rules,

      // The schema writes a description as a one-line string when it fits
      // and as a block string when it spans lines; the rule wants one style
      // for all, which would only reflow 1,000 descriptions.
      '@graphql-eslint/description-style': 'off',

      // Its only finding is User.username: the sign-in name, called so by
      // the spec, every client and the SPA, not a prefixed `name`.
      '@graphql-eslint/no-typename-prefix': 'off',

      // Every entity has `id: ID!`; the types without one are values, not
      // entities: mutation payloads, connections, edges, errors, and the
      // listed value types (a viewer, capabilities, paging, a digest, a
      // certificate, an invitation's state, a change event identified by
      // its cursor, a failed sign-in or finding, which belong to their user).
      '@graphql-eslint/strict-id-in-types': ['error', {
        acceptedIdNames: ['id'],
        acceptedIdTypes: ['ID'],
        exceptions: {
          suffixes: ['Payload', 'Connection', 'Edge', 'Error'],
          types: [
            'ChangeEvent', 'FailedLogin', 'InvitationStatus', 'LegalRepresentative', 'MembershipProduct',
            'MonthlyDigest', 'MonthlyDigestProduct', 'PageInfo', 'PasswordLifetimeBounds', 'ProductUsers',
            'SecurityFinding', 'SecurityFindings', 'SignerCertificate', 'TenantCapabilities',
            'UserCapabilities', 'Viewer',
          ],
        },
      }],

      // Connections carry `nodes` beside `edges` (as GitHub's do: a client
      // that needs no cursors reads the rows directly), and small bounded
      // sets (a user's memberships, a tenant's products) are plain lists.
      // FailedLogin, MailMessage and SecurityFinding rows are records read in
      // their list, not refetchable with node(id:), so their edges' nodes do
      // not implement Node.
      '@graphql-eslint/relay-edge-types': ['error', {
        withEdgeSuffix: true,
        shouldImplementNode: false,
        listTypeCanWrapOnlyEdgeType: false,
      }],

      // developerMailbox and failedLogins page forwards only (newest first,
      // first/after); Relay needs one of the two argument pairs, not both.
      '@graphql-eslint/relay-arguments': ['error', { includeBoth: false }],
    },
  },
  {
    files: [operations],
    processor: graphql.processor,
  },
  {
    files: ['frontend/src/features/**/operations.ts/*.graphql'],
    languageOptions: { parser: graphql.parser, parserOptions: { graphQLConfig } },
    plugins: { '@graphql-eslint': graphql },
    rules: graphql.configs['flat/operations-recommended'].rules,
  },
];
