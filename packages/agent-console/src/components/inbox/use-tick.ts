import { useEffect, useState } from 'preact/hooks';

/** Re-render every 20 s so waiting times stay fresh. */
export function useTick(ms = 20_000) {
  const [, setN] = useState(0);
  useEffect(() => {
    const t = setInterval(() => setN((n) => n + 1), ms);
    return () => clearInterval(t);
  }, [ms]);
}
