import type { JobView } from '../shared/job-view';
import { type JobAction, JobItem } from './job-item';

/** The list of jobs, keyed by id: items are kept and updated, added and removed, in the snapshot's order. */
export class JobList {
  private readonly items = new Map<string, JobItem>();

  constructor(
    private readonly list: HTMLUListElement,
    private readonly onAction: (action: JobAction, job: JobView) => void,
  ) {}

  render(jobs: readonly JobView[]): void {
    const ids = new Set(jobs.map((job) => job.id));
    for (const [id, item] of this.items) {
      if (ids.has(id)) continue;
      item.element.remove();
      this.items.delete(id);
    }
    let previous: Element | null = null;
    for (const job of jobs) {
      let item = this.items.get(job.id);
      const added = item === undefined;
      if (item) item.update(job);
      else {
        item = new JobItem(job, this.onAction);
        this.items.set(job.id, item);
      }
      const expected: Element | null = previous ? previous.nextElementSibling : this.list.firstElementChild;
      if (expected !== item.element) this.list.insertBefore(item.element, expected);
      // In the document now: its segment map takes the list's width and the theme's colours.
      if (added) item.update(job);
      previous = item.element;
    }
  }
}
