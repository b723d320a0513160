// openAgentModel for plain Node.js programs on the Pi (no TypeScript set-up):
//   import { openAgentModel } from "/opt/edgefnn/host-tools/agent/local-model.mjs";
// It loads local-model.ts through tsx, as bin/edgefnn.mjs loads the CLI.
import { register } from "tsx/esm/api";

register();
export const { openAgentModel } = await import("./local-model.ts");
