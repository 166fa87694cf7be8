import type { Page, Route, WebSocketRoute } from '@playwright/test';

/** What a mocked operation answers: a GraphQL response body, optionally with an HTTP status. */
export interface MockResponse {
  status?: number;
  body: { data?: unknown; errors?: unknown[] };
}

export type OperationHandler = (variables: Record<string, unknown>) => MockResponse | Promise<MockResponse>;

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
  handlers: Record<string, OperationHandler>,
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
    const handler = handlers[operationName];
    const response: MockResponse = handler
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
