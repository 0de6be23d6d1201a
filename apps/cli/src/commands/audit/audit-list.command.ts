import { Option, SubCommand } from 'nest-commander';
import { AuditLog, type AuditEntry } from '@brain/storage';
import { toAuditQuery, DEFAULT_AUDIT_PAGE, ListAuditQuery } from '@brain/contracts';
import { CliError, runCommand } from '../../cli-error';
import { parseWholeOption } from '../../options/parse-options';
import { validateAsApi } from '../../options/validate-as-api';
import { formatTime } from '../../output/format';
import { OutputCommand, type OutputOptions } from '../../output/output-command';
import { printJson, printLine, printTable } from '../../output/print';
import { withStorageApp } from '../../with-storage-app';

interface ListOptions extends OutputOptions {
  action?: string;
  principal?: string;
  status?: string;
  since?: string;
  until?: string;
  limit?: string;
  offset?: string;
  page?: string;
}

/** The option standing for each query parameter of GET /api/audit. */
const FLAGS = {
  action: '--action',
  principal: '--principal',
  status: '--status',
  since: '--since',
  until: '--until',
  limit: '--limit',
  offset: '--offset',
};

/** What a refused call was refused for, or where a call went: one cell. */
function outcome(e: AuditEntry): string | null {
  return e.reason ?? e.task_id ?? e.target;
}

@SubCommand({
  name: 'list',
  description: 'The audit log, newest first, filtered and paginated as GET /api/audit',
})
export class AuditListCommand extends OutputCommand<ListOptions> {
  async run(_params: string[], options: ListOptions = {}): Promise<void> {
    await runCommand(async () => {
      const page = parseWholeOption(options.page, '--page', 1);
      if (page !== undefined && options.offset !== undefined)
        throw new CliError('give --page or --offset, not both', 2);
      const limit = options.limit ?? String(DEFAULT_AUDIT_PAGE);
      // Query-string values, as the API receives them: its DTO converts and checks them.
      const q = validateAsApi(
        ListAuditQuery,
        {
          action: options.action,
          principal: options.principal,
          status: options.status,
          since: options.since,
          until: options.until,
          limit,
          offset: page !== undefined ? String((page - 1) * Number(limit)) : options.offset,
        },
        FLAGS,
      );
      return withStorageApp(async (app) => {
        const found = await app.get(AuditLog).page(toAuditQuery(q));
        if (options.json) return printJson(found);
        printTable(found.entries, [
          { header: 'AT', value: (e) => formatTime(e.at) },
          { header: 'PRINCIPAL', value: (e) => e.principal },
          { header: 'ACTION', value: (e) => e.action },
          { header: 'STATUS', value: (e) => e.status, align: 'right' },
          { header: 'IP', value: (e) => e.ip },
          { header: 'TASK / TARGET / REASON', value: outcome },
        ]);
        const first = found.offset + 1;
        const last = found.offset + found.entries.length;
        const range = found.entries.length ? `entries ${first}-${last}` : 'no entries';
        const next = found.has_more
          ? `; more with --page ${Math.floor(found.offset / found.limit) + 2}`
          : '';
        printLine(`${range}${next}`);
      });
    });
  }

  @Option({ flags: '-a, --action <action>', description: 'only this action (task.execute...)' })
  parseAction(value: string): string {
    return value;
  }

  @Option({
    flags: '--principal <name>',
    description: 'only calls by this key name (anonymous: no valid key; cli:<user>: the CLI)',
  })
  parsePrincipal(value: string): string {
    return value;
  }

  @Option({ flags: '-s, --status <code>', description: 'only this HTTP status (403...)' })
  parseStatus(value: string): string {
    return value;
  }

  @Option({ flags: '--since <iso>', description: 'at or after this time' })
  parseSince(value: string): string {
    return value;
  }

  @Option({ flags: '--until <iso>', description: 'at or before this time' })
  parseUntil(value: string): string {
    return value;
  }

  @Option({
    flags: '-l, --limit <n>',
    description: `entries per page, 1-500 (default ${DEFAULT_AUDIT_PAGE})`,
  })
  parseLimit(value: string): string {
    return value;
  }

  @Option({ flags: '--offset <n>', description: 'entries to skip' })
  parseOffset(value: string): string {
    return value;
  }

  @Option({ flags: '-p, --page <n>', description: 'page number, from 1 (instead of --offset)' })
  parsePage(value: string): string {
    return value;
  }
}
