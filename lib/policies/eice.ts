import { policy, type PolicyDocument } from "./document";

export interface EiceOperatorPolicyProps {
  /** ARN of the one endpoint operators may tunnel through. */
  readonly endpointArn: string;
  /** Remote ports a tunnel may reach (SSH is 22). */
  readonly ports: readonly number[];
  /** CIDRs the target's private address must fall in: the private subnets. */
  readonly privateCidrs: readonly string[];
  /** Longest tunnel, in seconds; EICE itself stops a tunnel after 3600. */
  readonly maxTunnelDurationSeconds: number;
}

/**
 * Who may open an EICE tunnel, to which port, which address and for how long.
 * The address key is `ec2-instance-connect:privateIpAddress` (not "privateIpv4Address"): an unknown key
 * would make the condition never match and silently deny everything.
 */
export function eiceOperatorPolicy(props: EiceOperatorPolicyProps): PolicyDocument {
  return policy(
    {
      Sid: "OpenTunnelToPrivateInstances",
      Effect: "Allow",
      Action: "ec2-instance-connect:OpenTunnel",
      Resource: props.endpointArn,
      Condition: {
        NumericEquals: { "ec2-instance-connect:remotePort": props.ports.map(String) },
        IpAddress: { "ec2-instance-connect:privateIpAddress": [...props.privateCidrs] },
        NumericLessThanEquals: { "ec2-instance-connect:maxTunnelDuration": String(props.maxTunnelDurationSeconds) },
      },
    },
    {
      // The CLI's `ec2-instance-connect ssh --connection-type eice` looks both up before it opens the
      // tunnel, and the console lists endpoints; neither action supports resource-level permissions.
      Sid: "DescribeInstancesAndEndpoints",
      Effect: "Allow",
      Action: ["ec2:DescribeInstances", "ec2:DescribeInstanceConnectEndpoints"],
      Resource: "*",
    },
  );
}

export interface EicOperatorPolicyProps {
  /** Instances operators may push a one-time SSH key to. */
  readonly instanceArns: readonly string[];
  /** OS users the key may be pushed for (`ec2:osuser`). */
  readonly osUsers: readonly string[];
}

/** EC2 Instance Connect: push a key (valid 60 s) for a named OS user to named instances only. */
export function eicOperatorPolicy(props: EicOperatorPolicyProps): PolicyDocument {
  return policy({
    Sid: "SendSshPublicKeyAsAllowedOsUser",
    Effect: "Allow",
    Action: "ec2-instance-connect:SendSSHPublicKey",
    Resource: [...props.instanceArns],
    Condition: { StringEquals: { "ec2:osuser": [...props.osUsers] } },
  });
}
