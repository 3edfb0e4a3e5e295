/**
 * mulberry32: a tiny deterministic PRNG, the same sequence on every platform for one seed,
 * so generated exports and injected faults replay exactly from their seed.
 *
 * @example
 * const rand = prng(42);
 * rand(); // 0 <= x < 1, same value for seed 42 every time
 */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
