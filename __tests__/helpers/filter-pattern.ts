/**
 * A small evaluator for the subset of CloudWatch Logs JSON filter patterns the audit stack uses, so the
 * tests can prove a pattern matches a CloudTrail record of its kind and no other:
 *
 *   { ($.eventSource = "ssm.amazonaws.com") && (($.eventName = "Start*") || ($.errorCode != "x")) }
 *
 * Supported: `$.a.b` and `$.a[0]` selectors, `=` and `!=`, double-quoted strings with `*` wildcards
 * (case-sensitive, as in CloudWatch Logs), bare numbers, bare words (`$.eventName = StopLogging`, the form
 * the CIS AWS Foundations patterns are written in; read as exact strings), `&&` binding tighter than `||`,
 * parentheses.
 * `=` on a missing field is false; `!=` is true only when the field exists and differs. Anything outside
 * the subset throws, so a pattern the stack starts using is never silently misread.
 */

type Node =
  | { kind: "and" | "or"; left: Node; right: Node }
  | { kind: "compare"; path: Array<string | number>; op: "=" | "!="; value: string | number };

type Token =
  | { type: "lbrace" | "rbrace" | "lparen" | "rparen" | "and" | "or" | "eq" | "ne" }
  | { type: "selector"; path: Array<string | number> }
  | { type: "string"; value: string }
  | { type: "number"; value: number };

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`Unsupported filter pattern at ${i} (${what}): ${pattern}`);
  };
  while (i < pattern.length) {
    const c = pattern[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "{") {
      tokens.push({ type: "lbrace" });
      i++;
    } else if (c === "}") {
      tokens.push({ type: "rbrace" });
      i++;
    } else if (c === "(") {
      tokens.push({ type: "lparen" });
      i++;
    } else if (c === ")") {
      tokens.push({ type: "rparen" });
      i++;
    } else if (pattern.startsWith("&&", i)) {
      tokens.push({ type: "and" });
      i += 2;
    } else if (pattern.startsWith("||", i)) {
      tokens.push({ type: "or" });
      i += 2;
    } else if (pattern.startsWith("!=", i)) {
      tokens.push({ type: "ne" });
      i += 2;
    } else if (c === "=") {
      tokens.push({ type: "eq" });
      i++;
    } else if (c === '"') {
      const end = pattern.indexOf('"', i + 1);
      if (end < 0) fail("unterminated string");
      const value = pattern.slice(i + 1, end);
      if (value.includes("\\")) fail("escapes are not in the supported subset");
      tokens.push({ type: "string", value });
      i = end + 1;
    } else if (c === "$") {
      const m = /^\$((?:\.[A-Za-z_][A-Za-z0-9_-]*|\[\d+\])+)/.exec(pattern.slice(i));
      if (!m) fail("selector");
      const path = [...m![1].matchAll(/\.([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]/g)].map((p) =>
        p[1] !== undefined ? p[1] : Number(p[2]),
      );
      tokens.push({ type: "selector", path });
      i += m![0].length;
    } else if (/[-\d]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(pattern.slice(i));
      if (!m) fail("number");
      tokens.push({ type: "number", value: Number(m![0]) });
      i += m![0].length;
    } else if (/[A-Za-z]/.test(c)) {
      // An unquoted string value: letters, digits, dots, hyphens and underscores, no wildcard.
      const m = /^[A-Za-z][A-Za-z0-9._-]*/.exec(pattern.slice(i))!;
      tokens.push({ type: "string", value: m[0] });
      i += m[0].length;
    } else {
      fail(`character ${JSON.stringify(c)}`);
    }
  }
  return tokens;
}

function parse(pattern: string): Node {
  const tokens = tokenize(pattern);
  let pos = 0;
  const peek = () => tokens[pos];
  const expect = (type: Token["type"]): Token => {
    const t = tokens[pos++];
    if (!t || t.type !== type) throw new Error(`Expected ${type} at token ${pos - 1} of ${pattern}`);
    return t;
  };
  const primary = (): Node => {
    if (peek()?.type === "lparen") {
      pos++;
      const inner = or();
      expect("rparen");
      return inner;
    }
    const selector = expect("selector") as Extract<Token, { type: "selector" }>;
    const opToken = tokens[pos++];
    if (!opToken || (opToken.type !== "eq" && opToken.type !== "ne")) throw new Error(`Expected = or != in ${pattern}`);
    const valueToken = tokens[pos++];
    if (!valueToken || (valueToken.type !== "string" && valueToken.type !== "number")) {
      throw new Error(`Expected a string or number value in ${pattern}`);
    }
    return { kind: "compare", path: selector.path, op: opToken.type === "eq" ? "=" : "!=", value: valueToken.value };
  };
  const and = (): Node => {
    let left = primary();
    while (peek()?.type === "and") {
      pos++;
      left = { kind: "and", left, right: primary() };
    }
    return left;
  };
  const or = (): Node => {
    let left = and();
    while (peek()?.type === "or") {
      pos++;
      left = { kind: "or", left, right: and() };
    }
    return left;
  };
  expect("lbrace");
  const tree = or();
  expect("rbrace");
  if (pos !== tokens.length) throw new Error(`Unexpected text after } in ${pattern}`);
  return tree;
}

function select(record: unknown, path: ReadonlyArray<string | number>): unknown {
  let current: unknown = record;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

function wildcardRegex(value: string): RegExp {
  const body = value
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}$`);
}

function evaluate(node: Node, record: unknown): boolean {
  if (node.kind !== "compare") {
    return node.kind === "and"
      ? evaluate(node.left, record) && evaluate(node.right, record)
      : evaluate(node.left, record) || evaluate(node.right, record);
  }
  const actual = select(record, node.path);
  if (actual === undefined || actual === null) return false;
  const equal =
    typeof node.value === "number"
      ? typeof actual === "number" && actual === node.value
      : typeof actual === "string" && wildcardRegex(node.value).test(actual);
  return node.op === "=" ? equal : !equal;
}

/** Whether a CloudWatch Logs JSON filter pattern (the supported subset) matches one JSON log event. */
export function filterPatternMatches(pattern: string, record: unknown): boolean {
  return evaluate(parse(pattern), record);
}
