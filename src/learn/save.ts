// A fine-tuned model as a new .efnn file, and saving it on the board.
//
// The new file is the source model with the trained layers replaced: each
// keeps its weight type, so int8 layers are requantized per row exactly as the
// host's quantizer does it (scale_i = max_j |w_ij| / 127 rounded to float32,
// q_ij = round(w_ij / scale_i) clipped), float32 layers are written as they
// are; with { float32: true } every trained layer is written float32 (weight
// type 0, no scales: the weights exactly as trained, 4 bytes each). Classes
// added with addClass() lengthen the output layer and the labels. The frozen
// layers' sections are the source file's bytes, read from Storage by offset,
// and everything goes to flash in chunks of CHUNK bytes: no view starts past
// 64 KiB into its buffer (the board's limit), so models of any size save.
//
// save(name) makes it the active model the way `edgefnn upload` does: the file
// is written whole under its final name <name>.<8 hex digits of its CRC>,
// proved (its CRC read back from flash, and the runtime loads it), and only
// then does one small write of the pointer file edgefnn.active switch to it.
// A reset at any point before that write leaves the previous model active; a
// reset after it leaves the new one, complete. The previous model's file is
// kept.

import { ACT_PRELU } from "../core/activations";
import { crc32 } from "../core/crc32";
import { fail, u16, WEIGHT_BYTES } from "../core/format";
import { bytesAt } from "./file-bytes";
import { Learner, SaveOptions } from "./learner";

interface Espruino {
  CRC32(data: unknown): number;
}
declare var E: Espruino;
interface StorageModule {
  read(name: string, offset?: number, length?: number): string | undefined;
  write(name: string, data: unknown, offset?: number, size?: number): boolean;
  erase(name: string): void;
}
declare function require(name: string): StorageModule & { loadFile(name: string): unknown };

/** One piece of the new file: n bytes of the source file from offset o (buf
 * null), or of an array in RAM from byte o of its buffer. Offsets, not views:
 * on the board a view cannot start past 64 KiB into its buffer (the source
 * file's later sections, a large trained layer's weights in the parameters). */
interface Piece {
  buf: ArrayBuffer | null;
  o: number;
  n: number;
}

/** bytes written to flash at a time (and the most copied into RAM for a piece past 64 KiB of a RAM buffer) */
var CHUNK = 1024;

