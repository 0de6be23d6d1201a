import { IsOptional, IsString, MaxLength } from 'class-validator';
import { ListTasksQuery } from './task-queries.dto';

/** The API's task list filters, plus a search box: a task id, or a part of a task name. */
export class TaskSearchQuery extends ListTasksQuery {
  @IsOptional()
  @IsString()
  @MaxLength(200)
  search?: string;
}
