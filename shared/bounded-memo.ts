/**
 * Memoise a pure function of one key. The cache is emptied when it reaches `max` keys: keys
 * may be names a tenant chose (any model name), which must not grow it without bound, while
 * the names in real use are few and come straight back.
 */
export function boundedMemo<K, V>(compute: (key: K) => V, max = 5_000): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    const hit = cache.get(key);
    // One lookup on a hit (the common case); `has` only tells a cached undefined from a miss.
    if (hit !== undefined || cache.has(key)) return hit as V;
    const value = compute(key);
    if (cache.size >= max) cache.clear();
    cache.set(key, value);
    return value;
  };
}
