import { type DynamicModule, Module } from '@nestjs/common';
import { AppConfigService } from '@brain/config';
import { OutboundClient, type OutboundOptions } from './outbound-client';

/** Options given instead of AppConfigService's OUTBOUND_ALLOW (OutboundOptionsModule). */
export const OUTBOUND_OPTIONS = Symbol('OUTBOUND_OPTIONS');

/**
 * The OutboundClient, allowing what OUTBOUND_ALLOW says (AppConfigService), or what an
 * OutboundOptionsModule gives. Static: every module importing it shares one client.
 */
@Module({
  providers: [
    {
      provide: OutboundClient,
      useFactory: (options?: OutboundOptions, config?: AppConfigService) =>
        new OutboundClient({ allow: config?.outboundAllow, ...options }),
      inject: [
        { token: OUTBOUND_OPTIONS, optional: true },
        { token: AppConfigService, optional: true },
      ],
    },
  ],
  exports: [OutboundClient],
})
export class OutboundModule {}

/** Gives every OutboundModule of an application these options; for tests and embedding. */
@Module({})
export class OutboundOptionsModule {
  static forRoot(options: OutboundOptions): DynamicModule {
    return {
      module: OutboundOptionsModule,
      global: true,
      providers: [{ provide: OUTBOUND_OPTIONS, useValue: options }],
      exports: [OUTBOUND_OPTIONS],
    };
  }
}
