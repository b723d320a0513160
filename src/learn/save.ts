// A fine-tuned model as a new .efnn file, and saving it on the board.
//
// The new file is the source model with the trained layers replaced: each
// keeps its weight type, so int8 layers are requantized per row exactly as the
// host's quantizer does it (scale_i = max_j |w_ij| / 127 rounded to float32,
// q_ij = round(w_ij / scale_i) clipped), float32 layers are written as they
// are. Classes added with addClass() lengthen the output layer and the labels.
// The frozen layers' sections are the source file's bytes.
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
import { Learner } from "./learner";

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

/** The pieces of the new file, in order (views and small arrays: nothing as large as the file). */
function pieces(me: Learner): Uint8Array[] {
  var p = me._, T = p.T, L = T.length / 8, M = T[0], net = p.net, first = me.first, P = net.params, added = p.added;
  var src = function (off: number, n: number): Uint8Array {
    return new Uint8Array(p.buf, p.base + off, n);
  };
  var bytesOf = function (a: ArrayBufferView, n: number): Uint8Array {
    return new Uint8Array(a.buffer, a.byteOffset, n);
  };
  var out: Uint8Array[] = [], l = 0, t = 0, i = 0, j = 0, pad = function (n: number): void {
    if (n & 3) out.push(new Uint8Array(4 - (n & 3)));
  };
  var head = new Uint8Array(16 + 8 * L), h = src(0, 16 + 8 * L), nLab = u16(h, 8), labBytes = u16(h, 10), addBytes = 0;
  head.set(h);
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
  out.push(head, src(16 + 8 * L, 8 * M));
  // the labels: the source's bytes, then the added ones, padded to 4
  out.push(src(16 + 8 * L + 8 * M, labBytes));
  for (i = 0; i < added.length; i++) {
    var lab = new Uint8Array(1 + added[i].length);
    lab[0] = added[i].length;
    for (j = 0; j < added[i].length; j++) lab[1 + j] = added[i].charCodeAt(j) & 127;
    out.push(lab);
  }
  pad(labBytes + addBytes);
  // the trained layers' weights in their file type: int8 / int16 requantized per row
  var W: (ArrayBufferView | null)[] = [], S: (Float32Array | null)[] = [];
  for (l = first; l < L; l++) {
    var Ly = net.layers[l - first], wt = T[8 * l + 3], m = Ly.nIn, n = Ly.nOut;
    if (!wt) {
      W.push(P.subarray(Ly.wOff, Ly.bOff));
      S.push(null);
      continue;
    }
    var qmax = wt === 2 ? 127 : 32767, q = wt === 2 ? new Int8Array(n * m) : new Int16Array(n * m), sc = new Float32Array(n);
    for (i = 0; i < n; i++) {
      var mx = 0, r = Ly.wOff + i * m;
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
      out.push(src(a, 4 * T[t + 1] * ((T[t + 5] >= 0 ? 1 : 0) + 1 + (T[t + 7] >= 0 ? 1 : 0))));
      continue;
    }
    Ly = net.layers[l - first];
    if (S[l - first]) out.push(bytesOf(S[l - first] as Float32Array, 4 * Ly.nOut));
    out.push(bytesOf(P.subarray(Ly.bOff, Ly.bOff + Ly.nOut), 4 * Ly.nOut));
    if (Ly.act === ACT_PRELU) out.push(bytesOf(P.subarray(Ly.pOff, Ly.pOff + Ly.nOut), 4 * Ly.nOut));
  }
  // per layer its weights, padded to 4
  for (l = 0, t = 0; l < L; l++, t += 8) {
    n = T[t] * (l < first ? T[t + 1] : net.layers[l - first].nOut) * WEIGHT_BYTES[T[t + 3]];
    out.push(l < first ? src(T[t + 4], n) : bytesOf(W[l - first] as ArrayBufferView, n));
    pad(n);
  }
  return out;
}

/** The fine-tuned model's .efnn bytes in one array (for hosts; the board's save() writes it piece by piece). */
export function modelBytes(me: Learner): Uint8Array {
  var ps = pieces(me), n = 4, i = 0, o = 0;
  for (; i < ps.length; i++) n += ps[i].length;
  var b = new Uint8Array(n);
  for (i = 0; i < ps.length; i++, o += ps[i - 1].length) b.set(ps[i], o);
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

/**
 * Writes the fine-tuned model to Storage as <name>.<crc> and makes it the
 * active model (edgefnn.active), as upload does. Returns the file's name.
 */
export function save(me: Learner, name: string): string {
  if (!/^[A-Za-z0-9_-]{1,19}$/.test(name)) fail("save(" + JSON.stringify(name) + "): use 1 to 19 letters, digits, _ or -");
  var S = require("Storage"), ps = pieces(me), total = 4, i = 0, o = 0, TMP = "edgefnn.saving";
  for (; i < ps.length; i++) total += ps[i].length;
  // 1. the whole file under a scratch name, so its CRC comes from flash natively
  S.erase(TMP);
  for (i = 0; i < ps.length; o += ps[i].length, i++) if (ps[i].length) S.write(TMP, ps[i], o, total);
  var crc = E.CRC32(S.read(TMP, 0, total - 4)), tail = new Uint8Array(4);
  for (i = 0; i < 4; i++) tail[i] = (crc >>> (8 * i)) & 255;
  S.write(TMP, tail, total - 4);
  // 2. copied to its final name in chunks read from flash
  var file = fileName(name, crc), ptr = S.read("edgefnn.active");
  if (ptr && ptr.indexOf('"file":"' + file + '"') >= 0) fail(file + " is already the active model");
  S.erase(file);
  for (o = 0; o < total; o += 512) S.write(file, S.read(TMP, o, Math.min(512, total - o)), o, total);
  S.erase(TMP);
  // 3. proved: the CRC over flash, and the runtime loads it (its parser checks every section and the CRC)
  var back = S.read(file);
  if (!back || back.length !== total || E.CRC32(S.read(file, 0, total - 4)) !== crc) fail("save(): " + file + " reads back wrong; the active model is unchanged");
  require("edgefnn").loadFile(file);
  // 4. the switch: one small file, read back
  var text = JSON.stringify({ file: file, name: name, bytes: total, crc: crc });
  S.write("edgefnn.active", text);
  if (S.read("edgefnn.active") !== text) fail("save(): the pointer file edgefnn.active reads back wrong");
  return file;
}
