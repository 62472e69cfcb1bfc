/**
 * A queue for runs that read and write the same incremental marks: each starts when the one
 * before it has settled, so two overlapping polls never read the same marks and send twice.
 */
export function oneAtATime(): (run: () => Promise<void>) => Promise<void> {
  let queue: Promise<void> = Promise.resolve();
  return (run) => {
    const next = queue.then(run);
    queue = next.catch(() => undefined);
    return next;
  };
}
