import { z } from "zod";
import { isObject } from "../tfjson/json";
import { accountsSchema, credentialIssues, credentialsSchema, distinctAccountIssues } from "./accounts";
import { auditAlarmIssues, auditDestroyIssues, auditSchema, objectLockIssues } from "./audit";
import { crossAccountIssues, crossAccountSchema } from "./cross-account";
import { eiceSchema } from "./eice";
import { doc, pattern, regionId, TAG_VALUE } from "./fields";
import { instanceSchema } from "./instance";
import { networkSchema, zoneRegionIssues } from "./network";
import { privateAccessSchema } from "./private-access";
import { orgPerimeterSchema, scpIssues, scpSchema } from "./scp";
import { principalIssues, ssmSchema } from "./ssm";
import { stateRegionIssues, stateSchema } from "./state";

/**
 * The configuration contract, assembled from one file per section (./network.ts, ./ssm.ts, …) whose
 * fields are built from ./fields.ts. Every leaf carries the sentence that tells a person what is allowed
 * (`formatIssues` in ./errors.ts puts the field path and the received value in front of it) and, in
 * `.meta()`, the description the configuration table of docs/configuration.md is generated from (scripts/docs.ts).
 * Each default is written once, on its field: sections default to `{}` parsed through the section
 * (`prefault`), so a section left out gets exactly the field defaults a section written `{}` gets.
 * Objects are strict: an unknown key is a typo until proven otherwise.
 */

export { CREDENTIAL_SOURCES, type CredentialSource } from "./accounts";
export { INSTANCE_S3_ACCESS, type InstanceS3Access } from "./private-access";
export {
  LOG_RETENTION_DAYS,
  OBJECT_LOCK_MODES,
  type FieldDoc,
  type ObjectLockMode,
  type ObjectLockSettings,
  type OwnedBucket,
} from "./fields";
export {
  dnsFirewallOn,
  interfaceEndpointsOn,
  NAT_GATEWAY_MODES,
  networkInputIssues,
  type NatGatewayMode,
} from "./network";
export { SCP_VARIANTS, type ScpVariant } from "./scp";
export {
  DEFAULT_PERMISSION_SET_PREFIX,
  DEFAULT_PROJECT_ATTRIBUTE,
  managesSessionPreferences,
  PERMISSION_SET_SUFFIXES,
  sessionInputIssues,
  SSM_OWN_SESSION_RULES,
  SSM_PRINCIPALS,
  SSM_SESSION_PREFERENCES,
  SSM_USER_ACCESS,
  SSM_USER_SUFFIXES,
  type SsmOwnSessionRule,
  type SsmPrincipals,
  type SsmSessionPreferences,
  type SsmUserAccess,
} from "./ssm";
export {
  DEFAULT_CLOUD_HOSTNAME,
  DEFAULT_STATE_KEY_PREFIX,
  STACK_ID_MAX_LENGTH,
  STATE_BACKENDS,
  type StateBackend,
} from "./state";

/**
 * Cross-field checks run even when unrelated fields are invalid (zod skips them by default), so one pass
 * reports every problem; they need only the fields they read to have the right shape.
 */
function crossFieldInputsReadable(value: unknown): boolean {
  if (!isObject(value) || !isObject(value.accounts) || !isObject(value.scp) || !isObject(value.crossAccount))
    return false;
  const { accounts } = value;
  return ["workload", "management", "data"].every((k) => isObject(accounts[k]));
}

export const configSchema = z
  .strictObject(
    {
      region: doc(regionId(), {
        description: "AWS commercial region of every stack",
      }),
      project: doc(
        pattern(TAG_VALUE, "use a tag value of 1-256 letters, digits, spaces or _ . : / = + - @").default("test"),
        { description: "value of the `Project` tag; Session Manager's tag and ABAC patterns match on it" },
      ),
      credentials: credentialsSchema,
      accounts: accountsSchema,
      network: networkSchema.prefault({}),
      instance: instanceSchema.prefault({}),
      eice: eiceSchema.prefault({}),
      privateAccess: privateAccessSchema.prefault({}),
      scp: scpSchema.prefault({}),
      orgPerimeter: orgPerimeterSchema.prefault({}),
      ssm: ssmSchema.prefault({}),
      crossAccount: crossAccountSchema.prefault({}),
      audit: auditSchema.prefault({}),
      state: doc(stateSchema.prefault({ backend: "local" }), {
        description: "where every stack keeps its state",
      }),
    },
    { error: "use a JSON object" },
  )
  // Each section's checks of fields in other sections, in this order (the order problems are listed in).
  .superRefine(
    (config, ctx) => {
      distinctAccountIssues(config.accounts, ctx);
      scpIssues(config, ctx);
      crossAccountIssues(config.crossAccount, ctx);
    },
    { when: ({ value }) => crossFieldInputsReadable(value) },
  )
  .superRefine((config, ctx) => principalIssues(config, ctx), {
    when: ({ value }) => isObject(value) && isObject(value.ssm),
  })
  .superRefine((config, ctx) => zoneRegionIssues(config, ctx), {
    when: ({ value }) => isObject(value) && isObject(value.network),
  })
  .superRefine((config, ctx) => stateRegionIssues(config, ctx), {
    when: ({ value }) => isObject(value) && isObject(value.state),
  })
  .superRefine((config, ctx) => credentialIssues(config, ctx), {
    when: ({ value }) => isObject(value) && isObject(value.accounts) && isObject(value.accounts.data),
  })
  .superRefine((config, ctx) => auditDestroyIssues(config, ctx), {
    when: ({ value }) => isObject(value) && isObject(value.audit),
  })
  .superRefine((config, ctx) => auditAlarmIssues(config, ctx), {
    when: ({ value }) => isObject(value) && isObject(value.audit) && isObject(value.accounts),
  })
  .superRefine((config, ctx) => objectLockIssues(config, ctx), {
    when: ({ value }) => isObject(value) && isObject(value.audit) && isObject(value.ssm),
  });

/** The validated configuration, every default filled in. */
export type Config = z.output<typeof configSchema>;
export type AccountConfig = Config["accounts"]["workload"];

/** The account that administers IAM Identity Center: `accounts.identityCenter`, else the management account. */
export function identityCenterAccount(config: Config): AccountConfig {
  return config.accounts.identityCenter ?? config.accounts.management;
}

/** The Region IAM Identity Center is enabled in: `ssm.identityCenter.region`, else `region`. */
export function identityCenterRegion(config: Config): string {
  return config.ssm.identityCenter?.region ?? config.region;
}
