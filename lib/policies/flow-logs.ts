import { policy, serviceTrustPolicy, type PolicyDocument } from "./document";

/** Trust policy of the role VPC Flow Logs uses to publish to CloudWatch Logs. */
export function flowLogsTrustPolicy(): PolicyDocument {
  return serviceTrustPolicy("vpc-flow-logs.amazonaws.com");
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
