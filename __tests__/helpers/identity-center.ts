/**
 * The Identity Center configurations several test files read: the same settings give the same whole
 * synthesis, made once per run and shared through the run's folder (see `synthCached`).
 */
import type { Settings } from "../../lib/config";
import { testConfig } from "./synth";

type Overrides = Parameters<typeof testConfig>[0];

/** The delegated administrator account of `DELEGATED_IDENTITY_CENTER`. */
export const DELEGATED_ACCOUNT = "555555555555";
/** Where `DELEGATED_IDENTITY_CENTER`'s Identity Center is enabled: not the configuration's `region`. */
export const IDENTITY_CENTER_REGION = "us-east-1";
export const IDENTITY_CENTER_GROUP = "Platform Engineers";

/** Identity Center principals with the defaults: the management account administers Identity Center, in `region`. */
export const IDENTITY_CENTER = {
  ssm: { principals: "identity-center", identityCenter: { groupName: IDENTITY_CENTER_GROUP } },
} as const as unknown as Overrides;

/**
 * A delegated administrator in another Region, the article's read-only access, the attributes managed
 * here, and a group name Terraform would read as a template.
 */
export const DELEGATED_IDENTITY_CENTER = {
  accounts: { identityCenter: { id: DELEGATED_ACCOUNT } },
  ssm: {
    principals: "identity-center",
    userAccess: "read-only",
    identityCenter: {
      groupName: "Ops ${team} %{x}",
      projectAttribute: "name.familyName",
      permissionSetPrefix: "team-a-",
      manageAccessControlAttributes: true,
      region: IDENTITY_CENTER_REGION,
    },
  },
} as const satisfies Overrides;

/** The settings of each, online: pass them to `synthCached` whole, so every file shares one synthesis. */
export const identityCenterSettings = (): Partial<Settings> => ({ config: testConfig(IDENTITY_CENTER) });
export const delegatedIdentityCenterSettings = (): Partial<Settings> => ({
  config: testConfig(DELEGATED_IDENTITY_CENTER),
});
