import { DataAwsEc2InstanceTypeOfferings } from "@cdktf/provider-aws/lib/data-aws-ec2-instance-type-offerings";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { Annotations } from "cdktf";
import { Construct } from "constructs";
import { supportsEbsOptimization } from "../config/instance-types";
import { toPolicyJson, type PolicyDocument } from "../policies/document";
import { ec2TrustPolicy, SSM_MANAGED_INSTANCE_CORE } from "../policies/instance-role";
import type { InstanceZones } from "./network-placement";

export interface PrivateInstanceProps {
  readonly vpcId: string;
  /** A private subnet: the instance never gets a public address. */
  readonly subnetId: string;
  /**
   * AMI id. Without a key pair the image must carry the EC2 Instance Connect package and the SSM agent;
   * Amazon Linux 2023 carries both.
   */
  readonly ami: string;
  /**
   * Instance type. `ebs_optimized` is set for the types that accept it and left unset for those that
   * refuse it (t2, t1 and some previous-generation sizes).
   * @default "t3.micro"
   */
  readonly instanceType?: string;
  /** Value of the `Project` tag, which Session Manager's tag and ABAC patterns match on. */
  readonly project: string;
  /** Name tag of the instance, its role and security group. */
  readonly name: string;
  /**
   * What the instance's security group is for, shown in the console; its ingress rules are added by the
   * stack that places the instance.
   * @default "Private instance: no inbound rules unless a stack adds them"
   */
  readonly securityGroupDescription?: string;
  /** Inline S3 policy of the instance role. */
  readonly s3Policy: PolicyDocument;
  /**
   * Where the instance may open HTTPS connections. `open`: anywhere on 443 (the article; with a NAT
   * that is the internet, and S3 of any region or hostname, which no endpoint policy sees). `closed`:
   * only the S3 gateway endpoint's prefix list and the interface endpoints (by security group, or by the
   * VPC range when this stack does not own them), so the S3 endpoint policy is the only way to S3.
   * @default { kind: "open" }
   */
  readonly egress?: InstanceEgress;
  /**
   * Inline policy for logging and encrypting Session Manager sessions (instanceSessionLoggingPolicy):
   * only when this project manages the session preferences.
   * @default - none
   */
  readonly sessionLoggingPolicy?: PolicyDocument;
  /**
   * The zones the instance may be placed in (NetworkPlacement.instanceZones). The plan reads, for each
   * zone ID, whether it offers `instanceType`, and stops naming the zone where it does not: otherwise
   * RunInstances fails (Unsupported) only after the network and everything else are built.
   * @default - not checked
   */
  readonly zones?: InstanceZones;
}

/** See PrivateInstanceProps.egress. */
export type InstanceEgress =
  | { readonly kind: "open" }
  | {
      readonly kind: "closed";
      /** Prefix list of the S3 gateway endpoint (`com.amazonaws.<region>.s3`). */
      readonly s3PrefixListId: string;
      /** The interface endpoints: their security group, or the range they are in. */
      readonly interfaceEndpoints: { readonly securityGroupId: string } | { readonly cidr: string };
    };

/**
 * An EC2 instance reachable only through private paths: no public IP, no key pair, IMDSv2 only, an
 * encrypted root volume, and a role with Session Manager core permissions.
 */
