// The virtual board's button, LEDs and Bangle.js menu (host-tools/sim/board-io.ts):
// setWatch's events as the firmware gives them, pressed by the host.
import { afterEach, describe, expect, it } from "vitest";
import { VirtualBoard } from "../../host-tools/sim/virtual-board";

const boards: VirtualBoard[] = [];

/** Waits until the board has logged n LED events: a bound for a board that never logs them (60 s), not a speed.
 * It was 100 looks 50 ms apart, ~5 s: short on a machine at load ~30. */
async function ledEvents(b: VirtualBoard, n: number): Promise<void> {
  for (const end = Date.now() + 60_000; b.io.leds.length < n && Date.now() < end;) await new Promise((r) => setTimeout(r, 20));
}
afterEach(() => {
  while (boards.length) boards.pop()!.stop();
});
function board(id: string): { b: VirtualBoard; out: () => string } {
  let text = "";
  const b = new VirtualBoard({ board: id }, (x) => (text += x.toString("latin1")));
  boards.push(b);
  return { b, out: () => text };
}

describe("the virtual board's button", () => {
  it("setWatch: falling edges carry how long the button was held; without repeat one call; clearWatch ends a watch; digitalRead while held", async () => {
    const { b } = board("puckjs");
    b.sandbox.run(`var log = [], once = 0, held = -1;
var id = setWatch(function (e) { log.push([e.state, e.time - e.lastTime]); held = digitalRead(BTN); }, BTN, { repeat: true, edge: "falling" });
setWatch(function () { once++; }, BTN1, { edge: "rising" });`);
    const press = b.io.press(300);
    expect(b.sandbox.run("digitalRead(BTN)")).toBe(1);
    await press;
    await b.io.press(1200);
    // held at least as long as pressed (a busy machine's timers fire late, never early: no upper bound)
    const log = JSON.parse(b.sandbox.run("JSON.stringify(log)") as string) as [boolean, number][];
    expect(log.map((e) => e[0])).toEqual([false, false]);
    expect(log[0][1]).toBeGreaterThanOrEqual(0.29);
    expect(log[1][1]).toBeGreaterThanOrEqual(1.19);
    expect(b.sandbox.run("once")).toBe(1);
    expect(b.sandbox.run("held")).toBe(0);
    b.sandbox.run("clearWatch(id)");
    await b.io.press(50);
    expect(b.sandbox.run("log.length")).toBe(2);
    expect(() => b.sandbox.run("clearWatch(id)")).toThrow(/Unknown Watch/);
  });

  it("a reset ends the watches; LED pulses are logged on and off", async () => {
    const { b } = board("puckjs");
    b.sandbox.run(
      `var n = 0; setWatch(function () { n++; digitalPulse(LED2, 1, [20, 20, 20]); }, BTN, { repeat: true, edge: "falling" });`,
    );
    await b.io.press(20);
    await ledEvents(b, 4);
    expect(b.io.leds.map((l) => [l.led, l.on])).toEqual([
      ["LED2", true],
      ["LED2", false],
      ["LED2", true],
      ["LED2", false],
    ]);
    // a pulse while one goes on waits for its end
    b.sandbox.run("digitalPulse(LED1, 1, 100); digitalPulse(LED1, 1, 10)");
    await ledEvents(b, 8);
    const L1 = b.io.leds.slice(4);
    expect(L1.map((l) => l.on)).toEqual([true, false, true, false]);
    expect(L1[1].time - L1[0].time).toBeGreaterThanOrEqual(0.099);
    expect(L1[2].time).toBeGreaterThanOrEqual(L1[1].time);
    // a busy board process: the event loop blocked past the whole train; each step still lasts its time
    // (timers set at fixed offsets from the start would all fire at once after the block, 0 ms apart)
    b.sandbox.run("digitalPulse(LED3, 1, [100, 100, 100])");
    for (const end = performance.now() + 400; performance.now() < end;);
    await ledEvents(b, 12);
    const L3 = b.io.leds.slice(8);
    expect(L3.map((l) => [l.led, l.on])).toEqual([
      ["LED3", true],
      ["LED3", false],
      ["LED3", true],
      ["LED3", false],
    ]);
    for (let i = 1; i < 4; i++) expect(L3[i].time - L3[i - 1].time).toBeGreaterThanOrEqual(0.099);
    b.sandbox.reset();
    b.sandbox.run("var n = 0");
    await b.io.press(20);
    expect(b.sandbox.run("n")).toBe(0);
  });

  it("Bangle.js: touch listeners, E.showMenu's items chosen by title, E.showMessage; a Puck.js has no menu", () => {
    const { b } = board("banglejs2");
    b.sandbox.run(
      `var got = ""; Bangle.on("touch", function (btn, xy) { got += btn + ":" + xy.x; E.showMenu({ "": { title: "T" }, "one": function () { E.showMessage("picked", "T"); } }); });`,
    );
    expect(b.io.menuItems()).toBeNull();
    b.io.tap(10, 20);
    expect(b.sandbox.run("got")).toBe("1:10");
    expect(b.io.menuItems()).toEqual(["one"]);
    expect(() => b.io.choose("two")).toThrow(/no menu item "two"/);
    b.io.choose("one");
    expect(b.io.menuItems()).toBeNull();
    expect(b.io.message).toBe("T: picked");
    const p = board("puckjs").b;
    expect(p.sandbox.run("typeof E.showMenu")).toBe("undefined");
  });
});
