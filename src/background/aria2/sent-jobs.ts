/**
 * The downloads handed to aria2, newest first, for the popup's list: local storage (aria2 keeps them after the
 * browser closes, so the list does too). The secret is not part of a record.
 */

import { browser } from '../../shared/browser-api';
export interface SentJob {
  gid: string;
  url: string;
  filename: string;
  /** The endpoint that accepted it (the settings may point elsewhere later). */
  rpcUrl: string;
  sentAt: number;
}

export const SENT_JOBS_KEY = 'aria2Jobs';
const KEEP = 50;

export async function listSentJobs(): Promise<SentJob[]> {
  const stored = (await browser.storage.local.get(SENT_JOBS_KEY))[SENT_JOBS_KEY];
  return Array.isArray(stored) ? (stored as SentJob[]) : [];
}

export async function addSentJob(job: SentJob): Promise<void> {
  const jobs = await listSentJobs();
  await browser.storage.local.set({ [SENT_JOBS_KEY]: [job, ...jobs].slice(0, KEEP) });
}

export async function removeSentJob(gid: string): Promise<void> {
  const jobs = await listSentJobs();
  await browser.storage.local.set({ [SENT_JOBS_KEY]: jobs.filter((j) => j.gid !== gid) });
}
