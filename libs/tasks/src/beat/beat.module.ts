import { Module } from '@nestjs/common';
import { BeatRunner } from './beat-runner.service';
import { BeatService } from './beat.service';

@Module({
  providers: [BeatService, BeatRunner],
  exports: [BeatService, BeatRunner],
})
export class BeatModule {}
