import path from 'node:path';
import type { ResolvedConfig } from '../config/load.ts';
import type { EnvironmentKind } from '../config/schema.ts';
import { logger } from '../log/logger.ts';
import { ComposeEnvironment } from './compose/compose-environment.ts';
import { dockerAvailable } from './docker.ts';
import { ExternalEnvironment } from './external/external-environment.ts';
import { NativeEnvironment } from './native/native-environment.ts';
import { TestcontainersEnvironment } from './testcontainers/testcontainers-environment.ts';
import type { Environment } from './types.ts';

const log = logger('env');

/** `auto` picks testcontainers when a Docker engine answers, else native. */
export async function resolveEnvironmentKind(kind: EnvironmentKind): Promise<Exclude<EnvironmentKind, 'auto'>> {
  if (kind !== 'auto') return kind;
  const docker = await dockerAvailable(3_000);
  log('auto: Docker engine %s', docker ? 'answers: testcontainers' : 'does not answer: native');
  return docker ? 'testcontainers' : 'native';
}

export function createEnvironment(kind: Exclude<EnvironmentKind, 'auto'>, config: ResolvedConfig): Environment {
  switch (kind) {
    case 'native':
      return new NativeEnvironment(config.environment).withLogDir(path.join(config.reportsDir, 'services'));
    case 'testcontainers':
      return new TestcontainersEnvironment(config.environment);
    case 'compose':
      return new ComposeEnvironment(config.environment);
    case 'external':
      return new ExternalEnvironment(config.environment.external);
  }
}
