/**
 * Signals during a live call: Ctrl-C, a closed window or a shutdown stop the prompt
 * through its AbortSignal (the call is saved after every answer) instead of letting the
 * process die mid-write.
 */
export type CallSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

export interface SignalTrap {
  /** Aborted by the first signal received. */
  signal: AbortSignal;
  /** The first signal received, if any. */
  received: () => CallSignal | undefined;
  /** Gives the signals back to Node's defaults. */
  release: () => void;
}

export function trapCallSignals(): SignalTrap {
  const controller = new AbortController();
  let received: CallSignal | undefined;
  const removers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => {
    const handler = () => {
      received ??= signal;
      controller.abort(signal);
    };
    process.on(signal, handler);
    return () => process.off(signal, handler);
  });
  return {
    signal: controller.signal,
    received: () => received,
    release: () => {
      for (const remove of removers) remove();
    },
  };
}
