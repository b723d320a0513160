// The agent runs models with the very ES5 bundle that goes to the boards: the
// host's one runtime helper (evaluation/host-runtime.ts), under the agent's names.
export { hostRuntime as requireRuntime } from "../evaluation/host-runtime";
export type { DeviceModel, Runtime } from "../evaluation/host-runtime";