/** The pieces of the new file, in order (nothing as large as the file is made). */
function pieces(me: Learner, float32: boolean): Piece[] {
  var p = me._,
    T = p.T,
    L = T.length / 8,
    M = T[0],
    net = p.net,
    first = me.first,
    P = net.params,
    added = p.added;
  var out: Piece[] = [],
    l = 0,
    t = 0,
    i = 0,
    j = 0;
  var src = function (off: number, n: number): void {
    out.push({ buf: null, o: off, n: n });
  };
  var ram = function (a: ArrayBufferView, from: number, n: number): void {
    out.push({ buf: a.buffer as ArrayBuffer, o: a.byteOffset + from, n: n });
  };
  var pad = function (n: number): void {
    if (n & 3) ram(new Uint8Array(4 - (n & 3)), 0, 4 - (n & 3));
  };
  var head = new Uint8Array(bytesAt(p, 0, 16 + 8 * L)),
    nLab = u16(head, 8),
    labBytes = u16(head, 10),
    addBytes = 0;
  for (i = 0; i < added.length; i++) addBytes += 1 + added[i].length;
  if (added.length) {
    if (!nLab) fail("save(): addClass() needs a model with labels");
    var outs = T[8 * (L - 1) + 1] + added.length;
    head[8] = (nLab + added.length) & 255;
    head[9] = (nLab + added.length) >> 8;
    head[10] = (labBytes + addBytes) & 255;
    head[11] = (labBytes + addBytes) >> 8;
    head[16 + 8 * (L - 1)] = outs & 255;
    head[17 + 8 * (L - 1)] = outs >> 8;
  }
  // float32: the trained layers' weight type becomes 0 in the layer table
  var wt = function (l: number): number {
    return l >= first && float32 ? 0 : T[8 * l + 3];
  };
  for (l = first; l < L; l++) head[16 + 8 * l + 3] = wt(l);
  ram(head, 0, head.length);
  src(16 + 8 * L, 8 * M);
  // the labels: the source's bytes, then the added ones, padded to 4
  src(16 + 8 * L + 8 * M, labBytes);
  for (i = 0; i < added.length; i++) {
    var lab = new Uint8Array(1 + added[i].length);
    lab[0] = added[i].length;
    for (j = 0; j < added[i].length; j++) lab[1 + j] = added[i].charCodeAt(j) & 127;
    ram(lab, 0, lab.length);
  }
  pad(labBytes + addBytes);
  // the trained layers' weights in their weight type: int8 / int16 requantized per row, float32 as they are
  var W: ArrayBufferView[] = [],
    S: (Float32Array | null)[] = [];
  for (l = first; l < L; l++) {
    var Ly = net.layers[l - first],
      w = wt(l),
      m = Ly.nIn,
      n = Ly.nOut;
    if (!w) {
      W.push(new Uint8Array(0));
      S.push(null);
      continue;
    }
    var qmax = w === 2 ? 127 : 32767,
      q = w === 2 ? new Int8Array(n * m) : new Int16Array(n * m),
      sc = new Float32Array(n);
    for (i = 0; i < n; i++) {
      var mx = 0,
        r = Ly.wOff + i * m;
      for (j = 0; j < m; j++) mx = Math.max(mx, Math.abs(P[r + j]));
      sc[i] = mx / qmax;
      var s = sc[i];
      for (j = 0; j < m; j++) {
        var v = s > 0 ? Math.round(P[r + j] / s) : 0;
        q[i * m + j] = v > qmax ? qmax : v < -qmax ? -qmax : v;
      }
    }
    W.push(q);
    S.push(sc);
  }
  // per layer its scales, biases, gammas
  for (l = 0, t = 0; l < L; l++, t += 8) {
    if (l < first) {
      var a = T[t + 5] >= 0 ? T[t + 5] : T[t + 6];
      src(a, 4 * T[t + 1] * ((T[t + 5] >= 0 ? 1 : 0) + 1 + (T[t + 7] >= 0 ? 1 : 0)));
      continue;
    }
    Ly = net.layers[l - first];
    if (S[l - first]) ram(S[l - first] as Float32Array, 0, 4 * Ly.nOut);
    ram(P, 4 * Ly.bOff, 4 * Ly.nOut);
    if (Ly.act === ACT_PRELU) ram(P, 4 * Ly.pOff, 4 * Ly.nOut);
  }
  // per layer its weights, padded to 4
  for (l = 0, t = 0; l < L; l++, t += 8) {
    n = T[t] * (l < first ? T[t + 1] : net.layers[l - first].nOut) * WEIGHT_BYTES[wt(l)];
    if (l < first) src(T[t + 4], n);
    else if (!wt(l)) ram(P, 4 * net.layers[l - first].wOff, n);
    else ram(W[l - first], 0, n);
    pad(n);
  }
  return out;
}

/** Bytes k..k+m of a piece, as something Storage.write takes: the source file's
 * from Storage (or its buffer), an array's through a view, or (past 64 KiB of
 * its buffer, where a view cannot start) copied into `spare`. */
function chunkOf(me: Learner, pc: Piece, k: number, m: number, spare: Uint8Array): Uint8Array {
  if (!pc.buf) return bytesAt(me._, pc.o + k, m);
  if (pc.o + k <= 65535) return new Uint8Array(pc.buf, pc.o + k, m);
  var all = new Uint8Array(pc.buf),
    c = spare.subarray(0, m);
  for (var i = 0; i < m; i++) c[i] = all[pc.o + k + i];
  return c;
}

