import { describe, expect, test } from 'vitest';
import { graphqlHttpUrl, graphqlWsUrl } from './endpoint';

const at = (href: string) => ({ href });

describe('graphqlWsUrl', () => {
  test('OK', () => {
    expect(graphqlWsUrl(at('http://localhost:8080/tenants'))).toBe('ws://localhost:8080/graphql');
  });

  test('https pages use wss', () => {
    expect(graphqlWsUrl(at('https://admin.example.com/users?q=rossi#top'))).toBe('wss://admin.example.com/graphql');
  });

  test('keeps the host and port, drops query, fragment and credentials', () => {
    expect(graphqlWsUrl(at('http://user:pw@127.0.0.1:4173/a/b?x=1#y'))).toBe('ws://127.0.0.1:4173/graphql');
  });

  test('IPv6 hosts', () => {
    expect(graphqlWsUrl(at('http://[::1]:8080/'))).toBe('ws://[::1]:8080/graphql');
  });

  test('a relative path resolves against the page', () => {
    expect(graphqlWsUrl(at('https://example.com/admin/'), 'graphql')).toBe('wss://example.com/admin/graphql');
  });

  test('unsupported protocols throw', () => {
    expect(() => graphqlWsUrl(at('file:///index.html'))).toThrow(/unsupported protocol/);
  });
});

describe('graphqlHttpUrl', () => {
  test('OK', () => {
    expect(graphqlHttpUrl(at('https://admin.example.com/tenants?x=1'))).toBe('https://admin.example.com/graphql');
  });
});
