/** Path of the GraphQL endpoint: HTTP and WebSocket share it (SPEC §4). */
export const GRAPHQL_PATH = '/graphql';

/** The parts of `window.location` the endpoint helpers need. */
export interface LocationLike {
  readonly href: string;
}

/**
 * URL of the GraphQL endpoint over HTTP, resolved against the page so that
 * the SPA talks to the server that served it.
 */
export function graphqlHttpUrl(location: LocationLike, path: string = GRAPHQL_PATH): string {
  return new URL(path, location.href).href;
}

/**
 * URL of the GraphQL endpoint over WebSocket (graphql-transport-ws): the
 * same host and path as the page's HTTP endpoint, `ws:` for `http:` pages
 * and `wss:` for `https:` ones. Credentials and fragments never go in it.
 */
export function graphqlWsUrl(location: LocationLike, path: string = GRAPHQL_PATH): string {
  const url = new URL(path, location.href);
  switch (url.protocol) {
    case 'http:':
      url.protocol = 'ws:';
      break;
    case 'https:':
      url.protocol = 'wss:';
      break;
    case 'ws:':
    case 'wss:':
      break;
    default:
      throw new Error(`graphqlWsUrl: unsupported protocol ${url.protocol}`);
  }
  url.username = '';
  url.password = '';
  url.hash = '';
  return url.href;
}
