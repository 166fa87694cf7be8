import type { ResultOf, VariablesOf } from '@graphql-typed-document-node/core';
import type { Page, Route, WebSocketRoute } from '@playwright/test';
import type * as Generated from '../../src/gql/graphql';

/*
 * Mocked answers are typed from the SPA's generated documents
 * (frontend/src/gql, `npm run codegen`): a handler for operation `X`
 * answers `data` of type OperationData<'X'>, so a change of the schema or of
 * an operation that the mock does not follow fails `npm run typecheck`
 * (tsconfig.node.json includes e2e) instead of leaving a mock that the real
 * server would never send.
 */

/** Every generated document, by operation name (`UsersListDocument` → `UsersList`). */
type Documents = {
  [K in keyof typeof Generated as K extends `${infer Name}Document` ? Name : never]: (typeof Generated)[K];
};
/** The name of an operation of the SPA. */
export type OperationName = keyof Documents;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type FragmentsOf<T> = ' $fragmentRefs' extends keyof T
  ? T extends { ' $fragmentRefs'?: infer R }
    ? UnionToIntersection<{ [F in keyof NonNullable<R>]: Unmasked<NonNullable<R>[F]> }[keyof NonNullable<R>]>
    : never
  : unknown;
/**
 * A generated result type as the server sends it: the generated types mask
 * fragments (`' $fragmentRefs'`), a response carries their fields. Every
 * object may carry `__typename` (urql asks for it).
 */
export type Unmasked<T> = T extends readonly (infer E)[]
  ? Array<Unmasked<E>>
  : T extends object
    ? FragmentsOf<T> & { [K in keyof T as K extends ' $fragmentRefs' | ' $fragmentName' ? never : K]: Unmasked<T[K]> } & {
        __typename?: string;
      }
    : T;

/** The `data` of operation N, as the server would answer it. */
export type OperationData<N extends OperationName> = Unmasked<ResultOf<Documents[N]>>;
/** The variables the SPA sends with operation N. */
export type OperationVariables<N extends OperationName> = VariablesOf<Documents[N]>;

/** A GraphQL error of a mocked response. */
export interface MockError {
  message: string;
  path?: Array<string | number>;
  extensions?: { code: string; [key: string]: unknown };
}

/** What a mocked operation answers: a GraphQL response body, optionally with an HTTP status. */
export interface MockResponse<D = never> {
  status?: number;
  body: { data?: D | null; errors?: MockError[] };
}

/** Answers one operation from its variables. */
export type OperationHandler<N extends OperationName> = (
  variables: OperationVariables<N>,
) => MockResponse<OperationData<N>> | Promise<MockResponse<OperationData<N>>>;

/** Handlers by operation name; only the SPA's operations, each typed by its document. */
export type Handlers = { [N in OperationName]?: OperationHandler<N> };

interface GraphQLRequestBody {
  operationName?: string;
  query?: string;
  variables?: Record<string, unknown>;
}

/**
 * Answers GraphQL-over-HTTP POSTs to /graphql by operation name; operations
 * without a handler answer `{ data: { viewer: null } }` for Viewer and an
 * INTERNAL error otherwise. Returns the operations seen, in order.
 */
export async function mockGraphQL(
  page: Page,
  handlers: Handlers,
): Promise<Array<{ operationName: string; variables: Record<string, unknown>; headers: Record<string, string> }>> {
  const seen: Array<{ operationName: string; variables: Record<string, unknown>; headers: Record<string, string> }> =
    [];
  await page.route('**/graphql', async (route: Route) => {
    const request = route.request();
    if (request.method() !== 'POST') return route.fallback();
    const body = (request.postDataJSON() ?? {}) as GraphQLRequestBody;
    const operationName = body.operationName ?? '';
    const variables = body.variables ?? {};
    seen.push({ operationName, variables, headers: request.headers() });
    // The SPA sends the variables its document declares (typed by the handler).
    const handler = handlers[operationName as OperationName] as
      | ((variables: Record<string, unknown>) => MockResponse<unknown> | Promise<MockResponse<unknown>>)
      | undefined;
    const response: MockResponse<unknown> = handler
      ? await handler(variables)
      : operationName === 'Viewer'
        ? { body: { data: { viewer: null } } }
        : { body: { errors: [{ message: `no mock for ${operationName}`, extensions: { code: 'INTERNAL' } }] } };
    await route.fulfill({
      status: response.status ?? 200,
      contentType: 'application/graphql-response+json; charset=utf-8',
      body: JSON.stringify(response.body),
    });
  });
  return seen;
}

/**
 * A graphql-transport-ws server in the page: acknowledges connection_init
 * and answers pings. Returns the open sockets so a test can close them.
 */
export async function mockGraphQLWebSocket(page: Page, options: { ack?: boolean } = {}): Promise<WebSocketRoute[]> {
  const sockets: WebSocketRoute[] = [];
  await page.routeWebSocket(/\/graphql$/, (ws) => {
    sockets.push(ws);
    ws.onMessage((raw) => {
      const message = JSON.parse(String(raw)) as { type?: string };
      if (message.type === 'connection_init') {
        if (options.ack === false) ws.close({ code: 4403, reason: 'Forbidden' });
        else ws.send(JSON.stringify({ type: 'connection_ack' }));
      } else if (message.type === 'ping') {
        ws.send(JSON.stringify({ type: 'pong' }));
      }
    });
  });
  return sockets;
}

/**
 * Records the GraphQL operations the page sends to the real server (by
 * operation name, with their variables), without answering them: what the
 * SPA asked, for specs that run against the Go server.
 */
export function watchOperations(page: Page): Array<{ operationName: string; variables: Record<string, unknown> }> {
  const seen: Array<{ operationName: string; variables: Record<string, unknown> }> = [];
  page.on('request', (request) => {
    if (request.method() !== 'POST' || !new URL(request.url()).pathname.endsWith('/graphql')) return;
    const body = (request.postDataJSON() ?? {}) as GraphQLRequestBody;
    seen.push({ operationName: body.operationName ?? '', variables: body.variables ?? {} });
  });
  return seen;
}
