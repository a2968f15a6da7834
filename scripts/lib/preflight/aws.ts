/**
 * The AWS side of preflight: credentials per provider, cached SDK clients per (credentials, Region),
 * and `Access.call`, the one way a command is sent, which refuses any command not in the registry
 * (commands.ts). Only the preflight script and its tests load this module: the SDK never reaches
 * main.ts, the stacks or lib/.
 */
import * as sts from "@aws-sdk/client-sts";
import * as iam from "@aws-sdk/client-iam";
import * as ssm from "@aws-sdk/client-ssm";
import * as kms from "@aws-sdk/client-kms";
import * as logs from "@aws-sdk/client-cloudwatch-logs";
import * as s3 from "@aws-sdk/client-s3";
import * as organizations from "@aws-sdk/client-organizations";
import * as ssoAdmin from "@aws-sdk/client-sso-admin";
import * as ec2 from "@aws-sdk/client-ec2";
import * as serviceQuotas from "@aws-sdk/client-service-quotas";
import { fromIni, fromNodeProviderChain } from "@aws-sdk/credential-providers";
import { CLIENT_PACKAGES, PREFLIGHT_COMMANDS, type ClientKey, type RegisteredCommand } from "./commands";

const PACKAGES: Record<ClientKey, Record<string, unknown>> = {
  sts,
  iam,
  ssm,
  kms,
  logs,
  s3,
  organizations,
  ssoAdmin,
  ec2,
  serviceQuotas,
};

/** What every SDK v3 client is, as far as preflight uses one. */
interface SdkClient {
  send(command: object): Promise<unknown>;
  destroy(): void;
}
type ClientClass = new (config: object) => SdkClient;

/** The registry resolved to the SDK's classes: a name that no package exports fails at load. */
const REGISTERED = new Map<unknown, RegisteredCommand & { readonly clientClass: ClientClass }>(
  PREFLIGHT_COMMANDS.map((entry) => {
    const pkg = PACKAGES[entry.client];
    const command = pkg[entry.command];
    const clientClass = pkg[CLIENT_PACKAGES[entry.client].client] as ClientClass | undefined;
    if (typeof command !== "function" || typeof clientClass !== "function") {
      throw new Error(`${CLIENT_PACKAGES[entry.client].package} exports no ${entry.command} or client class`);
    }
    return [command, { ...entry, clientClass }];
  }),
);

/** The registry entry of a command instance, or undefined when preflight may not send it. */
export function registration(command: object): RegisteredCommand | undefined {
  return REGISTERED.get(command.constructor);
}

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** One `assume_role` block of a provider. */
export interface AssumedRole {
  readonly roleArn: string;
  readonly sessionName?: string;
  readonly externalId?: string;
}

/**
 * How a provider block of a synthesized stack reaches its account: the credentials it starts from,
 * then its `assume_role` blocks in order, each assumed with the credentials of the step before, as
 * hashicorp/aws does from 5.67.0 on (role chaining; see `wayIn` in lib/constructs/account-provider.ts).
 */
export interface Route {
  /** The provider's `profile`, else the default credential chain (the ambient credentials). */
  readonly profile?: string;
  /** The roles assumed one after the other; empty: the starting credentials are used as they are. */
  readonly roles: readonly AssumedRole[];
}

/** Session name when the provider gives none; CloudTrail shows it as the caller. */
const PREFLIGHT_SESSION_NAME = "ec2-access-guardrails-preflight";

/** Words for the ambient credentials: where the default credential chain finds them. */
export const AMBIENT_CREDENTIALS = "the ambient credentials (environment, AWS_PROFILE, SSO cache or instance role)";

/**
 * The credentials of a route in words, for progress lines and errors: the last role first, each
 * "assumed with" the step before, down to the starting credentials.
 */
export function describeCredentials(route: Route): string {
  const base = route.profile ? `profile "${route.profile}"` : AMBIENT_CREDENTIALS;
  return route.roles.reduce((words, role) => `role ${role.roleArn}, assumed with ${words}`, base);
}

/** The route of the first `steps` roles of `route`: the credentials its next role is assumed with. */
export const routePrefix = (route: Route, steps: number): Route => ({
  profile: route.profile,
  roles: route.roles.slice(0, steps),
});

/** A stable key of a route's credentials, the whole chain: clients and reach results are cached by it. */
export function routeKey(route: Route): string {
  return JSON.stringify([
    route.profile ?? null,
    ...route.roles.map((r) => [r.roleArn, r.sessionName ?? null, r.externalId ?? null]),
  ]);
}

/**
 * Why a route's credentials could not be had: at its start (`step` -1: no credentials from the
 * profile or the default chain) or at the AssumeRole of `route.roles[step]`. The step is the same in
 * every longer chain that starts with this one, so a failure shared through the cache is told right.
 */
export class RouteError extends Error {
  constructor(
    readonly step: number,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(detail, options);
  }
}

/**
 * What failed on `route`, in words: the starting credentials, or which role of the chain (its place,
 * and the credentials it was assumed with) and AWS's answer.
 */
export function routeFailure(route: Route, err: unknown): string {
  if (!(err instanceof RouteError)) return err instanceof Error ? err.message : String(err);
  if (err.step < 0) return err.detail;
  const role = route.roles[err.step];
  const place =
    route.roles.length > 1
      ? ` (role ${err.step + 1} of ${route.roles.length} of the chain, assumed with ${describeCredentials(routePrefix(route, err.step))})`
      : "";
  return `AssumeRole of ${role.roleArn}${place} failed: ${err.detail}`;
}

