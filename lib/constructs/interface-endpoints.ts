import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { toPolicyJson } from "../policies/document";
import { interfaceEndpointPolicy, type InterfaceEndpointService } from "../policies/interface-endpoint";

export type { InterfaceEndpointService };

/** AWS services an instance may need an interface endpoint for, with the construct id of each endpoint. */
const ENDPOINT_IDS: Readonly<Record<InterfaceEndpointService, string>> = {
  ssm: "SsmEndpoint",
  ssmmessages: "SsmMessagesEndpoint",
  ec2messages: "Ec2MessagesEndpoint",
  logs: "LogsEndpoint",
  kms: "KmsEndpoint",
};

/**
 * What the SSM agent needs to register the instance and carry Session Manager sessions without NAT.
 * Sessions that log to CloudWatch Logs or encrypt with KMS also need `logs` / `kms`: workloadNetwork adds
 * them when the session-preferences stack manages the preferences.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html
 */
export const SESSION_MANAGER_ENDPOINT_SERVICES: readonly InterfaceEndpointService[] = [
  "ssm",
  "ssmmessages",
  "ec2messages",
];

export interface InterfaceEndpointsProps {
  readonly vpcId: string;
  /** The VPC's IPv4 range: the only source admitted to the endpoints (TCP 443). */
  readonly vpcCidr: string;
  /**
   * Subnets the endpoints' network interfaces go in. AWS takes at most one subnet per Availability
   * Zone for an interface endpoint (https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html).
   */
  readonly subnetIds: readonly string[];
  /** Region of the services (`com.amazonaws.<region>.<service>`). */
  readonly region: string;
  /**
   * The account whose instances use the endpoints: each endpoint's policy lets only its principals, and
   * its resources where the service names any, through (see interfaceEndpointPolicy).
   */
  readonly accountId: string;
  /** The services to reach, each through its own endpoint. */
  readonly services: readonly InterfaceEndpointService[];
}

/**
 * Interface endpoints with private DNS: the services' usual names resolve to addresses inside the VPC,
 * so the SSM agent reaches them with no NAT, internet gateway or proxy.
 *
 * Private DNS needs the VPC's `enableDnsSupport` and `enableDnsHostnames` (CreateVpcEndpoint,
 * PrivateDnsEnabled), and a VPC holds only one endpoint with private DNS per service: whoever creates
 * these owns them for the whole VPC (see workloadNetwork).
 *
 * Each endpoint carries a policy (`policy`, aws_vpc_endpoint; AWS attaches a full-access one when none is
 * given): without it, credentials of any account brought onto an instance reach that account's log
 * groups, parameters and keys through the endpoint, a way out that no security group sees.
 */
export class InterfaceEndpoints extends Construct {
  readonly securityGroup: SecurityGroup;
  readonly endpoints: Partial<Record<InterfaceEndpointService, VpcEndpoint>> = {};

  constructor(scope: Construct, id: string, props: InterfaceEndpointsProps) {
    super(scope, id);
    this.securityGroup = new SecurityGroup(this, "SecurityGroup", {
      namePrefix: "vpc-endpoints-",
      description: "Interface endpoints: HTTPS from inside the VPC only",
      vpcId: props.vpcId,
      tags: { Name: "vpc-endpoints" },
      lifecycle: { createBeforeDestroy: true },
    });
    // No egress rule: the endpoints only answer connections made to them, and security groups are
    // stateful, so the answers pass without one (Terraform removes AWS's default allow-all egress).
    new VpcSecurityGroupIngressRule(this, "HttpsFromVpc", {
      securityGroupId: this.securityGroup.id,
      description: "HTTPS from the VPC range only",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      cidrIpv4: props.vpcCidr,
    });
    for (const service of props.services) {
      this.endpoints[service] = new VpcEndpoint(this, ENDPOINT_IDS[service], {
        vpcId: props.vpcId,
        serviceName: `com.amazonaws.${props.region}.${service}`,
        vpcEndpointType: "Interface",
        subnetIds: [...props.subnetIds],
        securityGroupIds: [this.securityGroup.id],
        privateDnsEnabled: true,
        policy: toPolicyJson(interfaceEndpointPolicy({ service, region: props.region, ownAccountId: props.accountId })),
        tags: { Name: service },
      });
    }
  }
}
