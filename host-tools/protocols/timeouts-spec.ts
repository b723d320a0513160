// The "name=value,..." form in which EDGEFNN_BOARD_TIMEOUTS and
// EDGEFNN_AGENT_TIMEOUTS change a run's waits (board-timeouts.ts,
// agent/client.ts): one parser, so both refuse the same mistakes in the same
// words. No Node imports (the studio page bundles board-timeouts.ts).

/** defaults with the ones `spec` sets; throws, naming `env` and what is wrong, on anything else. `what`: how a
 * value is counted in the message ("whole number of milliseconds", or "whole number" where one is a count). */
export function parseTimeoutSpec<T extends object>(defaults: Readonly<T>, env: string, spec: string | undefined, what: string): T {
  const t = { ...defaults } as Record<string, number>;
  for (const part of (spec ?? "").split(",").filter((p) => p.trim())) {
    const [k, v, extra] = part.split("=").map((x) => x.trim());
    if (!(k in t) || extra !== undefined)
      throw new Error(`${env}: "${part}" is not one of ${Object.keys(t).join(", ")} with "=" and a value`);
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || v === "") throw new Error(`${env}: ${k} must be a ${what} of at least 1, not "${v}"`);
    t[k] = n;
  }
  return t as T;
}
