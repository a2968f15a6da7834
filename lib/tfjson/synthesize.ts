import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { App } from "cdktf";
import type { TfJson } from "./stack";

/** An annotation (synth error, warning, info) as `manifest.json` records it. */
export interface ManifestAnnotation {
  readonly level: string;
  readonly message: string;
  readonly constructPath: string;
}

/** The parts of cdktf's `manifest.json` that are read back. */
export interface Manifest {
  readonly stacks: Record<
    string,
    {
      readonly name: string;
      readonly dependencies: string[];
      readonly workingDirectory: string;
      readonly synthesizedStackPath: string;
      readonly annotations?: ManifestAnnotation[];
    }
  >;
  readonly [key: string]: unknown;
}

export interface Synthesis {
  /** The folder the app wrote (`stacks/<id>/cdk.tf.json`, `manifest.json`). */
  readonly outdir: string;
  /** Every stack by id, parsed from the files written. */
  readonly stacks: Record<string, TfJson>;
  /** Annotations per stack, as recorded in the manifest. */
  readonly annotations: Record<string, ManifestAnnotation[]>;
  readonly manifest: Manifest;
}

/** Reads every stack of a synthesized folder back through its `manifest.json`. */
export function readSynthesis(outdir: string): Synthesis {
  const manifest: Manifest = JSON.parse(readFileSync(path.join(outdir, "manifest.json"), "utf8"));
  const stacks: Record<string, TfJson> = {};
  const annotations: Record<string, ManifestAnnotation[]> = {};
  for (const [id, entry] of Object.entries(manifest.stacks)) {
    stacks[id] = JSON.parse(readFileSync(path.join(outdir, entry.synthesizedStackPath), "utf8"));
    annotations[id] = entry.annotations ?? [];
  }
  return { outdir, stacks, annotations, manifest };
}

/**
 * Synthesizes the stacks `define` declares into a temporary folder (or `into`) with a real App and reads
 * the files back: what is read is what `cdktf synth` writes. The folder is removed unless `keep` is set.
 * The caller passes the app's wiring (`defineStacks` of main.ts), so this module depends on no stack.
 */
export function synthesize(define: (app: App) => void, keep = false, into?: string): Synthesis {
  const outdir = into ?? mkdtempSync(path.join(tmpdir(), "guardrails-synth-"));
  withPlainStackTraces(() => {
    // Required here, not imported: a module that only reads syntheses back (most test files, which read
    // the run's shared synthesis) never loads cdktf, hundreds of modules.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, which import cannot be
    const { App: CdktfApp } = require("cdktf") as typeof import("cdktf");
    const app = new CdktfApp({ outdir });
    define(app);
    app.synth();
  });
  const synthesis = readSynthesis(outdir);
  if (!keep) rmSync(outdir, { recursive: true, force: true });
  return synthesis;
}

/** V8's own rendering of a stack: the error, then one `at` line per frame, positions unmapped. */
const plainStackTrace = (error: Error, frames: NodeJS.CallSite[]): string =>
  [String(error), ...frames.map((frame) => `    at ${frame}`)].join("\n");

/**
 * Runs `fn` with stack traces rendered without source maps. cdktf renders a whole stack trace for every
 * token it creates (thousands a synthesis), kept only for an error message should the token fail to
 * resolve. Under jest or tsx, which map every frame back to the TypeScript source, that rendering was
 * two fifths of a synthesis's CPU (in jest, 155 ms with mapping, 93 ms without). Errors that leave
 * `fn` are rendered when first read, after the formatter is restored: they keep mapped positions.
 */
export function withPlainStackTraces<T>(fn: () => T): T {
  const previous = Error.prepareStackTrace;
  Error.prepareStackTrace = plainStackTrace;
  try {
    return fn();
  } finally {
    Error.prepareStackTrace = previous;
  }
}
