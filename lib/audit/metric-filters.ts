/**
 * The CloudTrail events the audit stack counts and alarms on, as data: one place for the filter
 * patterns, read by the stack (metric filters + alarms), the README and the tests that match each
 * pattern against sample CloudTrail records.
 *
 * Patterns use the CloudWatch Logs JSON syntax: `$.field = "value"`, `&&`, `||`, parentheses, and `*`
 * wildcards inside string values.
 */

export interface AuditEvent {
  /** PascalCase construct id and metric name; stable, it is part of the Terraform address. */
  readonly id: string;
  /** What an alarm on it means, for the alarm description. */
  readonly description: string;
  /** CloudWatch Logs filter pattern over the CloudTrail record. */
  readonly pattern: string;
}

/** Namespace of the custom metrics the filters publish. */
export const AUDIT_METRIC_NAMESPACE = "Ec2AccessGuardrails";

const EIC_SOURCE = '$.eventSource = "ec2-instance-connect.amazonaws.com"';
const SSM_SOURCE = '$.eventSource = "ssm.amazonaws.com"';
const EC2_SOURCE = '$.eventSource = "ec2.amazonaws.com"';

export const AUDIT_EVENTS: readonly AuditEvent[] = [
  {
    id: "OpenTunnel",
    description: "An EC2 Instance Connect Endpoint tunnel was opened or attempted",
    pattern: `{ (${EIC_SOURCE}) && ($.eventName = "OpenTunnel") }`,
  },
  {
    id: "SendSshPublicKey",
    description: "A one-time SSH key was pushed (or a push attempted) with EC2 Instance Connect",
    pattern: `{ (${EIC_SOURCE}) && ($.eventName = "SendSSHPublicKey") }`,
  },
  {
    id: "StartSession",
    description: "A Session Manager session was started or attempted",
    pattern: `{ (${SSM_SOURCE}) && ($.eventName = "StartSession") }`,
  },
  {
    // Modify is included with Create/Delete: it swaps the endpoint's security groups (see lib/policies/scp.ts).
    id: "InstanceConnectEndpointChange",
    description: "An EC2 Instance Connect Endpoint was created, deleted or modified (or that was attempted)",
    pattern:
      `{ (${EC2_SOURCE}) && (($.eventName = "CreateInstanceConnectEndpoint") || ` +
      `($.eventName = "DeleteInstanceConnectEndpoint") || ($.eventName = "ModifyInstanceConnectEndpoint")) }`,
  },
  {
    // EC2 reports a denial as `Client.UnauthorizedOperation`, the other services as `AccessDenied` or
    // `AccessDeniedException` (the same two wildcards as the CIS "unauthorized API calls" filter).
    // On ec2 only the endpoint calls count, and on ssm only the session calls: both services are
    // too busy to alarm on every denial.
    id: "DeniedAccessAttempt",
    description: "An EC2 Instance Connect, endpoint or Session Manager call was denied",
    pattern:
      `{ ((${EIC_SOURCE}) || ((${EC2_SOURCE}) && ($.eventName = "*InstanceConnectEndpoint*")) || ` +
      `((${SSM_SOURCE}) && (($.eventName = "StartSession") || ($.eventName = "ResumeSession") || ($.eventName = "TerminateSession")))) && ` +
      `(($.errorCode = "AccessDenied*") || ($.errorCode = "*UnauthorizedOperation")) }`,
  },
];
