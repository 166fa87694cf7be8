/**
 * State of the real-time link (graphql-ws) as the connection indicator shows
 * it: `connecting` before the first handshake, `connected` once the server
 * acknowledged it, `reconnecting` while retrying after a drop, `offline` when
 * the browser is offline or several attempts in a row failed (retries go on
 * in the background and a success shows `connected` again).
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

export const CONNECTION_STATES: readonly ConnectionState[] = ['connecting', 'connected', 'reconnecting', 'offline'];

/** Failed attempts in a row after which the link is shown as offline. */
export const OFFLINE_AFTER_FAILURES = 3;

/**
 * An external store (for React's useSyncExternalStore) fed by graphql-ws
 * client events and the browser's online/offline events.
 */
export class ConnectionMonitor {
  private state: ConnectionState = 'connecting';
  private everConnected = false;
  private failures = 0;
  private stopped = false;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly isBrowserOnline: () => boolean = () => true,
    private readonly offlineAfter: number = OFFLINE_AFTER_FAILURES,
  ) {}

  getSnapshot = (): ConnectionState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  /** graphql-ws `connecting`: a socket is being opened. */
  connecting(): void {
    if (this.isOffline()) {
      this.set('offline');
      return;
    }
    this.set(this.everConnected || this.failures > 0 ? 'reconnecting' : 'connecting');
  }

  /** graphql-ws `connected`: the server acknowledged the connection. */
  connected(): void {
    this.failures = 0;
    this.everConnected = true;
    this.stopped = false;
    this.set('connected');
  }

  /** graphql-ws `closed` (a drop or a failed attempt); a retry follows. */
  closed(): void {
    this.failures++;
    this.set(this.isOffline() ? 'offline' : 'reconnecting');
  }

  /** The client gave up (a fatal close code): no retry follows. */
  gaveUp(): void {
    this.stopped = true;
    this.set('offline');
  }

  /** Browser `offline` event. */
  browserOffline(): void {
    this.set('offline');
  }

  /** Browser `online` event: the next attempt decides. */
  browserOnline(): void {
    if (this.state === 'offline' && !this.stopped) {
      this.failures = 0;
      this.set('reconnecting');
    }
  }

  private isOffline(): boolean {
    return this.stopped || !this.isBrowserOnline() || this.failures >= this.offlineAfter;
  }

  private set(next: ConnectionState): void {
    if (next === this.state) return;
    this.state = next;
    for (const listener of [...this.listeners]) listener();
  }
}
