// The virtual board's default costs and buffer, apart so that `edgefnn --help`
// can print them without loading the board itself.
export const DEFAULTS = { rxBufferSize: 1024, byteCostUs: 100, lineCostMs: 1, execTimeoutMs: 5000 };
