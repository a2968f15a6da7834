import { blocks, port, strings, type JsonObject } from "../../tfjson";
import type { Rule } from "../rule";

const ADMIN_PORTS = [22, 3389];
const ANYWHERE = ["0.0.0.0/0", "::/0"];

interface Ingress {
  readonly protocol: unknown;
  readonly from: unknown;
  readonly to: unknown;
  readonly cidrs: string[];
}

/** Whether the rule's protocol and port range include `target` (all protocols include every port). */
function reaches(ingress: Ingress, target: number): boolean {
  const protocol = String(ingress.protocol ?? "-1").toLowerCase();
  if (protocol === "-1" || protocol === "all") return true;
  if (protocol !== "tcp" && protocol !== "6") return false;
  const from = port(ingress.from);
  const to = port(ingress.to);
  // Unset or non-literal ports on a TCP rule: assume the worst, the reviewer can suppress with a reason.
  if (from === undefined || to === undefined) return true;
  return (from === -1 && to === -1) || (from <= target && target <= to);
}

function ingressRules(type: string, c: JsonObject): Ingress[] {
  switch (type) {
    case "aws_security_group":
    case "aws_default_security_group":
      return blocks(c.ingress).map((i) => ({
        protocol: i.protocol,
        from: i.from_port,
        to: i.to_port,
        cidrs: [...strings(i.cidr_blocks), ...strings(i.ipv6_cidr_blocks)],
      }));
    case "aws_security_group_rule":
      if (c.type !== "ingress") return [];
      return [
        {
          protocol: c.protocol,
          from: c.from_port,
          to: c.to_port,
          cidrs: [...strings(c.cidr_blocks), ...strings(c.ipv6_cidr_blocks)],
        },
      ];
    default: // aws_vpc_security_group_ingress_rule
      return [
        {
          protocol: c.ip_protocol,
          from: c.from_port,
          to: c.to_port,
          cidrs: [...strings(c.cidr_ipv4), ...strings(c.cidr_ipv6)],
        },
      ];
  }
}

/** SSH and RDP open to the internet are the first thing scanners try; this project needs neither. */
export const EC2_NO_OPEN_ADMIN_PORTS: Rule = {
  id: "EC2_NO_OPEN_ADMIN_PORTS",
  mirrors: ["CKV_AWS_24", "CKV_AWS_25", "EC2.13", "EC2.14"],
  reason: "Security-group ingress from 0.0.0.0/0 or ::/0 to port 22 or 3389 exposes SSH/RDP to the whole internet.",
  fix: "Allow 22/3389 only from a security group (the Instance Connect Endpoint's) or a known CIDR; reach instances through EICE or Session Manager.",
  appliesTo: [
    "aws_security_group",
    "aws_default_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
  ],
  check(resource) {
    const open = ingressRules(resource.type, resource.config).some(
      (rule) => rule.cidrs.some((cidr) => ANYWHERE.includes(cidr)) && ADMIN_PORTS.some((p) => reaches(rule, p)),
    );
    return open ? "non-compliant" : "compliant";
  },
};
