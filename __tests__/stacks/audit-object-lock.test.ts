import { evaluateStack } from "../../lib/aspects/guardrails";
import { parsePolicy, statement, synthCached } from "../helpers";
import { evidenceConfig } from "../helpers/evidence";
import { stackUnderTest, viewOf } from "../helpers/stack-test";

/*
 * audit.objectLock on the trail bucket, read from the synthesis the access proofs use
 * (scenarios/audit.object-lock.json proves CloudTrail's write still allowed there).
 */
const evidence = () => synthCached({ config: evidenceConfig() });
const audit = () => viewOf(evidence().stacks.audit);

describe("audit with Object Lock (audit.objectLock)", () => {
  test("sets the trail bucket's default retention after versioning, in place: the bucket never carries object_lock_enabled, which would replace it", () => {
    const stack = audit();
    const lock = stack.only("aws_s3_bucket_object_lock_configuration");
    expect(lock).toMatchObject({
      bucket: stack.ref("aws_s3_bucket", "TrailBucket", "id"),
      rule: { default_retention: { mode: "COMPLIANCE", days: 365 } },
      lifecycle: { prevent_destroy: true },
    });
    expect(lock.depends_on).toEqual([
      `aws_s3_bucket_versioning.${Object.keys(stack.all("aws_s3_bucket_versioning"))[0]}`,
    ]);
    expect(stack.only("aws_s3_bucket")).not.toHaveProperty("object_lock_enabled");
    expect(stackUnderTest("audit").all("aws_s3_bucket_object_lock_configuration")).toEqual({});
  });

  test("CloudTrail still delivers: its grants ask nothing Object Lock adds (no retention header, no object-lock condition)", () => {
    const doc = parsePolicy(audit().only("aws_s3_bucket_policy").policy);
    for (const sid of ["CloudTrailAclCheck", "CloudTrailWrite"]) {
      expect(JSON.stringify(statement(doc, sid).Condition)).not.toMatch(/object-lock|Retention/i);
    }
    // Default retention applies to every new version without the writer's s3:PutObjectRetention,
    // which CloudTrail is never granted: the write grant stays PutObject alone.
    expect(statement(doc, "CloudTrailWrite").Action).toBe("s3:PutObject");
  });

  test("passes the guardrail pack with both evidence buckets locked", () => {
    const { stacks } = evidence();
    expect(evaluateStack("audit", stacks.audit)).toEqual([]);
    expect(evaluateStack("session-preferences", stacks["session-preferences"])).toEqual([]);
  });
});
