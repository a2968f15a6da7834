// Shared jest setup: matchers from cdktf.
import { setupJest } from "cdktf/lib/testing/adapters/jest";
setupJest();
