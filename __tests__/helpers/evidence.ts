import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { Config } from "../../lib/config";
import { testConfig } from "./synth";

/**
 * The configuration of scenarios/session-preferences.transcripts.json (also audit.object-lock.json and
 * private-access.article-role.json): transcripts in S3 with readers, evidence administrators, Object
 * Lock on both evidence buckets, an S3 state backend and the article's instance role. Read from the
 * scenario file, so the stack tests and the access proofs share one synthesis of it.
 */
export function evidenceConfig(): Config {
  const file = path.join(__dirname, "..", "..", "scenarios", "session-preferences.transcripts.json");
  return testConfig(JSON.parse(readFileSync(file, "utf8")).config);
}
