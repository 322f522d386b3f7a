// A trailing-edge debounce with cancel, for recomputing after control changes.

export type Debounced<A extends unknown[]> = ((...args: A) => void) & { cancel(): void; flush(): void };

export function debounce<A extends unknown[]>(fn: (...args: A) => void, waitMs: number): Debounced<A> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastArgs: A | null = null;
  const run = () => {
    timer = null;
    const args = lastArgs;
    lastArgs = null;
    if (args) fn(...args);
  };
  const d = ((...args: A) => {
    lastArgs = args;
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(run, waitMs);
  }) as Debounced<A>;
  d.cancel = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    lastArgs = null;
  };
  d.flush = () => {
    if (timer !== null) clearTimeout(timer);
    run();
  };
  return d;
}
