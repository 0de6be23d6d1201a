/** Resolves on the first SIGTERM/SIGINT, or when `other` resolves; answers which happened. */
export function waitForStop(other?: Promise<void>): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve(signal);
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    void other?.then(() => onSignal('SIGUSR2')).then(() => undefined);
  });
}
