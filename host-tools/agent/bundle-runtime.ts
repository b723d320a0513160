// The agent runs models with the very ES5 bundle that goes to the boards: the
// host's one runtime helper (host-runtime.ts), under the agent's names.
export { hostRuntime as requireRuntime } from "../host-runtime";
export type { DeviceModel, Runtime } from "../host-runtime";
