// Makes V8 run code the way the Espruino interpreter would (docs/ESPRUINO.md):
// - no hoisting: `function f() {}` becomes `var f = function f() {};` where it
//   stands, so calling f before its declaration has run fails, as on the board;
// - a `let` loop variable is shared by all iterations (`for (let` becomes `for (var`);
// - top-level let/const become var (the console runs each line as its own
//   script, and the board lets a re-upload declare them again);
// - syntax the interpreter lacks is refused: default parameters, spread and
//   rest, destructuring, labelled statements, `?.`, `**`.
// Code acorn cannot parse is left alone: V8 then reports its own SyntaxError.
// The one rewriter for both the simulator and the tests' sandbox
// (espruino-surface.ts); instrument() below adds what V8 computes differently
// (=== on typed arrays) and, for the tests, allocation counting.
import { parse, Parser } from "acorn";
import * as walk from "acorn-walk";

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
    if (decl.type === "VariableDeclaration" && decl.kind !== "var")
      edits.push({ at: decl.start, del: String(decl.kind).length, text: "var" });
  };
  for (const stmt of ast.body as Node[]) toVar(stmt);
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

const NO_CLOSURES = {
  ...walk.base,
  FunctionExpression: () => {},
  FunctionDeclaration: () => {},
  ArrowFunctionExpression: () => {},
} as unknown as walk.RecursiveVisitors<unknown>;

/** Throws where a var is read or written before its declaration in its own
 * function scope (closures excluded: they run later). Stricter than the board
 * (which reads such a var as undefined): a lint the tests apply to the bundle. */
export function checkVarOrder(code: string): void {
  const ast = Parser.parse(code, { ecmaVersion: 2020, sourceType: "script", allowReturnOutsideFunction: true }) as any;
  const check = (body: any[], scopeNode: any) => {
    const declaredAt = new Map<string, number>();
    walk.simple(
      scopeNode,
      {
        VariableDeclarator(d: any) {
          if (d.id.type === "Identifier" && !declaredAt.has(d.id.name)) declaredAt.set(d.id.name, d.start);
        },
      },
      NO_CLOSURES,
    );
    const use = (id: any) => {
      const at = declaredAt.get(id.name);
      if (at !== undefined && id.start < at) throw new Error(`"${id.name}" is used at ${id.start} before its var declaration at ${at}`);
    };
    for (const stmt of body) walk.simple(stmt, { Identifier: use, VariablePattern: use } as any, NO_CLOSURES);
  };
  check(ast.body, ast);
  walk.full(ast, (node: any) => {
    if ((node.type === "FunctionDeclaration" || node.type === "FunctionExpression") && node.body.type === "BlockStatement")
      check(node.body.body, node.body);
  });
}

/** Rewrites code to behave as on the interpreter where V8 differs, and
 * optionally to count its allocations (run after toBoardScript):
 * - `a === b` (and !==, ==, !=) becomes `__eq(a, b, op)`: on Espruino (2v29)
 *   two typed arrays or ArrayBuffers are equal when they hold the same values,
 *   element by element (two distinct zero-filled Float32Array(2) are ===);
 *   objects and arrays compare by reference, as in V8.
 * - with allocations: every array and object literal and function expression
 *   is wrapped in `__alloc(value, blocks)`: one block for the value and one a
 *   element or property; a function 8 and one a parameter, as measured on the
 *   interpreter (function declarations are expressions by now).
 * Code acorn cannot parse is left alone. */
export function instrument(code: string, opts: { allocations?: boolean } = {}): string {
  let ast: any;
  try {
    ast = Parser.parse(code, { ecmaVersion: 2020, sourceType: "script", allowReturnOutsideFunction: true });
  } catch {
    return code;
  }
  // at: where; kind 0 an opening, 1 a replaced range (to `end`), 2 a closing; depth: of its node
  const edits: { at: number; end?: number; kind: number; depth: number; text: string }[] = [];
  // a getter's or setter's function is not an expression of its own: `get x() {}`
  const accessors = new Set<any>();
  walk.full(ast, (node: any) => {
    if (node.type === "Property" && (node.kind !== "init" || node.method)) accessors.add(node.value);
  });
  walk.fullAncestor(ast, (node: any, _state: unknown, ancestors: any[]) => {
    const depth = ancestors.length;
    if (node.type === "BinaryExpression" && ["===", "!==", "==", "!="].includes(node.operator)) {
      // only the operator is replaced: the gap may hold an operand's closing parenthesis
      const op = node.left.end + code.slice(node.left.end, node.right.start).indexOf(node.operator);
      edits.push(
        { at: node.start, kind: 0, depth, text: "(__eq(" },
        { at: op, end: op + node.operator.length, kind: 1, depth, text: ", " },
        { at: node.end, kind: 2, depth, text: `, ${JSON.stringify(node.operator)}))` },
      );
      return;
    }
    if (!opts.allocations) return;
    const blocks =
      node.type === "ArrayExpression"
        ? 1 + node.elements.length
        : node.type === "ObjectExpression"
          ? 1 + node.properties.length
          : node.type === "FunctionExpression" && !accessors.has(node)
            ? 8 + node.params.length
            : 0;
    if (!blocks) return;
    // parenthesized: `new function () {}` must stay a constructor call of the function
    edits.push({ at: node.start, kind: 0, depth, text: "(__alloc(" }, { at: node.end, kind: 2, depth, text: `, ${blocks}))` });
  });
  // Applied back to front. Each insertion lands before what is at its place, so
  // at one place: openings innermost first (the outermost ends up first), then
  // a replaced operator, then closings outermost first (the innermost ends up first).
  edits.sort((x, y) => y.at - x.at || x.kind - y.kind || (x.kind === 0 ? y.depth - x.depth : x.depth - y.depth));
  let out = code;
  for (const e of edits) out = out.slice(0, e.at) + e.text + out.slice(e.end ?? e.at);
  return out;
}
