export { ConfigError, fieldPath, formatIssues } from "./errors";
export {
  CONFIG_ENV,
  DEFAULT_CONFIG_PATH,
  DEFAULT_SYNTH_OUTPUT,
  OFFLINE_ENV,
  loadSettings,
  loadSettingsOrExit,
  parseConfig,
  readConfigFile,
  refusalText,
  synthOutputDir,
} from "./load";
export type { Settings } from "./load";
export * from "./schema";
export { isPlaceholderAccount, PLACEHOLDER_ACCOUNT_IDS } from "./placeholders";
