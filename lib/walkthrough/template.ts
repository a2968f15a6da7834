/**
 * A deliberately small text template: `{{name}}` placeholders and whole-line sections
 * (`{{#name}}` shown when set, `{{^name}}` when not, `{{/name}}` ends either), read from a fenced
 * block of a Markdown document, so the text lives in the document a person reads, not in code.
 */

/** A placeholder's value: text, or a flag that only sections test. `undefined` counts as not set. */
export type TemplateValue = string | boolean | undefined;

const SECTION = /^\{\{([#^/])(\w+)\}\}$/;
const PLACEHOLDER = /\{\{(\w+)\}\}/g;
/** What Terraform reads as interpolation or a directive inside an output string. */
const TERRAFORM_TEMPLATE = /[$%]\{/;

/**
 * The body of the fenced block whose info string is `<language> <name>` (```` ```sh DefenceSteps ````).
 * Throws when the document has no such block, so a renamed block fails the synth, not the reader.
 */
export function fencedBlock(document: string, name: string, source: string): string {
  const lines = document.split("\n");
  const start = lines.findIndex((line) => /^```\S*\s+(\S+)\s*$/.exec(line)?.[1] === name);
  const end = lines.findIndex((line, i) => i > start && line.trim() === "```");
  if (start < 0 || end < 0) throw new Error(`${source} has no fenced block named ${name}: add one (\`\`\`sh ${name}).`);
  return lines.slice(start + 1, end).join("\n");
}

/**
 * Fills `template` with `values`. Every placeholder must have a text value and every section must be
 * closed; the template itself may not contain `${` or `%{` (see TERRAFORM_TEMPLATE), because the
 * result goes into a Terraform output. Values are inserted as they are: cdktf tokens stay tokens.
 */
export function renderTemplate(
  template: string,
  values: Readonly<Record<string, TemplateValue>>,
  source: string,
): string {
  const out: string[] = [];
  const open: Array<{ name: string; shown: boolean }> = [];
  for (const [i, line] of template.split("\n").entries()) {
    const where = `${source} line ${i + 1}`;
    if (TERRAFORM_TEMPLATE.test(line)) {
      throw new Error(
        `${where} contains "\${" or "%{", which Terraform would read as a template: write it another way.`,
      );
    }
    const section = SECTION.exec(line);
    if (section) {
      const [, kind, name] = section;
      if (!(name in values))
        throw new Error(`${where}: no value named ${name}; values are ${Object.keys(values).join(", ")}.`);
      if (kind === "/") {
        if (open.pop()?.name !== name)
          throw new Error(`${where}: {{/${name}}} closes no open {{#${name}}} or {{^${name}}}.`);
      } else {
        const set = values[name] !== undefined && values[name] !== false && values[name] !== "";
        open.push({ name, shown: kind === "#" ? set : !set });
      }
      continue;
    }
    if (open.some((s) => !s.shown)) continue;
    out.push(
      line.replace(PLACEHOLDER, (_, name: string) => {
        const value = values[name];
        if (typeof value !== "string") {
          throw new Error(`${where}: {{${name}}} needs a text value, got ${JSON.stringify(value)}.`);
        }
        return value;
      }),
    );
  }
  if (open.length > 0) throw new Error(`${source}: {{${open[open.length - 1].name}}} is never closed.`);
  return out.join("\n");
}