export class PrivateInstance extends Construct {
  readonly instance: Instance;
  readonly securityGroup: SecurityGroup;
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: PrivateInstanceProps) {
    super(scope, id);
    const instanceType = props.instanceType ?? "t3.micro";
    checkTypeOffered(this, instanceType, props.zones);

    // No inline rules: Terraform removes AWS's default allow-all egress, and each rule below is explicit.
    this.securityGroup = new SecurityGroup(this, "SecurityGroup", {
      namePrefix: `${props.name}-instance-`,
      description: props.securityGroupDescription ?? "Private instance: no inbound rules unless a stack adds them",
      vpcId: props.vpcId,
      tags: { Name: `${props.name}-instance` },
      lifecycle: { createBeforeDestroy: true },
    });
    // The SSM agent, package repositories and S3 (through the gateway endpoint) are all HTTPS.
    const egress = props.egress ?? { kind: "open" };
    const https = { securityGroupId: this.securityGroup.id, ipProtocol: "tcp", fromPort: 443, toPort: 443 };
    if (egress.kind === "open") {
      new VpcSecurityGroupEgressRule(this, "HttpsEgress", {
        ...https,
        description: "HTTPS to SSM, package repositories and S3",
        cidrIpv4: "0.0.0.0/0",
      });
    } else {
      // A gateway endpoint is a route to S3's prefix list: a rule on that list admits exactly the
      // traffic the endpoint (and its policy) carries, and nothing bound for S3 of another region.
      // https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html (security groups)
      new VpcSecurityGroupEgressRule(this, "HttpsEgressS3Endpoint", {
        ...https,
        description: "HTTPS to S3 through the gateway endpoint only",
        prefixListId: egress.s3PrefixListId,
      });
      const endpoints = egress.interfaceEndpoints;
      new VpcSecurityGroupEgressRule(this, "HttpsEgressInterfaceEndpoints", {
        ...https,
        description: "HTTPS to the Session Manager interface endpoints",
        ...("securityGroupId" in endpoints
          ? { referencedSecurityGroupId: endpoints.securityGroupId }
          : { cidrIpv4: endpoints.cidr }),
      });
    }

    this.role = new IamRole(this, "Role", {
      namePrefix: `${props.name}-`,
      description: "Instance role: Session Manager core and the demo's S3 access",
      assumeRolePolicy: toPolicyJson(ec2TrustPolicy()),
    });
    new IamRolePolicyAttachment(this, "SsmCore", { role: this.role.name, policyArn: SSM_MANAGED_INSTANCE_CORE });
    new IamRolePolicy(this, "S3Access", {
      name: "s3-access",
      role: this.role.id,
      policy: toPolicyJson(props.s3Policy),
    });
    if (props.sessionLoggingPolicy) {
      new IamRolePolicy(this, "SessionLogging", {
        name: "session-logging",
        role: this.role.id,
        policy: toPolicyJson(props.sessionLoggingPolicy),
      });
    }
    const profile = new IamInstanceProfile(this, "InstanceProfile", {
      namePrefix: `${props.name}-`,
      role: this.role.name,
    });

    this.instance = new Instance(this, "Instance", {
      ami: props.ami,
      instanceType,
      subnetId: props.subnetId,
      vpcSecurityGroupIds: [this.securityGroup.id],
      iamInstanceProfile: profile.name,
      associatePublicIpAddress: false,
      // No key_name: access is EC2 Instance Connect (one-time keys) or Session Manager.
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
      rootBlockDevice: { encrypted: true, volumeType: "gp3", deleteOnTermination: true },
      monitoring: true,
      // RunInstances refuses `true` for types without EBS optimization; current types are optimized by
      // default and accept it. https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ebs-optimized.html
      ebsOptimized: supportsEbsOptimization(instanceType) ? true : undefined,
      tags: { Name: props.name, Project: props.project },
      // A new AMI release must not replace a running demo instance on every plan.
      lifecycle: { ignoreChanges: ["ami"] },
    });
  }
}

/**
 * One `aws_ec2_instance_type_offerings` per zone ID (`TypeOfferedInZone<n>` in `scope`), filtered to
 * the type and the zone with `location_type = "availability-zone-id"`: DescribeInstanceTypeOfferings
 * returns the offering only where the type is offered, so an empty `instance_types` means the zone
 * lacks it, and the postcondition stops the plan with the zone's ID (one error per zone lacking it).
 * By zone ID, not name: names map to different physical zones in each account.
 * https://registry.terraform.io/providers/hashicorp/aws/5.100.0/docs/data-sources/ec2_instance_type_offerings
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceTypeOfferings.html
 * Offline nothing is read, and a warning says the check did not run.
 */
function checkTypeOffered(scope: Construct, instanceType: string, zones: InstanceZones | undefined): void {
  if (zones === undefined) return;
  if (zones.kind === "offline") {
    Annotations.of(scope).addWarning(
      `Offline mode: whether instance.type ${instanceType} is offered in the instance's Availability Zones is not read from AWS. An online plan checks it.`,
    );
    return;
  }
  zones.zoneIds.forEach(
    (zoneId, i) =>
      new DataAwsEc2InstanceTypeOfferings(scope, `TypeOfferedInZone${i + 1}`, {
        locationType: "availability-zone-id",
        filter: [
          { name: "instance-type", values: [instanceType] },
          { name: "location", values: [zoneId] },
        ],
        lifecycle: {
          postcondition: [
            {
              condition: "${length(self.instance_types) > 0}",
              errorMessage: `instance.type ${instanceType} is not offered in Availability Zone ${zoneId}: ${zones.fix}.`,
            },
          ],
        },
      }),
  );
}
