import { readdirSync } from "node:fs";
import * as path from "node:path";

/** The project folder. */
const ROOT = path.join(__dirname, "..", "..");

/** The start page and every Markdown page under docs/, relative to the project folder (`/`-separated). */
export function documentationPages(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
      const relative = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) return walk(relative);
      return entry.name.endsWith(".md") ? [relative] : [];
    });
  return ["README.md", ...walk("docs")];
}
