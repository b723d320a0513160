// Makes V8 run code the way the Espruino interpreter would (../shared/ESPRUINO.md):
// - no hoisting: `function f() {}` becomes `var f = function f() {};` where it
//   stands, so calling f before its declaration has run fails, as on the board;
// - a `let` loop variable is shared by all iterations (`for (let` becomes `for (var`);
// - top-level let/const become var (the console runs each line as its own
//   script, and the board lets a re-upload declare them again);
// - syntax the interpreter lacks is refused: default parameters, spread and
//   rest, destructuring, labelled statements, `?.`, `**`.
// Code acorn cannot parse is left alone: V8 then reports its own SyntaxError.
import { parse } from "acorn";

type Node = { type: string; start: number; end: number; loc?: { start: { line: number; column: number } }; [k: string]: unknown };

interface Edit {
  at: number;
  del: number;
  text: string;
}

const UNSUPPORTED: Record<string, string> = {
  SpreadElement: "spread syntax (...)",
  RestElement: "rest parameters (...)",
  ObjectPattern: "destructuring",
  ArrayPattern: "destructuring",
  AssignmentPattern: "default parameters",
  LabeledStatement: "labelled statements",
  ChainExpression: "optional chaining (?.)",
};

export class UnsupportedSyntax extends Error {}

function children(node: Node): Node[] {
  const out: Node[] = [];
  for (const k of Object.keys(node)) {
    if (k === "loc") continue;
    const v = node[k];
    if (Array.isArray(v)) for (const x of v) if (x && typeof x === "object" && typeof (x as Node).type === "string") out.push(x as Node);
    if (v && typeof v === "object" && typeof (v as Node).type === "string") out.push(v as Node);
  }
  return out;
}

/** The code rewritten for board semantics; throws UnsupportedSyntax for what the board cannot parse. */
export function toBoardScript(code: string): string {
  let ast: Node;
  try {
    ast = parse(code, { ecmaVersion: 2020, sourceType: "script", locations: true, allowReturnOutsideFunction: true }) as unknown as Node;
  } catch {
    return code;
  }
  const edits: Edit[] = [];
  const toVar = (decl: Node) => {
    if (decl.type === "VariableDeclaration" && decl.kind !== "var") edits.push({ at: decl.start, del: String(decl.kind).length, text: "var" });
  };
  for (const stmt of (ast.body as Node[])) toVar(stmt);
  const visit = (node: Node) => {
    const what = UNSUPPORTED[node.type] ?? ((node.operator === "**" || node.operator === "**=") && "the ** operator");
    if (what) {
      const at = node.loc ? ` (line ${node.loc.start.line} col ${node.loc.start.column + 1})` : "";
      throw new UnsupportedSyntax(`${what} is not supported by Espruino${at}`);
    }
    if (node.type === "FunctionDeclaration") {
      const name = (node.id as Node & { name: string }).name;
      edits.push({ at: node.start, del: 0, text: `var ${name} = ` });
      edits.push({ at: node.end, del: 0, text: ";" });
    }
    if (node.type === "ForStatement" && node.init) toVar(node.init as Node);
    if (node.type === "ForInStatement" || node.type === "ForOfStatement") toVar(node.left as Node);
    for (const c of children(node)) visit(c);
  };
  visit(ast);
  // back to front; where one declaration ends right where the next starts, the
  // "var f = " goes in first so that the ";" lands before it
  edits.sort((a, b) => b.at - a.at || (a.text === ";" ? 1 : 0) - (b.text === ";" ? 1 : 0));
  let out = code;
  for (const e of edits) out = out.slice(0, e.at) + e.text + out.slice(e.at + e.del);
  return out;
}
