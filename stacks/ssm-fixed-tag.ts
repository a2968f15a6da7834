import type { Construct } from "constructs";
import { describable } from "../lib/policies/document";
import { fixedTagSessionPolicy, PROJECT_TAG } from "../lib/policies/ssm";
import {
  SessionManagerStack,
  taggedTargetsOutputs,
  type SessionManagerStackProps,
} from "../lib/stack/session-manager-stack";

/**
 * Stack `ssm-fixed-tag` (workload account): Session Manager restricted to instances tagged
 * `Project=<project>` (`ssm:resourceTag/Project`). Use it when targets come and go: tagging an instance
 * grants access, no policy change. Independent of private-access, whose instance carries the tag.
 *
 * Its user is `ssm.userName` + `_fixed-tag` (see SSM_USER_SUFFIXES), so it deploys beside the other `ssm-*` stacks.
 */
export class SsmFixedTagStack extends SessionManagerStack {
  constructor(scope: Construct, id: string, props: SessionManagerStackProps) {
    super(scope, id, props, (context) => ({
      pattern: "ssm-fixed-tag",
      groupName: "ec2-access-guardrails-ssm-fixed-tag",
      // Permission set descriptions take Latin-1 only; a project in another script is named by its tag.
      description: `Session Manager on instances tagged ${PROJECT_TAG}=${describable(context.project, "<project>")} only; end and resume only one's own sessions`,
      sessionPolicy: fixedTagSessionPolicy(context),
      targetsOutputs: taggedTargetsOutputs(
        context.region,
        context.project,
        "Instances the restricted user may start a session on",
      ),
    }));
  }
}
