import { bool, doc, intFrom, pattern, section, tcpPort, unique } from "./fields";

/** `eice`: the EC2 Instance Connect Endpoint and what its operators may do through it. */

const OS_USER = /^[a-z_][a-z0-9_-]{0,31}$/;

export const eiceSchema = section({
  preserveClientIp: doc(bool().default(false), {
    description: "EICE client IP preservation, always set explicitly (see the private-access notes)",
  }),
  ports: doc(unique(tcpPort, "TCP ports").min(1, { error: "list at least one TCP port" }).default([22]), {
    description: "ports operators may tunnel to; each gets a matching pair of security-group rules",
  }),
  maxTunnelDurationSeconds: doc(
    intFrom(1, 3600, "use a whole number of seconds from 1 to 3600 (the EICE tunnel limit)").default(3600),
    { description: "longest tunnel the operator policy allows, in seconds (1–3600)" },
  ),
  osUsers: doc(
    unique(pattern(OS_USER, "use a Linux user name such as ec2-user or ubuntu"), "OS user names")
      .min(1, { error: "list at least one OS user" })
      .default(["ec2-user"]),
    { description: "OS users `SendSSHPublicKey` may push a key for (`ec2:osuser`)" },
  ),
});
