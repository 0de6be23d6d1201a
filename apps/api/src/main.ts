import 'reflect-metadata';
import { loadAppConfig } from '@brain/config';
import { loadIncludes } from '../../worker/src/task-includes';
import { runApi } from './run-api';

/** Container entry point: the API on PORT, with BRAIN_INCLUDE's extra task modules. */
async function main(): Promise<number> {
  const config = loadAppConfig(process.env);
  return runApi(config.port, loadIncludes(process.env.BRAIN_INCLUDE));
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`api: ${err.message}`);
    process.exit(1);
  },
);
