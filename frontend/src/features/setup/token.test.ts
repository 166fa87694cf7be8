import { describe, expect, test } from 'vitest';
import { passwordLength, tokenFromHash } from './token';

describe('tokenFromHash', () => {
  test('OK', () => {
    expect(tokenFromHash('#token=Ab-9_x')).toBe('Ab-9_x');
  });
  test('missing, empty or blank', () => {
    expect(tokenFromHash('')).toBeUndefined();
    expect(tokenFromHash('#')).toBeUndefined();
    expect(tokenFromHash('#token=')).toBeUndefined();
    expect(tokenFromHash('#other=1')).toBeUndefined();
  });
  test('other fragment params are ignored', () => {
    expect(tokenFromHash('#a=1&token=xyz')).toBe('xyz');
  });
});

describe('passwordLength', () => {
  test('counts code points as the server does', () => {
    expect(passwordLength('correct horse')).toBe(13);
    expect(passwordLength('🔑🔑🔑')).toBe(3);
  });
});
