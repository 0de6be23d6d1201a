import type { Request } from 'express';
import type { Principal } from '@brain/auth';

export type { Principal };

export type ApiRequest = Request & { principal?: Principal };
