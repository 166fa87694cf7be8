import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { withOpenTimeout } from './openTimeout';

class FakeSocket {
  static instances: FakeSocket[] = [];
  readyState = 0;
  closed = false;
  private listeners: Record<string, Array<() => void>> = {};
  constructor(
    readonly url: string | URL,
    readonly protocols?: string | string[],
  ) {
    FakeSocket.instances.push(this);
  }
  addEventListener(type: string, listener: () => void): void {
    (this.listeners[type] ??= []).push(listener);
  }
  emit(type: 'open' | 'close'): void {
    this.readyState = type === 'open' ? 1 : 3;
    for (const l of this.listeners[type] ?? []) l();
  }
  close(): void {
    this.closed = true;
    this.emit('close');
  }
}

describe('withOpenTimeout', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.instances = [];
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  test('OK: an opened socket is left alone', () => {
    const Timed = withOpenTimeout(FakeSocket, 1000);
    const s = new Timed('ws://x/graphql', 'graphql-transport-ws');
    expect(s).toBeInstanceOf(FakeSocket);
    expect(FakeSocket.instances[0]?.protocols).toBe('graphql-transport-ws');
    FakeSocket.instances[0]?.emit('open');
    vi.advanceTimersByTime(5000);
    expect(FakeSocket.instances[0]?.closed).toBe(false);
  });

  test('a handshake that hangs is closed after the timeout', () => {
    const Timed = withOpenTimeout(FakeSocket, 1000);
    new Timed('ws://x/graphql');
    vi.advanceTimersByTime(999);
    expect(FakeSocket.instances[0]?.closed).toBe(false);
    vi.advanceTimersByTime(1);
    expect(FakeSocket.instances[0]?.closed).toBe(true);
  });
});
