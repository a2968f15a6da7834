// Preloaded into a measured node process (NODE_OPTIONS=--require): writes the process's peak resident
// set size, in KiB, to $BENCH_RSS_FILE when it exits. Measures memory without an external tool.
"use strict";
const { writeFileSync } = require("node:fs");
process.on("exit", () => {
  if (process.env.BENCH_RSS_FILE) writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
