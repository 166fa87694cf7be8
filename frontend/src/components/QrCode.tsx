import { encode } from 'uqr';
import { useMemo } from 'react';

/** An SVG path drawing the dark modules of a QR matrix, one unit square each (rows merged into runs). */
export function qrPath(data: readonly (readonly boolean[])[]): string {
  let d = '';
  data.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x++;
        continue;
      }
      const start = x;
      while (x < row.length && row[x]) x++;
      d += `M${start} ${y}h${x - start}v1h${start - x}z`;
    }
  });
  return d;
}

/** The QR matrix (with a 4-module quiet zone) of `text`. */
export function qrMatrix(text: string): boolean[][] {
  return encode(text, { ecc: 'M', border: 4 }).data;
}

/** A QR code of `text` as an accessible image (its text alternative is `label`). */
export function QrCode({ text, label, size = 200, testId }: { text: string; label: string; size?: number; testId?: string }) {
  const matrix = useMemo(() => qrMatrix(text), [text]);
  const n = matrix.length;
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${n} ${n}`}
      width={size}
      height={size}
      shapeRendering="crispEdges"
      className="qr-code"
      data-testid={testId}
    >
      <rect width={n} height={n} fill="#fff" />
      <path d={qrPath(matrix)} fill="#000" />
    </svg>
  );
}
