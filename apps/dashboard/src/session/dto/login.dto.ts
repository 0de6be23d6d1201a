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
  csrf_token: string;
  expires_at: string;
}

/** The page's probe when nobody is logged in: an answer, not an error (see SessionController). */
export interface NoSession {
  authenticated: false;
}
