/** The parts of a WebSocket class the open timeout needs. */
export interface WebSocketLike {
  readonly readyState: number;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close', listener: () => void): void;
}

export type WebSocketClass<T extends WebSocketLike = WebSocketLike> = new (
  url: string | URL,
  protocols?: string | string[],
) => T;

/** readyState of a socket whose handshake is still running (WebSocket.CONNECTING). */
const CONNECTING = 0;

/**
 * A WebSocket class whose sockets give up when the handshake has not
 * completed within `timeoutMs`. Browsers wait a long time for an upgrade a
 * proxy swallowed; graphql-ws would show "connecting" all along instead of
 * retrying. Closing a connecting socket fails it (close event, code 1006), and
 * graphql-ws retries.
 */
export function withOpenTimeout<T extends WebSocketLike>(
  Base: WebSocketClass<T>,
  timeoutMs: number,
  timers: Pick<typeof globalThis, 'setTimeout' | 'clearTimeout'> = globalThis,
): WebSocketClass<T> {
  const Timed = class extends (Base as WebSocketClass<WebSocketLike>) {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      const timer = timers.setTimeout(() => {
        if (this.readyState === CONNECTING) this.close();
      }, timeoutMs);
      const stop = (): void => timers.clearTimeout(timer);
      this.addEventListener('open', stop);
      this.addEventListener('close', stop);
    }
  };
  return Timed as unknown as WebSocketClass<T>;
}
