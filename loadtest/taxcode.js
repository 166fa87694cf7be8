// Valid Italian tax codes (codice fiscale) for the users the load tests
// create, one per n (0 ≤ n < 2^53): birth years 00-39, which the data
// generator does not use (40-99), so they never collide with the dataset;
// the six name letters carry the high digits of n.
const ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];
const MONTHS = 'ABCDEHLMPRST';

function pad(n, w) {
  return String(n).padStart(w, '0');
}

export function taxCode(n) {
  let j = n;
  const next = (base) => { const d = j % base; j = Math.floor(j / base); return d; };
  const muni = next(26000);
  const day = next(28) + 1;
  const month = MONTHS[next(12)];
  const year = next(40);
  let letters = '';
  for (let i = 0; i < 6; i++) letters += String.fromCharCode(65 + next(26));
  const code = `${letters}${pad(year, 2)}${month}${pad(day, 2)}${String.fromCharCode(65 + Math.floor(muni / 1000))}${pad(muni % 1000, 3)}`;
  let sum = 0;
  for (let i = 0; i < 15; i++) {
    const c = code.charCodeAt(i);
    const idx = c <= 57 ? c - 48 : c - 55;
    if (i % 2 === 0) sum += ODD[idx];
    else sum += idx < 10 ? idx : idx - 10;
  }
  return code + String.fromCharCode(65 + (sum % 26));
}
