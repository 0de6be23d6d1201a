import type { Action } from '@brain/auth';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class LoginDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(512)
  api_key!: string;
}

/** Who is logged in, and the token their page sends with every action. */
export interface SessionView {
  authenticated: true;
  name: string;
  role: string;
  /** Each action and whether this key may do it: the server's decision, for the page to follow. */
  may: Record<Action, boolean>;
  csrf_token: string;
  expires_at: string;
}

/** The page's probe when nobody is logged in: an answer, not an error (see SessionController). */
export interface NoSession {
  authenticated: false;
}
