import { isObject, isTrue, type JsonObject } from "../../tfjson";
import type { Rule } from "../rule";

const text = (value: unknown) => (typeof value === "string" ? value.trim() : "");

/** The document's content as JSON, or undefined when it is not JSON (YAML, or not an object). */
function jsonContent(content: unknown): JsonObject | undefined {
  if (typeof content !== "string") return undefined;
  try {
    const parsed: unknown = JSON.parse(content);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A Session document of type Standard_Stream is the session preferences (`SSM-SessionManagerRunShell`
 * or one users name with --document-name). Without `kmsKeyId` the session's data travels with TLS only;
 * without a log destination nothing records what was typed; a destination whose `*EncryptionEnabled`
 * is false lets the agent write transcripts to an unencrypted bucket or group. Content the pack cannot
 * read (YAML) is judged non-compliant: what a review cannot see is not known to be encrypted.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-schema.html
 */
export const SSM_SESSION_DOCUMENT_ENCRYPTED: Rule = {
  id: "SSM_SESSION_DOCUMENT_ENCRYPTED",
  mirrors: ["CKV_AWS_112", "CKV_AWS_113"],
  reason:
    "A Session document without kmsKeyId, without a log destination, or with a destination whose encryption is off lets sessions run unencrypted or unrecorded.",
  fix: "Use JSON content with inputs.kmsKeyId set, cloudWatchLogGroupName and/or s3BucketName set, and cloudWatchEncryptionEnabled / s3EncryptionEnabled true for each destination used.",
  appliesTo: ["aws_ssm_document"],
  check(document) {
    if (document.config.document_type !== "Session") return "not-applicable";
    const content = jsonContent(document.config.content);
    if (content === undefined) return "non-compliant";
    if (content.sessionType !== undefined && content.sessionType !== "Standard_Stream") return "not-applicable";
    const inputs = isObject(content.inputs) ? content.inputs : {};
    if (text(inputs.kmsKeyId) === "") return "non-compliant";
    const destinations = [
      { used: text(inputs.cloudWatchLogGroupName) !== "", encrypted: isTrue(inputs.cloudWatchEncryptionEnabled) },
      { used: text(inputs.s3BucketName) !== "", encrypted: isTrue(inputs.s3EncryptionEnabled) },
    ].filter((d) => d.used);
    if (destinations.length === 0) return "non-compliant";
    return destinations.every((d) => d.encrypted) ? "compliant" : "non-compliant";
  },
};
