import { policy, type PolicyDocument } from "./document";

export interface FlowLogsTrustProps {
  /** The account the flow logs belong to: only its flow logs may have VPC Flow Logs assume the role. */
  readonly accountId: string;
  /** Their region. */
  readonly region: string;
}

/**
 * Trust policy of the role VPC Flow Logs uses to publish to CloudWatch Logs, pinned to this account's
 * flow logs: without the conditions, the service would assume the role for a flow log of any account
 * that names its ARN (the confused deputy). AWS documents both keys for this role: `aws:SourceAccount`
 * and `aws:SourceArn` = `arn:aws:ec2:<region>:<account>:vpc-flow-log/*`
 * (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html, "Trust relationship").
 */
export function flowLogsTrustPolicy(props: FlowLogsTrustProps): PolicyDocument {
  return policy({
    Sid: "VpcFlowLogsOfThisAccountOnly",
    Effect: "Allow",
    Principal: { Service: "vpc-flow-logs.amazonaws.com" },
    Action: "sts:AssumeRole",
    Condition: {
      StringEquals: { "aws:SourceAccount": props.accountId },
      ArnLike: { "aws:SourceArn": `arn:aws:ec2:${props.region}:${props.accountId}:vpc-flow-log/*` },
    },
  });
}

/**
 * What that role may do: create streams in, write to and list the streams of one log group
 * (`<log group ARN>:*`, its streams). DescribeLogStreams is in AWS's documented policy for flow logs:
 * the service checks for an existing stream before creating one.
 */
export function flowLogsDeliveryPolicy(logGroupArn: string): PolicyDocument {
  return policy({
    Sid: "WriteFlowLogRecords",
    Effect: "Allow",
    Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
    Resource: `${logGroupArn}:*`,
  });
}
