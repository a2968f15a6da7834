export { ConfigError, fieldPath, formatIssues } from "./errors";
export {
  CONFIG_ENV,
  DEFAULT_CONFIG_PATH,
  OFFLINE_ENV,
  loadSettings,
  loadSettingsOrExit,
  parseConfig,
  readConfigFile,
} from "./load";
export type { Settings } from "./load";
export * from "./schema";
export { isPlaceholderAccount, PLACEHOLDER_ACCOUNT_IDS } from "./placeholders";
