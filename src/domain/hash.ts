/**
 * 32-bit FNV-1a over UTF-16 code units: a cheap, stable, dependency-free hash for fingerprints,
 * shard numbers and page-token tags, where collisions cost a recomputation and never correctness.
 * Not for anything an attacker chooses to collide (use SHA-256 there, as the criteria fingerprint does).
 */
export function fnv1a32(s: string, seed = 0x811c9dc5, prime = 0x01000193): number {
  let h = seed;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, prime);
  }
  return h >>> 0;
}
