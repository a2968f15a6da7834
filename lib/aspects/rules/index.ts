import type { Rule } from "../rule";
import { CLOUDTRAIL_ALARM_TOPIC_OWN_KEY } from "./cloudtrail-alarm-topic-own-key";
import { CLOUDTRAIL_BUCKET_NO_FORCE_DESTROY } from "./cloudtrail-bucket-no-force-destroy";
import { CLOUDTRAIL_EVIDENCE_RETAINED } from "./cloudtrail-evidence-retained";
import { CLOUDTRAIL_LOG_VALIDATION } from "./cloudtrail-log-validation";
import { CLOUDTRAIL_LOGS_ROLE_NO_SOURCE_CONDITION } from "./cloudtrail-logs-role-no-source-condition";
import { CLOUDTRAIL_MULTI_REGION } from "./cloudtrail-multi-region";
import { DESCRIPTION_CHARACTERS } from "./description-characters";
import { EC2_EBS_ENCRYPTED } from "./ec2-ebs-encrypted";
import { EC2_IMDSV2_REQUIRED } from "./ec2-imdsv2-required";
import { EC2_NO_OPEN_ADMIN_PORTS } from "./ec2-no-open-admin-ports";
import { EC2_NO_PUBLIC_IP } from "./ec2-no-public-ip";
import { EC2_SUBNET_NO_AUTO_PUBLIC_IP } from "./ec2-subnet-no-auto-public-ip";
import { EICE_PRESERVE_CLIENT_IP_SET } from "./eice-preserve-client-ip-set";
import { IAM_NO_ADMIN_STAR } from "./iam-no-admin-star";
import { IAM_NO_USER_POLICIES } from "./iam-no-user-policies";
import { KMS_KEY_ROTATION_ENABLED } from "./kms-key-rotation-enabled";
import { LOGS_GROUP_KMS_ENCRYPTED } from "./logs-group-kms-encrypted";
import { S3_DEFAULT_ENCRYPTION } from "./s3-default-encryption";
import { S3_PUBLIC_ACCESS_BLOCKED } from "./s3-public-access-blocked";
import { S3_TLS_ONLY } from "./s3-tls-only";
import { S3_VERSIONING_ENABLED } from "./s3-versioning-enabled";
import { SSM_SESSION_DOCUMENT_ENCRYPTED } from "./ssm-session-document-encrypted";
import { TAGS_VALID } from "./tags-valid";
import { VPC_ENDPOINT_POLICY_SET } from "./vpc-endpoint-policy-set";
import { VPC_FLOW_LOGS_ENABLED } from "./vpc-flow-logs-enabled";

/** The guardrail pack applied to every stack (README "Guardrails" lists them). */
export const GUARDRAIL_RULES: readonly Rule[] = [
  EC2_NO_PUBLIC_IP,
  EC2_SUBNET_NO_AUTO_PUBLIC_IP,
  EC2_IMDSV2_REQUIRED,
  EC2_EBS_ENCRYPTED,
  EC2_NO_OPEN_ADMIN_PORTS,
  EICE_PRESERVE_CLIENT_IP_SET,
  S3_PUBLIC_ACCESS_BLOCKED,
  S3_TLS_ONLY,
  S3_VERSIONING_ENABLED,
  S3_DEFAULT_ENCRYPTION,
  CLOUDTRAIL_MULTI_REGION,
  CLOUDTRAIL_LOG_VALIDATION,
  CLOUDTRAIL_LOGS_ROLE_NO_SOURCE_CONDITION,
  CLOUDTRAIL_EVIDENCE_RETAINED,
  CLOUDTRAIL_BUCKET_NO_FORCE_DESTROY,
  CLOUDTRAIL_ALARM_TOPIC_OWN_KEY,
  IAM_NO_USER_POLICIES,
  IAM_NO_ADMIN_STAR,
  VPC_FLOW_LOGS_ENABLED,
  VPC_ENDPOINT_POLICY_SET,
  SSM_SESSION_DOCUMENT_ENCRYPTED,
  LOGS_GROUP_KMS_ENCRYPTED,
  KMS_KEY_ROTATION_ENABLED,
  TAGS_VALID,
  DESCRIPTION_CHARACTERS,
];
