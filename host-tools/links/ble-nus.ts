// The Nordic UART Service (NUS) as a Bluetooth LE central sees it, and the
// few parts of a BLE library this code uses. The interfaces are structural:
// @stoprocent/noble's objects satisfy them (ble-central.ts loads it), and so
// does the one stand-in the tests use (test/host-tools/ble-link.test.ts),
// since no radio exists where the tests run.
//
// Espruino boards (Puck.js, Pixl.js, MDBT42Q, Bangle.js) put their console on
// NUS: the host writes to RX (6e400002) and is notified on TX (6e400003).
// Each write carries at most the ATT MTU - 3 bytes: 20 with the default MTU
// of 23, more where the central and the board negotiate a larger one.

/** UUIDs as noble writes them: lower case, no dashes */
export const NUS_SERVICE = "6e400001b5a3f393e0a9e50e24dcca9e";
export const NUS_RX = "6e400002b5a3f393e0a9e50e24dcca9e";
export const NUS_TX = "6e400003b5a3f393e0a9e50e24dcca9e";
/** the ATT MTU every connection starts with */
export const DEFAULT_MTU = 23;
/** ATT's write header: opcode and handle */
export const ATT_HEADER = 3;

/** names Espruino boards advertise (EspruinoTools' list of recognised devices is similar) */
export const ESPRUINO_NAMES =
  /^(Puck\.js|Pixl\.js|MDBT42Q|Bangle\.js|Espruino|Jolt\.js|RuuviTag|iTracker|Thingy|Smartibot|DTNO1|Banglejs)/i;

export type CharacteristicProperty = "read" | "write" | "indicate" | "notify" | "writeWithoutResponse" | string;

export interface BleCharacteristic {
  readonly uuid: string;
  readonly properties: readonly CharacteristicProperty[];
  writeAsync(data: Buffer, withoutResponse: boolean): Promise<void>;
  subscribeAsync(): Promise<void>;
  on(event: "data", listener: (data: Buffer, isNotification: boolean) => void): unknown;
  removeListener(event: "data", listener: (data: Buffer, isNotification: boolean) => void): unknown;
}

export interface BlePeripheral {
  readonly address: string;
  readonly rssi: number;
  /** the negotiated ATT MTU once connected (null while unknown) */
  readonly mtu: number | null;
  readonly advertisement: { localName?: string; serviceUuids?: string[] };
  connectAsync(): Promise<void>;
  disconnectAsync(): Promise<void>;
  discoverSomeServicesAndCharacteristicsAsync(
    serviceUUIDs: string[],
    characteristicUUIDs: string[],
  ): Promise<{ characteristics: BleCharacteristic[] }>;
  once(event: "disconnect", listener: (reason?: unknown) => void): unknown;
  removeListener(event: "disconnect", listener: (reason?: unknown) => void): unknown;
}

export type AdapterState = "poweredOn" | "poweredOff" | "unauthorized" | "unsupported" | "unknown" | "resetting" | string;

/** the BLE central: the adapter, scanning and the peripherals found */
export interface BleCentral {
  readonly state: AdapterState;
  startScanningAsync(serviceUUIDs?: string[], allowDuplicates?: boolean): Promise<void>;
  stopScanningAsync(): Promise<void>;
  on(event: "discover", listener: (p: BlePeripheral) => void): unknown;
  removeListener(event: "discover", listener: (p: BlePeripheral) => void): unknown;
  /** lets the adapter go (noble keeps the process alive until then) */
  stop?(): void;
}

/** aa:bb:cc:dd:ee:ff in the form noble reports (lower case, colons) */
export function normalAddress(a: string): string {
  return a.toLowerCase().replace(/-/g, ":");
}

/** A peripheral's UUIDs in noble's form, so 6E400001-B5A3-... and 6e400001b5a3... compare equal. */
export function normalUuid(u: string): string {
  return u.toLowerCase().replace(/-/g, "");
}

/** Whether an advertiser looks like an Espruino console: it lists NUS or has a board's name. */
export function looksLikeNus(p: BlePeripheral): boolean {
  const uuids = (p.advertisement.serviceUuids ?? []).map(normalUuid);
  return uuids.includes(NUS_SERVICE) || ESPRUINO_NAMES.test(p.advertisement.localName ?? "");
}
