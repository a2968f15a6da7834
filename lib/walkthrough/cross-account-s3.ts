import { readFileSync } from "node:fs";
import * as path from "node:path";
import { DEFAULT_CONFIG_PATH } from "../config";
import { fencedBlock, renderTemplate } from "./template";

/**
 * The document holding the article's CLI walk-through. Found from the project root, which lib/config
 * already finds for config/default.json whether the code runs from source (jest, tsx), from the
 * esbuild bundle in .tmp/app (`cdktf synth`) or compiled in dist/.
 */
export const WALKTHROUGH_PATH = path.join(
  path.dirname(DEFAULT_CONFIG_PATH),
  "..",
  "docs",
  "cross-account-s3-walkthrough.md",
);

/** The deployed stack's values the walk-through names. */
export interface CrossAccountWalkthroughProps {
  readonly region: string;
  /** A's bucket. */
  readonly bucket: string;
  /** B's private instance. */
  readonly instanceId: string;
  /** B's instance role. */
  readonly roleName: string;
  /**
   * B's S3 gateway endpoint. @default - another stack owns it (a shared existing VPC): the walk-through
   * finds it by `vpcId` and service name
   */
  readonly endpointId?: string;
  /** B's VPC. */
  readonly vpcId: string;
  readonly workloadAccountId: string;
  readonly dataAccountId: string;
  /** A's IAM user. */
  readonly userName: string;
  /** Id of A's access key. @default - the stack created none */
  readonly accessKeyId?: string;
  /** Command that prints the key's secret from the stack's outputs. @default - the stack created no key */
  readonly secretCommand?: string;
  /** A bucket B's endpoint lets through. @default - none is configured */
  readonly approvedBucket?: string;
  /** Whether A's bucket policy also grants B's instance role (crossAccount.grantWorkloadRole). */
  readonly roleGranted: boolean;
  /** Whether B's VPC has the DNS Firewall (network.dnsFirewall, see dnsFirewallOn). */
  readonly dnsFirewall: boolean;
}

/** The two walk-throughs, rendered: the article reproduced, and the defence. */
export interface CrossAccountWalkthrough {
  readonly article: string;
  readonly defence: string;
}

/** Renders the walk-through document's `ReproduceArticleSteps` and `DefenceSteps` blocks. */
export function crossAccountWalkthrough(props: CrossAccountWalkthroughProps): CrossAccountWalkthrough {
  const document = readFileSync(WALKTHROUGH_PATH, "utf8");
  const source = path.relative(path.join(WALKTHROUGH_PATH, "..", ".."), WALKTHROUGH_PATH);
  const keyId = props.accessKeyId ?? "<access key id>";
  const secret = props.secretCommand ? `<secret from: ${props.secretCommand}>` : "<secret access key>";
  const values = {
    ...props,
    // Named even when absent: a section on an unset value is how the document tells the two cases apart.
    accessKeyId: props.accessKeyId,
    approvedBucket: props.approvedBucket,
    endpointId: props.endpointId,
    // Any region but B's: its S3 is not behind B's gateway endpoint, so the try shows there is no way out.
    otherRegion: props.region === "us-east-1" ? "us-west-2" : "us-east-1",
    keyId,
    secret,
    // On the workstation the outputs can be read in place (from cdktf.out/stacks/cross-account-s3).
    workstationKeyId: props.accessKeyId ? `"$(terraform output -raw DataUserAccessKeyId)"` : keyId,
    workstationSecret: props.secretCommand ? `"$(${props.secretCommand})"` : secret,
  };
  const render = (name: string) => renderTemplate(fencedBlock(document, name, source), values, `${source} (${name})`);
  return { article: render("ReproduceArticleSteps"), defence: render("DefenceSteps") };
}
