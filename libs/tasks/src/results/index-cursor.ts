/**
 * A place in the time index (newest first), after which a listing continues: entries scored at
 * or below `score`, past the first `skip` of those scored exactly `score` (tasks sent in the same
 * millisecond). Unlike an offset, it stays right while new tasks arrive, and costs nothing to seek.
 */
export interface IndexPosition {
  /** Milliseconds (when sent); Infinity before the newest entry. */
  score: number;
  skip: number;
}

/** A cursor as listings answer it (`next_cursor`): `<score>-<skip>`. */
export const INDEX_CURSOR = /^(\d{1,16})-(\d{1,9})$/;

export function parseIndexCursor(text: string): IndexPosition | undefined {
  const m = INDEX_CURSOR.exec(text);
  return m ? { score: Number(m[1]), skip: Number(m[2]) } : undefined;
}

export function formatIndexCursor(position: IndexPosition): string {
  return `${position.score}-${position.skip}`;
}

/** The position just past an entry scored `score`, read from `position`. */
export function positionAfter(position: IndexPosition, score: number): IndexPosition {
  return score === position.score ? { score, skip: position.skip + 1 } : { score, skip: 1 };
}
