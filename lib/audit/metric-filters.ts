/**
 * The CloudTrail events the audit stack counts and alarms on, as data: one place for the filter
 * patterns, read by the stack (metric filters + alarms), the README and the tests that match each
 * pattern against sample CloudTrail records.
 *
 * Patterns use the CloudWatch Logs JSON syntax: `$.field = "value"`, `&&`, `||`, parentheses, and `*`
 * wildcards inside string values. The two CIS AWS Foundations patterns are kept character for character
 * (bare words, their spacing), so a benchmark check that compares pattern text recognises them.
 */

import { DEFAULT_SESSION_DOCUMENT } from "../policies/ssm";

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
const CLOUDTRAIL_SOURCE = '$.eventSource = "cloudtrail.amazonaws.com"';

/** The SSM calls that write a document: what changes Session Manager's preferences when the document is a session one. */
const DOCUMENT_WRITES = ["CreateDocument", "UpdateDocument", "DeleteDocument", "UpdateDocumentDefaultVersion"];
/**
 * Which document a write touched, as far as the CloudTrail record says. Every one of the four calls
 * carries the document's `Name` (`requestParameters.name`; a name, or the document's ARN where the API
 * accepts one). The type is in the record only where the API carries it: CreateDocument's request
 * (`documentType`, absent when the caller relies on the default `Command`) and the `documentDescription`
 * that CreateDocument and UpdateDocument return. DeleteDocument and UpdateDocumentDefaultVersion name the
 * document only, so for a custom session document (any name but SSM-SessionManagerRunShell) only its
 * creation and updates are caught, not its deletion or a default-version switch.
 */
const SESSION_DOCUMENT_TOUCHED = [
  `($.requestParameters.name = "${DEFAULT_SESSION_DOCUMENT}")`,
  `($.requestParameters.name = "arn:*:document/${DEFAULT_SESSION_DOCUMENT}")`,
  '($.requestParameters.documentType = "Session")',
  '($.responseElements.documentDescription.documentType = "Session")',
].join(" || ");

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
    // The third Instance Connect door: a one-time key for the instance's serial console, which needs no
    // network path, security group or endpoint at all (EC2 User Guide, connect-to-serial-console).
    id: "SerialConsoleSshPublicKey",
    description: "A one-time SSH key was pushed (or a push attempted) for the EC2 serial console",
    pattern: `{ (${EIC_SOURCE}) && ($.eventName = "SendSerialConsoleSSHPublicKey") }`,
  },
  {
    // Account-wide and off by default: switching it on opens the serial console door for every instance
    // of the region whose users may push a serial console key. Disabling is not an alarm.
    id: "SerialConsoleAccessEnabled",
    description: "EC2 serial console access was enabled for the account and region (or that was attempted)",
    pattern: `{ (${EC2_SOURCE}) && ($.eventName = "EnableSerialConsoleAccess") }`,
  },
  {
    // The preferences document decides whether sessions are encrypted and logged, and for how long they
    // may idle or last: rewriting or deleting it turns session logging off for everyone at once. A
    // deploy of the session-preferences stack trips it too, which is a change worth a look.
    id: "SessionPreferencesChange",
    description:
      "Session Manager preferences (SSM-SessionManagerRunShell, or a document of type Session) were created, updated, deleted or re-defaulted (or that was attempted)",
    pattern:
      `{ (${SSM_SOURCE}) && (${DOCUMENT_WRITES.map((name) => `($.eventName = "${name}")`).join(" || ")}) && ` +
      `(${SESSION_DOCUMENT_TOUCHED}) }`,
  },
  {
    // EC2 reports a denial as `Client.UnauthorizedOperation`, the other services as `AccessDenied` or
    // `AccessDeniedException` (the same two wildcards as the CIS "unauthorized API calls" filter).
    // On ec2 only the endpoint calls and the serial console switch count (with the Instance Connect
    // service, every action an SCP variant denies), and on ssm only the session calls: both services
    // are too busy to alarm on every denial.
    id: "DeniedAccessAttempt",
    description: "An EC2 Instance Connect, endpoint, serial console or Session Manager call was denied",
    pattern:
      `{ ((${EIC_SOURCE}) || ((${EC2_SOURCE}) && (($.eventName = "*InstanceConnectEndpoint*") || ($.eventName = "EnableSerialConsoleAccess"))) || ` +
      `((${SSM_SOURCE}) && (($.eventName = "StartSession") || ($.eventName = "ResumeSession") || ($.eventName = "TerminateSession")))) && ` +
      `(($.errorCode = "AccessDenied*") || ($.errorCode = "*UnauthorizedOperation")) }`,
  },
  {
    // CIS AWS Foundations Benchmark "Ensure CloudTrail configuration changes are monitored" (3.5 in
    // v1.x, 4.5 in v2-v3; Security Hub CloudWatch.5), its pattern verbatim: a trail stopped, deleted or
    // redirected is the first thing an intruder silences.
    id: "TrailConfigurationChange",
    description:
      "A CloudTrail trail was created, updated, deleted, started or stopped (CIS CloudTrail configuration changes)",
    pattern:
      "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || " +
      "($.eventName = StartLogging) || ($.eventName = StopLogging) }",
  },
  {
    // Not in the CIS pattern: event selectors decide which events a trail records, so excluding
    // management events silences the trail while it keeps logging. Its own filter, so the CIS one
    // above stays verbatim.
    id: "TrailEventSelectorChange",
    description: "A trail's event selectors were changed: what the trail records may have been narrowed",
    pattern: `{ (${CLOUDTRAIL_SOURCE}) && ($.eventName = "PutEventSelectors") }`,
  },
  {
    // CIS AWS Foundations Benchmark "Ensure disabling or scheduled deletion of customer created CMKs is
    // monitored" (3.7 in v1.x, 4.7 in v2-v3; Security Hub CloudWatch.7), its pattern verbatim. A disabled
    // or deleted audit key makes every log file and log event it encrypted unreadable.
    id: "KeyDisabledOrScheduledForDeletion",
    description: "A KMS key was disabled or scheduled for deletion (CIS customer managed key changes)",
    pattern: "{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }",
  },
];
