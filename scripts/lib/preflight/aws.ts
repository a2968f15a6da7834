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

/** How a provider block of a synthesized stack reaches its account. */
export interface Route {
  /** The provider's `profile`, else the default credential chain. */
  readonly profile?: string;
  /** `assume_role[0]`: assumed with the profile's (or the ambient) credentials, as Terraform does. */
  readonly assumeRole?: { readonly roleArn: string; readonly sessionName?: string; readonly externalId?: string };
}

/** Session name when the provider gives none; CloudTrail shows it as the caller. */
const PREFLIGHT_SESSION_NAME = "ec2-access-guardrails-preflight";

/** The credentials of a route in words, for progress lines and errors. */
export function describeCredentials(route: Route): string {
  const base = route.profile
    ? `profile "${route.profile}"`
    : "the ambient credentials (environment, AWS_PROFILE, SSO cache or instance role)";
  return route.assumeRole ? `role ${route.assumeRole.roleArn}, assumed with ${base}` : base;
}

/** A stable key of a route's credentials: clients and reach results are cached by it. */
export function routeKey(route: Route): string {
  const role = route.assumeRole;
  return JSON.stringify([
    route.profile ?? null,
    role?.roleArn ?? null,
    role?.sessionName ?? null,
    role?.externalId ?? null,
  ]);
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
   * The credentials of a route, resolved once: the profile's (or the default chain's), then, with
   * `assume_role`, the role's, from STS AssumeRole sent with the first. Explicit rather than the SDK's
   * fromTemporaryCredentials, whose own STS client would bypass the registry.
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
    const baseProvider = route.profile ? fromIni({ profile: route.profile }) : fromNodeProviderChain();
    const baseRoute: Route = { profile: route.profile };
    let baseCredentials: Credentials;
    try {
      baseCredentials = await baseProvider();
    } catch (err) {
      const e = awsError(err);
      throw new Error(`no credentials from ${describeCredentials(baseRoute)}: ${e.name}: ${e.message}`, { cause: err });
    }
    const role = route.assumeRole;
    if (!role) return baseCredentials;
    let out: sts.AssumeRoleCommandOutput;
    try {
      out = await this.send<sts.AssumeRoleCommandOutput>(
        new sts.AssumeRoleCommand({
          RoleArn: role.roleArn,
          RoleSessionName: role.sessionName ?? PREFLIGHT_SESSION_NAME,
          ExternalId: role.externalId,
        }),
        routeKey(baseRoute),
        async () => baseCredentials,
        stsRegion,
      );
    } catch (err) {
      const e = awsError(err);
      throw new Error(`AssumeRole of ${role.roleArn} failed: ${e.name}: ${e.message}`, { cause: err });
    }
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole of ${role.roleArn} returned no credentials`);
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
