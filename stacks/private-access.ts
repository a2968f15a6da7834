import { Ec2InstanceConnectEndpoint } from "@cdktf/provider-aws/lib/ec2-instance-connect-endpoint";
import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { TerraformOutput } from "cdktf";
import type { Construct } from "constructs";
import type { PrivateInstance } from "../lib/constructs/private-instance";
import type { NetworkPlacement } from "../lib/constructs/network-placement";
import { toPolicyJson } from "../lib/policies/document";
import { eicOperatorPolicy, eiceOperatorPolicy } from "../lib/policies/eice";
import { GuardrailsStack } from "../lib/stack/guardrails-stack";
import {
  warnExistingSessionPreferences,
  workloadInstance,
  workloadNetwork,
  type WorkloadStackProps,
} from "../lib/stack/workload";

/**
 * Stack `private-access` (workload account): a private instance reachable through an EC2 Instance
 * Connect Endpoint with no public IP, bastion or key pair, and the operator policies that fence it.
 */
export class PrivateAccessStack extends GuardrailsStack {
  readonly network: NetworkPlacement;
  readonly target: PrivateInstance;
  readonly endpoint: Ec2InstanceConnectEndpoint;

  constructor(scope: Construct, id: string, props: WorkloadStackProps) {
    super(scope, id, props, "workload");
    const { config } = this;
    const { region } = config;

    this.network = workloadNetwork(this, "Network", {
      name: "private-access",
      cidr: config.network.vpcCidr,
      natGateways: config.network.natGateways,
      allowedBuckets: config.privateAccess.allowedBuckets,
      // In a shared existing VPC this stack owns the endpoints, and cross-account-s3's instance sits
      // behind the same S3 endpoint: its approved buckets must pass too.
      sharedVpc: { role: "owner", allowedBuckets: config.crossAccount.approvedBuckets },
    });
    const { allowedBuckets, instanceS3Access } = config.privateAccess;
    this.target = workloadInstance(this, "Target", this.network, {
      name: "eice-target",
      securityGroupDescription: "Target instance: SSH only from the EC2 Instance Connect Endpoint",
      s3Access: instanceS3Access === "article" ? { kind: "article" } : { kind: instanceS3Access, allowedBuckets },
      // With a NAT (the default, as in the article) HTTPS goes anywhere: the internet, and S3 of every
      // region or hostname through the NAT, which the S3 endpoint policy never sees (the scoped role
      // and orgPerimeter still apply there). `network.natGateways: "none"` closes that route: HTTPS only
      // to the S3 gateway endpoint and the interface endpoints (both capped by their policies), and DNS
      // only to the names network.dnsFirewall allows (docs/organisation.md, "What is proven, and what remains").
      egress: config.network.existing === undefined && config.network.natGateways === "none" ? "closed" : "open",
      // Session transcripts and the session key: what the managed preferences need from the agent.
      sessionLogging: props.sessionLogging,
    });
    warnExistingSessionPreferences(this);

    const endpointSecurityGroup = new SecurityGroup(this, "EndpointSecurityGroup", {
      namePrefix: "eice-",
      description: "EC2 Instance Connect Endpoint: egress only to the target instance",
      vpcId: this.network.vpcId,
      tags: { Name: "eice" },
      lifecycle: { createBeforeDestroy: true },
    });
    // Rule ids carry the port, not a list index: removing one port must not readdress the others.
    for (const port of config.eice.ports) {
      // The endpoint's inbound rules do not matter (clients reach it through the AWS API); what it may
      // reach is decided by its egress, so egress goes to the instance security group only.
      new VpcSecurityGroupEgressRule(this, `EndpointEgressPort${port}`, {
        securityGroupId: endpointSecurityGroup.id,
        description: `TCP ${port} to the target instance only`,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        referencedSecurityGroupId: this.target.securityGroup.id,
      });
      new VpcSecurityGroupIngressRule(this, `TargetIngressPort${port}`, {
        securityGroupId: this.target.securityGroup.id,
        description: `TCP ${port} from the EC2 Instance Connect Endpoint only`,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        referencedSecurityGroupId: endpointSecurityGroup.id,
      });
    }

    this.endpoint = new Ec2InstanceConnectEndpoint(this, "InstanceConnectEndpoint", {
      // EICE needs no endpoint, NAT or internet path of its own: it is reached through the AWS API.
      subnetId: this.network.privateSubnetIds[0],
      securityGroupIds: [endpointSecurityGroup.id],
      // Set explicitly: AWS documents disagree about the default. With client IP preservation the
      // instance sees the operator's address instead of the endpoint's, and the instance rule above,
      // which trusts the endpoint's security group, would no longer match.
      preserveClientIp: config.eice.preserveClientIp,
      tags: { Name: "private-access" },
    });

    const eicePolicy = new IamPolicy(this, "EiceOperatorPolicy", {
      name: "ec2-access-guardrails-eice-operator",
      description: "Open EC2 Instance Connect Endpoint tunnels to the private instances only",
      policy: toPolicyJson(
        eiceOperatorPolicy({
          endpointArn: this.endpoint.arn,
          ports: config.eice.ports,
          privateCidrs: this.network.privateSubnetCidrs,
          maxTunnelDurationSeconds: config.eice.maxTunnelDurationSeconds,
        }),
      ),
    });
    const eicPolicy = new IamPolicy(this, "EicOperatorPolicy", {
      name: "ec2-access-guardrails-eic-operator",
      description: "Push a one-time SSH key to the target instance as an allowed OS user",
      policy: toPolicyJson(
        eicOperatorPolicy({ instanceArns: [this.target.instance.arn], osUsers: config.eice.osUsers }),
      ),
    });

    const instanceId = this.target.instance.id;
    const osUser = config.eice.osUsers[0];
    new TerraformOutput(this, "InstanceId", { value: instanceId, description: "The private target instance" });
    new TerraformOutput(this, "InstanceConnectEndpointId", { value: this.endpoint.id });
    new TerraformOutput(this, "EiceOperatorPolicyArn", { value: eicePolicy.arn });
    new TerraformOutput(this, "EicOperatorPolicyArn", { value: eicPolicy.arn });
    new TerraformOutput(this, "SshCommand", {
      description: "One command: pushes a one-time key and connects through the endpoint",
      value: `aws ec2-instance-connect ssh --region ${region} --instance-id ${instanceId} --os-user ${osUser} --connection-type eice`,
    });
    new TerraformOutput(this, "OpenTunnelCommand", {
      description:
        "Tunnel form: keep it open, then ssh -p 2222 <user>@localhost with a key pushed by send-ssh-public-key",
      value: `aws ec2-instance-connect open-tunnel --region ${region} --instance-id ${instanceId} --remote-port 22 --local-port 2222 --max-tunnel-duration ${config.eice.maxTunnelDurationSeconds}`,
    });
  }
}
