// A small seeded random source (mulberry32) with the distributions the traffic model draws from: the same seed, the same traffic.

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  chance(p: number): boolean;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  pick<T>(items: readonly T[]): T;
  /** Picks a key with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K;
  /** Exponentially distributed with this mean (waiting times between Poisson events, patience). */
  exponential(mean: number): number;
  /** Log-normal with this mean and shape sigma (talk and handling times: skewed, never negative). */
  logNormal(mean: number, sigma: number): number;
  /** An independent stream named `name` (one per agent, say), so one's draws never shift another's. */
  fork(name: string): Random;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string mixed with the seed: a fork's seed. */
function hashWith(seed: number, name: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export function seededRandom(seed: number): Random {
  const next = mulberry32(seed);
  const random: Random = {
    next,
    chance: (p) => next() < p,
    int: (n) => Math.floor(next() * n),
    pick: (items) => {
      if (items.length === 0) throw new Error('pick from nothing');
      return items[Math.floor(next() * items.length)]!;
    },
    weighted: (weights) => {
      const entries = Object.entries(weights) as [keyof typeof weights, number][];
      const total = entries.reduce((sum, [, w]) => sum + w, 0);
      let r = next() * total;
      for (const [key, weight] of entries) {
        r -= weight;
        if (r < 0) return key;
      }
      return entries[entries.length - 1]![0];
    },
    exponential: (mean) => -Math.log(1 - next()) * mean,
    logNormal: (mean, sigma) => {
      // Box–Muller for a standard normal; mu chosen so the mean comes out as asked.
      const z = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
      return Math.exp(Math.log(mean) - (sigma * sigma) / 2 + sigma * z);
    },
    fork: (name) => seededRandom(hashWith(seed, name)),
  };
  return random;
}
