/** "Did you mean": the closest known word to a mistyped command or flag, when it is close enough. */

/** Optimal string alignment distance: Levenshtein plus swapping two neighbours (`audti` -> `audit`) as one edit. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) =>
    Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number): number => d[i]?.[j] ?? Infinity;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      const row = d[i];
      if (row) row[j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The known word nearest to `input`, if it is within a third of the word's length (at least 1,
 * at most 3 edits), or a known word that starts with it (`--snap` -> `--snapshot`).
 */
export function suggest(input: string, known: readonly string[]): string | undefined {
  const lower = input.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const word of known) {
    const distance = editDistance(lower, word.toLowerCase());
    if (distance < bestDistance) {
      best = word;
      bestDistance = distance;
    }
  }
  const limit = Math.min(3, Math.max(1, Math.floor(lower.length / 3)));
  if (best !== undefined && bestDistance <= limit) return best;
  if (lower.length >= 3) return known.find((w) => w.toLowerCase().startsWith(lower));
  return undefined;
}
