import { Client, cacheExchange, fetchExchange, subscriptionExchange } from '@urql/core';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { CSRF_COOKIE, csrfHeaders, readCookie } from '../cookies';
import { ConnectionMonitor } from './connection';
import { graphqlHttpUrl, graphqlWsUrl } from './endpoint';
import { withOpenTimeout } from './openTimeout';

/** How long a WebSocket handshake, then the server's connection_ack, may take. */
const HANDSHAKE_TIMEOUT_MS = 10_000;

/** Longest wait between two WebSocket reconnection attempts. */
const MAX_RETRY_WAIT_MS = 30_000;

/** Exponential backoff from 1 s up to 30 s, with up to 1 s of jitter. */
export function retryDelayMs(retries: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_RETRY_WAIT_MS, 1000 * 2 ** Math.min(retries, 15));
  return base + Math.floor(random() * 1000);
}

export interface GraphqlClients {
  client: Client;
  ws: WsClient;
  connection: ConnectionMonitor;
  dispose(): void;
}

/**
 * The app's GraphQL clients: urql over HTTP for queries and mutations (POST,
 * cookies included, CSRF header from the `csrf_token` cookie) and graphql-ws
 * (graphql-transport-ws protocol, same /graphql path) for subscriptions.
 *
 * The WebSocket connects at start (not lazily) so that the header's
 * connection indicator tells the truth before any subscription exists.
 */
export function createGraphqlClients(win: Window & typeof globalThis = window): GraphqlClients {
  const cookies = (): string => win.document.cookie;
  const connection = new ConnectionMonitor(() => win.navigator.onLine);

  const ws = createWsClient({
    url: () => graphqlWsUrl(win.location),
    webSocketImpl: withOpenTimeout(win.WebSocket, HANDSHAKE_TIMEOUT_MS, win),
    lazy: false,
    keepAlive: 10_000,
    connectionAckWaitTimeout: HANDSHAKE_TIMEOUT_MS,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    retryWait: (retries) => new Promise((resolve) => win.setTimeout(resolve, retryDelayMs(retries))),
    // Cookies travel with the upgrade request; the token lets the server
    // double-check the origin of the connection as it does for HTTP.
    connectionParams: () => {
      const token = readCookie(cookies(), CSRF_COOKIE);
      return token ? { csrfToken: token } : {};
    },
    on: {
      connecting: () => connection.connecting(),
      connected: () => connection.connected(),
      closed: () => connection.closed(),
    },
    onNonLazyError: () => connection.gaveUp(),
  });

  const onOffline = (): void => connection.browserOffline();
  const onOnline = (): void => connection.browserOnline();
  win.addEventListener('offline', onOffline);
  win.addEventListener('online', onOnline);

  const client = new Client({
    url: graphqlHttpUrl(win.location),
    // POST only: no variables (names, tax codes) in URLs and server logs.
    preferGetMethod: false,
    fetchOptions: () => ({
      credentials: 'include',
      headers: csrfHeaders(cookies()),
    }),
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });

  return {
    client,
    ws,
    connection,
    dispose() {
      win.removeEventListener('offline', onOffline);
      win.removeEventListener('online', onOnline);
      void ws.dispose();
    },
  };
}
