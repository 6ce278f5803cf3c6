// Preloaded with `node --import` in a server process under test: every ES module URL the process
// resolves whose path contains one of KEYPLANE_TEST_IMPORT_LOG_MATCH's "|"-separated parts is
// appended to the file KEYPLANE_TEST_IMPORT_LOG names (hooks run on their own thread, so a file).
import { register } from 'node:module';

register('./import-log-hooks.mjs', import.meta.url, {
  data: { file: process.env.KEYPLANE_TEST_IMPORT_LOG, match: (process.env.KEYPLANE_TEST_IMPORT_LOG_MATCH ?? '').split('|') },
});
