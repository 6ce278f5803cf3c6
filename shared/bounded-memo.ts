/**
 * Memoise a pure function of one key. The cache is emptied when it reaches `max` keys: keys
 * may be names a tenant chose (any model name), which must not grow it without bound, while
 * the names in real use are few and come straight back.
 */
export function boundedMemo<K, V>(compute: (key: K) => V, max = 5_000): (key: K) => V {
  const cache = new Map<K, V>();
  return (key) => {
    if (cache.has(key)) return cache.get(key) as V;
    const value = compute(key);
    if (cache.size >= max) cache.clear();
    cache.set(key, value);
    return value;
  };
}
