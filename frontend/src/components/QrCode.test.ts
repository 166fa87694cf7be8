import { describe, expect, it } from 'vitest';
import { qrMatrix, qrPath } from './QrCode';

describe('qrPath', () => {
  it('draws runs of dark modules per row', () => {
    expect(
      qrPath([
        [true, true, false],
        [false, false, true],
      ]),
    ).toBe('M0 0h2v1h-2zM2 1h1v1h-1z');
    expect(qrPath([[false]])).toBe('');
  });
});

describe('qrMatrix', () => {
  it('a square code with its quiet zone and the three finder patterns', () => {
    const m = qrMatrix('otpauth://totp/Tenantadmin:m.rossi?secret=JBSWY3DPEHPK3PXP&issuer=Tenantadmin');
    const n = m.length;
    expect(m.every((row) => row.length === n)).toBe(true);
    // Quiet zone of 4 light modules.
    expect(m[0]?.some(Boolean)).toBe(false);
    expect(m[3]?.some(Boolean)).toBe(false);
    // Finder patterns: a dark 7×7 ring at three corners, inside the quiet zone.
    for (const [x, y] of [
      [4, 4],
      [n - 11, 4],
      [4, n - 11],
    ] as const) {
      for (let i = 0; i < 7; i++) {
        expect(m[y]?.[x + i], `top edge ${x},${y}`).toBe(true);
        expect(m[y + i]?.[x], `left edge ${x},${y}`).toBe(true);
      }
      expect(m[y + 1]?.[x + 1]).toBe(false);
      expect(m[y + 3]?.[x + 3]).toBe(true);
    }
  });
});
