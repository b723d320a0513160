// After an interrupted or refused upload to an edgefnn agent: ask it again
// (HELLO) which model is active, bounded, and say from that what is active. A
// refusal or a lost reply to ACTIVATE does not prove that nothing changed (the
// agent may have activated the model and then failed to answer), so the
// agent's own word, read afterwards, is what counts.
import { AgentClient } from "./client";
import { AgentInfo } from "./protocol";
import { ActiveFact, unknownFact } from "../serial/active-fact";
import { modelId } from "../serial/board-files";
import { retryWithinBound } from "../serial/bounded-retry";

/** The agent's hello, asked again for at most boundMs on the client's clock (reopening the port if it went); null if it
 * did not answer. */
export async function rereadAgent(client: AgentClient, boundMs = client.timing.timeouts.rereadMs): Promise<AgentInfo | null> {
  return retryWithinBound(
    client.link,
    boundMs,
    async (link, reopened) => {
      if (!reopened) return client.hello();
      // a new link: find out again what answers on it (null: something else now)
      return (await AgentClient.probe(link, undefined, undefined, undefined, client.timing))?.info ?? null;
    },
    client.timing.clock,
  );
}

/** What the agent's fresh hello (or, without one, how far the upload got) proves. */
export function agentFact(
  model: Uint8Array,
  target: string,
  previous: string | null,
  activateSent: boolean,
  info: AgentInfo | null,
): ActiveFact {
  const plain = (active: ActiveFact["active"], file: string | null, how: string): ActiveFact => ({
    active,
    file,
    how,
    incomplete: [],
    leftover: [],
  });
  if (!info) {
    if (activateSent) return unknownFact("the agent did not answer again after the interruption");
    return previous ? plain("previous", previous, "ACTIVATE was never sent") : plain("none", null, "ACTIVATE was never sent");
  }
  const a = info.active;
  const how = "the agent said so when asked again";
  if (a && a.id === modelId(model) && a.bytes === model.length && a.file === target) return plain("new", a.file, how);
  if (a && previous && a.file === previous) return plain("previous", a.file, how);
  if (!a && !previous) return plain("none", null, how);
  return unknownFact(
    a ? `the agent's active model is now ${a.file}, neither the new one nor ${previous ?? "none"}` : "the agent has no active model now",
  );
}
