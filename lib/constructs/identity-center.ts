import { DataAwsIdentitystoreGroup } from "@cdktf/provider-aws/lib/data-aws-identitystore-group";
import { DataAwsSsoadminInstances } from "@cdktf/provider-aws/lib/data-aws-ssoadmin-instances";
import { Annotations, Fn, type TerraformProvider } from "cdktf";
import { Construct } from "constructs";
import { terraformLiteral } from "../policies/document";

/**
 * Placeholders for offline mode, which makes no AWS call: the Identity Center instance and the group
 * cannot be read. Shaped like the real identifiers (instance ARNs `arn:aws:sso:::instance/ssoins-<16>`,
 * identity store ids `d-<10>`, group ids UUIDs) so a plan of them is reviewable; never applied.
 */
export const OFFLINE_IDENTITY_CENTER = {
  instanceArn: "arn:aws:sso:::instance/ssoins-0000000000000000",
  identityStoreId: "d-0000000000",
  groupId: "00000000-0000-0000-0000-000000000000",
} as const;

export interface IdentityCenterGroupProps {
  /** Display name of the Identity Store group the permission sets are assigned to (`ssm.identityCenter.groupName`). */
  readonly groupName: string;
  /** Offline mode: no AWS call, so placeholders instead of the data sources (with a synth warning). */
  readonly offline: boolean;
  /**
   * The provider of the account that administers IAM Identity Center, in the Region Identity Center is
   * enabled in: the instance, the identity store and everything built on them exist in that Region
   * only. Every `aws_ssoadmin_*` and `aws_identitystore_*` of the stack uses it (`provider`).
   */
  readonly provider: TerraformProvider;
  /** That Region, named in the error when no instance is found. */
  readonly region: string;
}

/**
 * The IAM Identity Center instance of the organisation and one group of its identity store, read in
 * the account that administers Identity Center and the Region it is enabled in (`provider`):
 * `data.aws_ssoadmin_instances` and `data.aws_identitystore_group` by its DisplayName (alternate
 * identifier `unique_attribute`, Identity Store API GetGroupId).
 */
export class IdentityCenterGroup extends Construct {
  /** ARN of the Identity Center instance (`arn:aws:sso:::instance/ssoins-…`). */
  readonly instanceArn: string;
  /** Id of its identity store (`d-…`). */
  readonly identityStoreId: string;
  /** Id of the group in that store: the principal of the account assignments. */
  readonly groupId: string;
  /** The provider every Identity Center resource built on this instance must use. */
  readonly provider: TerraformProvider;

  constructor(scope: Construct, id: string, props: IdentityCenterGroupProps) {
    super(scope, id);
    this.provider = props.provider;
    if (props.offline) {
      Annotations.of(this).addWarning(
        `Offline mode: the Identity Center instance and group "${props.groupName}" are not read; placeholders ${OFFLINE_IDENTITY_CENTER.instanceArn}, ${OFFLINE_IDENTITY_CENTER.identityStoreId} and group ${OFFLINE_IDENTITY_CENTER.groupId} are used. An online plan reads them in the Identity Center account.`,
      );
      this.instanceArn = OFFLINE_IDENTITY_CENTER.instanceArn;
      this.identityStoreId = OFFLINE_IDENTITY_CENTER.identityStoreId;
      this.groupId = OFFLINE_IDENTITY_CENTER.groupId;
      return;
    }
    // An organisation has one Identity Center instance, readable from its management account or the
    // delegated administrator, in the Region it is enabled in. Read from any other account or Region
    // the list is empty: stop at plan with a sentence, not at the first resource with an index error.
    const instances = new DataAwsSsoadminInstances(this, "Instances", {
      provider: props.provider,
      lifecycle: {
        postcondition: [
          {
            condition: "${length(self.arns) == 1}",
            errorMessage: `No single IAM Identity Center instance is visible in ${props.region}: set ssm.identityCenter.region to the Region Identity Center is enabled in, and accounts.identityCenter to its delegated administrator if the management account does not administer it.`,
          },
        ],
      },
    });
    this.instanceArn = Fn.element(instances.arns, 0);
    this.identityStoreId = Fn.element(instances.identityStoreIds, 0);
    const group = new DataAwsIdentitystoreGroup(this, "Group", {
      provider: props.provider,
      identityStoreId: this.identityStoreId,
      alternateIdentifier: {
        uniqueAttribute: { attributePath: "DisplayName", attributeValue: terraformLiteral(props.groupName) },
      },
    });
    this.groupId = group.groupId;
  }
}
