import { useEffect, useState } from 'react';

/** The time, advanced every `everyMs` while `running` (an active job's chart reaching now, "5 min ago" growing). */
export function useNow(everyMs: number, running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => {
      setNow(Date.now());
    }, everyMs);
    return () => {
      window.clearInterval(timer);
    };
  }, [everyMs, running]);
  return now;
}
