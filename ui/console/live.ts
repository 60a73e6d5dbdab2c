import { useEffect, useState } from 'preact/hooks';
import { lifecycleStream } from './api.js';

type Listener = (event: any) => void;
const listeners = new Set<Listener>();
const stateListeners = new Set<(live: boolean) => void>();
let live = false;
let stop: (() => void) | undefined;

/** One stream for the whole page, opened when a page first listens, after sign-in. */
function ensureOpen() {
  stop ??= lifecycleStream(
    (event) => listeners.forEach((l) => l(event)),
    (state) => {
      live = state;
      stateListeners.forEach((l) => l(state));
    },
  );
}

export function useLiveState(): boolean {
  const [state, setState] = useState(live);
  useEffect(() => {
    ensureOpen();
    stateListeners.add(setState);
    return () => void stateListeners.delete(setState);
  }, []);
  return state;
}

/**
 * Calls `refresh` when an event that `matches` arrives (at most twice a second), or every 5 s while the stream is not
 * open (refused, or cut), so the page stays current either way; every 15 s with the stream too.
 */
export function useLiveRefresh(refresh: () => void, matches: (event: any) => boolean = () => true): boolean {
  const state = useLiveState();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let again = false;
    const listener: Listener = (event) => {
      if (!matches(event)) return;
      if (timer) return void (again = true);
      // A history row is written shortly after its event: the page reads again a moment later, and once more when
      // events kept coming meanwhile.
      const fire = () => {
        refresh();
        timer = again ? setTimeout(fire, 1_000) : undefined;
        again = false;
      };
      timer = setTimeout(fire, 500);
    };
    listeners.add(listener);
    // Every 5 s without the stream; with it, every 15 s as well, for rows whose events came before this page read them.
    const poll = setInterval(refresh, state ? 15_000 : 5_000);
    return () => {
      listeners.delete(listener);
      clearTimeout(timer);
      clearInterval(poll);
    };
  }, [state, refresh, matches]);
  return state;
}
