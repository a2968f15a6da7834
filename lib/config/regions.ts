import { readFileSync } from "node:fs";
import * as path from "node:path";

/**
 * The AWS Regions a configuration may name, from a maintained source rather than a list kept here: the
 * partition data the AWS SDK for JavaScript resolves endpoints with (`partitionsInfo`, util-endpoints,
 * bundled in @aws-sdk/core's `client` submodule; aws/aws-sdk-js-v3 regenerates it from the SDKs' shared
 * partitions.json whenever AWS opens a Region). A Region AWS has not opened (`eu-west-9`) is refused at
 * validation instead of failing every provider call at plan time.
 *
 * Read as data, not imported: the submodule exports `partition(region)`, which answers one Region
 * without listing the others, and loading it also loads the SDK's HTTP and endpoint machinery (a few
 * hundred milliseconds, on every synth). The file holds one object literal written as JSON.
 */
const PARTITIONS_FILE = path.join("dist-es", "submodules", "client", "util-endpoints", "lib", "aws", "partitions.js");

/** The partition whose Regions the project deploys to: AWS's commercial Regions (ARNs `arn:aws:`). */
export const PARTITION = "aws";

interface PartitionsInfo {
  readonly partitions: readonly { readonly id: string; readonly regions: Readonly<Record<string, unknown>> }[];
}

let regions: readonly string[] | undefined;

/** Where the partition data is read from (for messages and tests). */
export function partitionsFile(): string {
  return path.join(path.dirname(require.resolve("@aws-sdk/core/package.json")), PARTITIONS_FILE);
}

/**
 * Every Region of the `aws` partition, sorted; the pseudo-Region `aws-global` (the SDK's name for
 * global endpoints) is not one a stack can be deployed to.
 */
export function awsRegions(): readonly string[] {
  if (regions !== undefined) return regions;
  const file = partitionsFile();
  let info: PartitionsInfo;
  try {
    const text = readFileSync(file, "utf8");
    info = JSON.parse(text.slice(text.indexOf("{"), text.lastIndexOf("}") + 1)) as PartitionsInfo;
  } catch (err) {
    throw new Error(
      `Cannot read the AWS Regions from ${file} (${(err as Error).message}): run npm ci; if @aws-sdk/core was upgraded, update lib/config/regions.ts to where it now keeps its partition data.`,
      { cause: err },
    );
  }
  const partition = info.partitions?.find((p) => p.id === PARTITION);
  if (partition === undefined)
    throw new Error(`${file} lists no "${PARTITION}" partition: update lib/config/regions.ts.`);
  regions = Object.keys(partition.regions)
    .filter((region) => !region.endsWith("-global"))
    .sort();
  return regions;
}

/** True for a Region AWS has opened in the commercial partition. */
export function isAwsRegion(region: string): boolean {
  return awsRegions().includes(region);
}