/** An error as AWS reported it: the SDK's exception name and HTTP status. */
export function awsError(err: unknown): { name: string; status?: number; message: string } {
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  return { name: e?.name ?? "Error", status: e?.$metadata?.httpStatusCode, message: e?.message ?? String(err) };
}

/** Options every client gets: bounded retries and timeouts, so an unreachable endpoint fails instead of hanging. */
const CLIENT_OPTIONS = {
  maxAttempts: 3,
  requestHandler: { connectionTimeout: 5_000, requestTimeout: 20_000 },
};

/**
 * SDK clients, one per (credentials, Region, service), shared by every check that uses the same
 * provider settings. Only `call` sends, and only registered commands.
 */
export class Clients {
  private readonly clients = new Map<string, SdkClient>();
  private readonly credentials = new Map<string, Promise<Credentials>>();

  /** The client of `clientClass` for these credentials and Region. */
  private client(
    clientClass: ClientClass,
    credentialsKey: string,
    credentials: () => Promise<Credentials>,
    region: string,
  ) {
    const key = `${clientClass.name}|${credentialsKey}|${region}`;
    let client = this.clients.get(key);
    if (!client) {
      client = new clientClass({ ...CLIENT_OPTIONS, region, credentials });
      this.clients.set(key, client);
    }
    return client;
  }

  /** Sends `command` if the registry lists it; any other command is refused before it is signed. */
  async send<O>(
    command: object,
    credentialsKey: string,
    credentials: () => Promise<Credentials>,
    region: string,
  ): Promise<O> {
    const entry = REGISTERED.get(command.constructor);
    if (!entry) {
      throw new Error(`preflight refuses to send ${command.constructor.name}: it is not in the read-only registry`);
    }
    return (await this.client(entry.clientClass, credentialsKey, credentials, region).send(command)) as O;
  }

  /**
   * The credentials of a route, resolved once per whole route: the profile's (or the default
   * chain's), then each role's, from STS AssumeRole sent with the credentials of the step before.
   * Every prefix of a chain is a route of its own here, so a role that starts several chains (the
   * management account's `roleArn`) is assumed once. Explicit rather than the SDK's
   * fromTemporaryCredentials, whose own STS client would bypass the registry. Rejects with a
   * RouteError (see routeFailure).
   */
  resolve(route: Route, stsRegion: string): Promise<Credentials> {
    const key = routeKey(route);
    let pending = this.credentials.get(key);
    if (!pending) {
      pending = this.assume(route, stsRegion);
      this.credentials.set(key, pending);
    }
    return pending;
  }

  private async assume(route: Route, stsRegion: string): Promise<Credentials> {
    const step = route.roles.length - 1;
    if (step < 0) {
      const provider = route.profile ? fromIni({ profile: route.profile }) : fromNodeProviderChain();
      try {
        return await provider();
      } catch (err) {
        const e = awsError(err);
        throw new RouteError(-1, `no credentials from ${describeCredentials(route)}: ${e.name}: ${e.message}`, {
          cause: err,
        });
      }
    }
    const previous = routePrefix(route, step);
    const previousCredentials = await this.resolve(previous, stsRegion);
    const role = route.roles[step];
    let out: sts.AssumeRoleCommandOutput;
    try {
      // Sent by the STS client of the previous step's credentials: the role's trust policy sees that caller.
      out = await this.send<sts.AssumeRoleCommandOutput>(
        new sts.AssumeRoleCommand({
          RoleArn: role.roleArn,
          RoleSessionName: role.sessionName ?? PREFLIGHT_SESSION_NAME,
          ExternalId: role.externalId,
        }),
        routeKey(previous),
        async () => previousCredentials,
        stsRegion,
      );
    } catch (err) {
      const e = awsError(err);
      throw new RouteError(step, `${e.name}: ${e.message}`, { cause: err });
    }
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new RouteError(step, "AssumeRole returned no credentials");
    return {
      accessKeyId: c.AccessKeyId,
      secretAccessKey: c.SecretAccessKey,
      sessionToken: c.SessionToken,
      expiration: c.Expiration,
    };
  }

  private readonly accesses = new Map<string, Access>();

  /** The Access of a route in a Region, shared by every provider with the same settings. */
  access(route: Route, region: string): Access {
    const key = `${routeKey(route)}|${region}`;
    let access = this.accesses.get(key);
    if (!access) {
      access = new Access(this, route, region);
      this.accesses.set(key, access);
    }
    return access;
  }

  /** Closes every client's sockets, so the process can exit. */
  destroy(): void {
    for (const client of this.clients.values()) client.destroy();
    this.clients.clear();
  }
}

/** One provider's way into AWS: its credentials in one Region. */
export class Access {
  private readonly memo = new Map<string, Promise<unknown>>();

  constructor(
    private readonly clients: Clients,
    readonly route: Route,
    readonly region: string,
  ) {}

  /** Sends a registered command with this route's credentials in this Region. */
  call<O>(command: object): Promise<O> {
    return this.clients.send<O>(
      command,
      routeKey(this.route),
      () => this.clients.resolve(this.route, this.region),
      this.region,
    );
  }

  /** `fn` once per key for this Access: list calls shared by every resource that needs them. */
  once<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let pending = this.memo.get(key) as Promise<T> | undefined;
    if (!pending) {
      pending = fn();
      this.memo.set(key, pending);
    }
    return pending;
  }
}

export { ec2, iam, kms, logs, organizations, s3, serviceQuotas, ssm, ssoAdmin, sts };