/** The fine-tuned model's .efnn bytes in one array (for hosts; the board's save() writes it chunk by chunk). */
export function modelBytes(me: Learner, o?: SaveOptions): Uint8Array {
  var ps = pieces(me, !!(o && o.float32)),
    n = 4,
    i = 0,
    at = 0,
    k = 0,
    spare = new Uint8Array(CHUNK);
  for (; i < ps.length; i++) n += ps[i].n;
  var b = new Uint8Array(n);
  for (i = 0; i < ps.length; at += ps[i].n, i++)
    for (k = 0; k < ps[i].n; k += CHUNK) b.set(chunkOf(me, ps[i], k, Math.min(CHUNK, ps[i].n - k), spare), at + k);
  var c = crc32(b, n - 4);
  for (i = 0; i < 4; i++) b[n - 4 + i] = (c >>> (8 * i)) & 255;
  return b;
}

/** name.<crc as 8 hex digits>, the uploader's model file names */
function fileName(name: string, crc: number): string {
  var h = (crc >>> 0).toString(16);
  while (h.length < 8) h = "0" + h;
  return name + "." + h;
}

/** 1 to 19 letters, digits, _ or - (by char codes: the interpreter's regular
 * expressions refused every name with /^[A-Za-z0-9_-]{1,19}$/, measured on its Linux build) */
function goodName(name: string): boolean {
  var n = typeof name === "string" ? name.length : 0,
    i = 0,
    c = 0;
  if (n < 1 || n > 19) return false;
  for (; i < n; i++) {
    c = name.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45)) return false;
  }
  return true;
}

/**
 * Writes the fine-tuned model to Storage as <name>.<crc> and makes it the
 * active model (edgefnn.active), as upload does. Returns the file's name.
 */
export function save(me: Learner, name: string, so?: SaveOptions): string {
  if (!goodName(name)) fail("save(" + JSON.stringify(name) + "): use 1 to 19 letters, digits, _ or -");
  var S = require("Storage"),
    ps = pieces(me, !!(so && so.float32)),
    total = 4,
    i = 0,
    o = 0,
    k = 0,
    TMP = "edgefnn.saving",
    spare = new Uint8Array(CHUNK);
  for (; i < ps.length; i++) total += ps[i].n;
  // 1. the whole file under a scratch name, chunk by chunk, so its CRC comes from flash natively
  S.erase(TMP);
  for (i = 0; i < ps.length; o += ps[i].n, i++)
    for (k = 0; k < ps[i].n; k += CHUNK) S.write(TMP, chunkOf(me, ps[i], k, Math.min(CHUNK, ps[i].n - k), spare), o + k, total);
  var crc = E.CRC32(S.read(TMP, 0, total - 4)),
    tail = new Uint8Array(4);
  for (i = 0; i < 4; i++) tail[i] = (crc >>> (8 * i)) & 255;
  S.write(TMP, tail, total - 4);
  // 2. copied to its final name in chunks read from flash
  var file = fileName(name, crc),
    ptr = S.read("edgefnn.active");
  if (ptr && ptr.indexOf('"file":"' + file + '"') >= 0) fail(file + " is already the active model");
  S.erase(file);
  for (o = 0; o < total; o += CHUNK) S.write(file, S.read(TMP, o, Math.min(CHUNK, total - o)), o, total);
  S.erase(TMP);
  // 3. proved: the CRC over flash, and the runtime loads it (its parser checks every section and the CRC)
  var back = S.read(file);
  if (!back || back.length !== total || E.CRC32(S.read(file, 0, total - 4)) !== crc)
    fail("save(): " + file + " reads back wrong; the active model is unchanged");
  require("edgefnn").loadFile(file);
  // 4. the switch: one small file, read back
  var text = JSON.stringify({ file: file, name: name, bytes: total, crc: crc });
  S.write("edgefnn.active", text);
  if (S.read("edgefnn.active") !== text) fail("save(): the pointer file edgefnn.active reads back wrong");
  return file;
}
