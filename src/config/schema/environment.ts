import { z } from 'zod';
import { urlWith } from './common.ts';

export const environment = z
  .strictObject({
    /** @default 'auto' (testcontainers when a Docker engine answers, else native) */
    default: z.enum(['auto', 'native', 'testcontainers', 'compose', 'external']).default('auto'),
    postgres: z
      .strictObject({
        image: z.string().default('postgres:16-alpine'),
        database: z.string().regex(/^[a-z_][a-z0-9_]*$/).default('app'),
        user: z.string().default('postgres'),
        password: z.string().default('postgres'),
        /** Directory with initdb and postgres; found on PATH or under /usr/lib/postgresql when unset. */
        binDir: z.string().optional(),
        /**
         * How each run (and each test file's database) starts clean. 'template': migrate once into
         * <database>_template and clone it (milliseconds). 'migrate': create every database empty and
         * run target.migrate against it (for migration tools that cannot run against a template).
         * @default 'template'
         */
        reset: z.enum(['template', 'migrate']).default('template'),
      })
      .prefault({}),
    redis: z
      .strictObject({
        image: z.string().default('redis:7-alpine'),
        /** @default 'redis-server' */
        binary: z.string().default('redis-server'),
      })
      .prefault({}),
    compose: z
      .strictObject({
        file: z.string().default('docker-compose.test.yml'),
        postgresService: z.string().default('postgres'),
        redisService: z.string().default('redis'),
        /** The service that runs the target; when unset the target is started as a process. */
        targetService: z.string().optional(),
        targetPort: z.number().int().positive().default(3000),
      })
      .prefault({}),
    external: z
      .strictObject({
        databaseUrl: urlWith(['postgres', 'postgresql'], 'postgres://user:password@127.0.0.1:5432/app').optional(),
        redisUrl: urlWith(['redis', 'rediss'], 'redis://127.0.0.1:6379').optional(),
        /** A target that is already running; when unset the target is started as a process. */
        targetUrl: urlWith(['http', 'https'], 'http://127.0.0.1:3000').optional(),
        /** Destructive steps (reset, truncate, seed, load) refuse to run unless this is true. @default false */
        disposable: z.boolean().default(false),
        /** Non-loopback hosts the load and security stages may send to. @default [] */
        loadAllowlist: z.array(z.string()).default([]),
      })
      .prefault({}),
  })
  .prefault({});
