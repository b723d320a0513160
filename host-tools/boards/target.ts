// What is on the other end of a port: an edgefnn agent (a Raspberry Pi
// running `edgefnn agent`) or an Espruino console. The agent is asked first
// with a HELLO probe that an Espruino console takes as typed characters and
// deletes again (host-tools/agent/client.ts); only if no agent answers does the
// console path start. This sits above both protocols and the links: neither
// knows about the other.
import { AgentClient } from "../agent/client";
import { ByteLink, LinkError } from "../links/byte-link";
import { openLink } from "../links/open-link";
import { EspruinoRepl } from "../protocols/espruino-repl";
import { BOARD_TIMEOUTS_ENV, parseBoardTimeouts } from "../protocols/board-timeouts";

export type Target = { kind: "agent"; link: ByteLink; client: AgentClient } | { kind: "espruino"; link: ByteLink; repl: EspruinoRepl };

export async function openTarget(port: string, baud: number): Promise<Target> {
  const timeouts = parseBoardTimeouts(process.env[BOARD_TIMEOUTS_ENV]);
  const link = await openLink(port, { baud });
  try {
    const client = await AgentClient.probe(link);
    if (client) return { kind: "agent", link, client };
    const repl = new EspruinoRepl(link, { timeouts });
    try {
      await repl.sync();
    } catch (e) {
      if (e instanceof LinkError && !link.isClosed) throw new LinkError(`${e.message} (no edgefnn agent answered either)`);
      throw e;
    }
    return { kind: "espruino", link, repl };
  } catch (e) {
    await link.close();
    throw e;
  }
}
