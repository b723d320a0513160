// A few seconds' scan for boards with an Espruino console on Bluetooth LE
// (`edgefnn list`): what advertises the Nordic UART service or a board's name.
import { BleUnavailable, bleCentral, releaseBleCentral } from "./ble-central";
import { BleCentral, BlePeripheral, looksLikeNus, normalAddress } from "./ble-nus";

export interface BleDevice {
  name: string | null;
  address: string;
  /** signal strength, dBm (the strongest heard) */
  rssi: number;
  /** the port to give: the address */
  port: string;
}

export type BleScan = { scanned: true; seconds: number; devices: BleDevice[] } | { scanned: false; reason: string };

export async function scanNus(seconds: number, central?: BleCentral): Promise<BleScan> {
  let c: BleCentral;
  try {
    c = central ?? (await bleCentral());
  } catch (e) {
    if (e instanceof BleUnavailable) return { scanned: false, reason: e.message };
    throw e;
  }
  const seen = new Map<string, BleDevice>();
  const onDiscover = (p: BlePeripheral) => {
    if (!looksLikeNus(p)) return;
    // macOS hides addresses (noble gives ""): such a board is reached by name
    const name = p.advertisement.localName || null;
    const address = normalAddress(p.address);
    const key = address || `name:${name}`;
    const prev = seen.get(key);
    const known = name ?? prev?.name ?? null;
    seen.set(key, { name: known, address, rssi: Math.max(p.rssi, prev?.rssi ?? -Infinity), port: address || `ble:${known ?? ""}` });
  };
  c.on("discover", onDiscover);
  try {
    await c.startScanningAsync([], true);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    await c.stopScanningAsync();
  } catch (e) {
    return { scanned: false, reason: `the Bluetooth LE scan failed: ${(e as Error).message}` };
  } finally {
    c.removeListener("discover", onDiscover);
    if (!central) releaseBleCentral();
  }
  return { scanned: true, seconds, devices: [...seen.values()].sort((a, b) => b.rssi - a.rssi) };
}
