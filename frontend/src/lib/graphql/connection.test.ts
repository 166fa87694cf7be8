import { describe, expect, test } from 'vitest';
import { retryDelayMs } from './client';
import { ConnectionMonitor } from './connection';

describe('ConnectionMonitor', () => {
  test('OK', () => {
    const m = new ConnectionMonitor();
    const seen: string[] = [];
    m.subscribe(() => seen.push(m.getSnapshot()));
    m.connecting();
    m.connected();
    expect(m.getSnapshot()).toBe('connected');
    m.closed();
    m.connecting();
    m.connected();
    expect(seen).toEqual(['connected', 'reconnecting', 'connected']);
  });

  test('offline after repeated failures, connected again on success', () => {
    const m = new ConnectionMonitor(() => true, 3);
    m.connecting();
    m.closed();
    expect(m.getSnapshot()).toBe('reconnecting');
    m.connecting();
    m.closed();
    m.connecting();
    m.closed();
    expect(m.getSnapshot()).toBe('offline');
    m.connecting();
    expect(m.getSnapshot()).toBe('offline');
    m.connected();
    expect(m.getSnapshot()).toBe('connected');
  });

  test('browser offline and online', () => {
    let online = true;
    const m = new ConnectionMonitor(() => online);
    m.connected();
    online = false;
    m.browserOffline();
    expect(m.getSnapshot()).toBe('offline');
    m.connecting();
    expect(m.getSnapshot()).toBe('offline');
    online = true;
    m.browserOnline();
    expect(m.getSnapshot()).toBe('reconnecting');
  });

  test('gave up stays offline', () => {
    const m = new ConnectionMonitor();
    m.gaveUp();
    m.browserOnline();
    m.connecting();
    expect(m.getSnapshot()).toBe('offline');
  });

  test('unsubscribe', () => {
    const m = new ConnectionMonitor();
    let calls = 0;
    const off = m.subscribe(() => calls++);
    m.connected();
    off();
    m.closed();
    expect(calls).toBe(1);
  });
});

describe('retryDelayMs', () => {
  test('grows exponentially up to 30 s plus jitter', () => {
    expect(retryDelayMs(0, () => 0)).toBe(1000);
    expect(retryDelayMs(3, () => 0)).toBe(8000);
    expect(retryDelayMs(10, () => 0)).toBe(30_000);
    expect(retryDelayMs(1000, () => 0.999)).toBe(30_999);
  });
});
