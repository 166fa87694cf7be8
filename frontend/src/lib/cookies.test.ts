import { describe, expect, test } from 'vitest';
import { csrfHeaders, readCookie } from './cookies';

describe('readCookie', () => {
  test('OK', () => {
    expect(readCookie('a=1; csrf_token=abc%2F123; b=2', 'csrf_token')).toBe('abc/123');
  });

  test('missing or empty', () => {
    expect(readCookie('', 'csrf_token')).toBeUndefined();
    expect(readCookie('xcsrf_token=1; csrf_token=', 'csrf_token')).toBeUndefined();
  });

  test('a malformed escape is returned as is', () => {
    expect(readCookie('csrf_token=%E0%A4%A', 'csrf_token')).toBe('%E0%A4%A');
  });
});

describe('csrfHeaders', () => {
  test('OK', () => {
    expect(csrfHeaders('csrf_token=t0k')).toEqual({ 'X-CSRF-Token': 't0k' });
  });

  test('no cookie, no header', () => {
    expect(csrfHeaders('session=1')).toEqual({});
  });
});
